"""When access ends, the person's (or the project's) runs stop at once and JupyterLab is told:
wired into safe people (an agreement ends, a sanction) and into a project's closure, without
those rooms knowing of the workspace."""

from __future__ import annotations

from fivesafes.audit.models import AuditEvent
from tests.workspace.conftest import WorkspaceWorld, start_script


def test_an_agreement_that_ends_stops_that_members_queued_runs_only(
    ww: WorkspaceWorld, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from fivesafes.people.services.agreements import end_agreements_of
    from fivesafes.workspace.services import lab

    told = []
    monkeypatch.setattr(lab, "stop_sessions", lambda **kw: told.append(kw) or 0)
    mine = start_script(ww, "print(1)\n", "a.py")
    theirs = start_script(ww, "print(2)\n", "b.py", person=ww.colleague)
    with django_capture_on_commit_callbacks(execute=True):
        end_agreements_of(ww.member, reason="notice given")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.state == "stopped"
    assert "notice given" in mine.stop_reason
    assert theirs.state == "queued"
    assert told and told[0]["person"] == ww.member and told[0]["project"] == ww.project
    event = AuditEvent.objects.filter(action="workspace.access_ended").get()
    assert event.data["runs_stopped"] == 1


def test_a_closed_project_stops_every_members_runs(ww: WorkspaceWorld, monkeypatch) -> None:
    from fivesafes.projects.services.closure import CLOSED_HOOKS
    from fivesafes.workspace.services import access, lab

    monkeypatch.setattr(lab, "stop_sessions", lambda **kw: 0)
    assert access.project_closed in CLOSED_HOOKS
    runs = [
        start_script(ww, "print(1)\n", "a.py"),
        start_script(ww, "print(2)\n", "b.py", person=ww.colleague),
    ]
    access.project_closed(ww.project, None)
    for run in runs:
        run.refresh_from_db()
        assert run.state == "stopped"
        assert run.stop_reason == "project P-2026-013 closed (R25)"


def test_a_stopped_run_never_starts_and_a_queued_run_of_an_excluded_member_does_not_run(
    ww: WorkspaceWorld,
) -> None:
    """The worker asks the rule before it begins: a member excluded after queueing gets nothing
    run."""
    from django.utils import timezone

    from fivesafes.people.models import ResearcherAgreement
    from tests.workspace.conftest import run_queued

    run = start_script(ww, "open('/project/outputs/x.txt', 'w').write('x')\n")
    ResearcherAgreement.objects.filter(researcher=ww.member).update(ended_at=timezone.now())
    run = run_queued(run)
    assert run.state == "stopped"
    assert not (ww.areas().outputs / "x.txt").exists()


def test_a_run_whose_worker_died_is_recorded_as_failed_when_the_member_starts_another(
    ww: WorkspaceWorld,
) -> None:
    from django_tasks_db.models import DBTaskResult

    lost = start_script(ww, "print(1)\n", "a.py")
    DBTaskResult.objects.filter(pk=lost.task_id).update(status="FAILED")
    start_script(ww, "print(2)\n", "b.py")
    lost.refresh_from_db()
    assert lost.state == "failed"
    assert lost.words.startswith("not finished: the worker running it stopped")


def test_an_ended_agreement_beside_one_still_in_force_stops_nothing(
    ww: WorkspaceWorld, django_capture_on_commit_callbacks
) -> None:
    """A renewal: the old agreement ends, the new one lets the member go on working."""
    from fivesafes.people.services import agreements
    from tests.delivery.conftest import make_agreement

    run = start_script(ww, "print(1)\n")
    old = list(ww.member.agreements.all())
    make_agreement(ww.manager, ww.member, ww.project)
    with django_capture_on_commit_callbacks(execute=True):
        for agreement in old:
            agreements._end(agreement, "replaced by a renewal", None)
    run.refresh_from_db()
    assert run.state == "queued"
