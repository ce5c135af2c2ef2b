"""The daily sweep (R25) is idempotent: run twice on one day it closes nothing twice and sends
no reminder twice; a later day does what is due then; a new end date gets its own reminder."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from fivesafes.audit.models import AuditEvent
from fivesafes.projects.models import Project
from fivesafes.projects.services import closure, projects
from fivesafes.projects.tasks import daily_sweep, run_daily_sweep
from tests.projects.test_closure import project  # noqa: F401 - fixture


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_two_sweeps_on_one_day_send_one_reminder(pw, project) -> None:  # noqa: F811
    day = project.ends_on - timedelta(days=20)
    assert run_daily_sweep(on=day) == {"closed": 0, "reminded": 1}
    assert run_daily_sweep(on=day) == {"closed": 0, "reminded": 0}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Project {project.number} ends on {project.ends_on}"
    assert _events("project.end_reminder_sent") == 1
    # The next day nothing new is due either.
    assert run_daily_sweep(on=day + timedelta(days=1)) == {"closed": 0, "reminded": 0}
    assert len(mail.outbox) == 1


def test_two_sweeps_after_the_end_close_once(pw, project) -> None:  # noqa: F811
    day = project.ends_on + timedelta(days=1)
    first = run_daily_sweep(on=day)
    assert first["closed"] == 1
    project.refresh_from_db()
    archive, closed_at = project.archive_name, project.closed_at
    assert run_daily_sweep(on=day) == {"closed": 0, "reminded": 0}
    project.refresh_from_db()
    assert project.is_closed and project.archive_name == archive and project.closed_at == closed_at
    assert _events("project.closed") == 1


def test_a_sweep_that_finds_the_project_closed_meanwhile_skips_it(
    pw,
    project,  # noqa: F811
    monkeypatch,
) -> None:
    """Another run (or a person) closed it between the sweep's query and its lock."""
    day = project.ends_on + timedelta(days=1)
    stale = list(Project.objects.filter(pk=project.pk))
    closure.close(actor=pw.case_handler, project=project, reason="Closed by hand.")
    original = Project.objects.filter

    def as_seen_before(*args, **kwargs):
        if kwargs.get("state") == Project.State.ACTIVE and "ends_on__lt" in kwargs:
            return stale
        return original(*args, **kwargs)

    monkeypatch.setattr(Project.objects, "filter", as_seen_before)
    assert closure.close_ended(on=day) == 0
    assert _events("project.closed") == 1


def test_a_new_end_date_gets_a_new_reminder(pw, project) -> None:  # noqa: F811
    from fivesafes.projects.services import applications, decisions

    day = project.ends_on - timedelta(days=20)
    run_daily_sweep(on=day)
    change = projects.start_change_request(
        actor=pw.researcher, project=project, summary="Another year."
    )
    applications.update(
        actor=pw.researcher,
        application=change,
        changes={"ends_on": project.ends_on + timedelta(days=365)},
    )
    decisions.take_step(actor=pw.researcher, application=change, step="submit")
    decisions.take_step(actor=pw.case_handler, application=change, step="start_review")
    decisions.take_step(actor=pw.case_handler, application=change, step="recommend", note="Ok.")
    decisions.take_step(actor=pw.approver, application=change, step="approve")
    project.refresh_from_db()
    assert project.end_reminder_sent_at is None
    later = project.ends_on - timedelta(days=20)
    assert run_daily_sweep(on=later) == {"closed": 0, "reminded": 1}
    assert run_daily_sweep(on=later) == {"closed": 0, "reminded": 0}
    assert len(mail.outbox) == 2


def test_the_job_runs_the_sweep(pw, project) -> None:  # noqa: F811
    assert daily_sweep.call() == {"closed": 0, "reminded": 0}


def test_one_project_that_cannot_close_does_not_keep_the_others_open(
    pw,
    project,  # noqa: F811
    monkeypatch,
) -> None:
    """R25: the sweep closes every other project and sends the reminders, then fails naming
    the broken one; the next run closes it once it can."""
    import pytest

    from fivesafes.projects.tasks import SweepIncomplete

    day = project.ends_on + timedelta(days=1)
    other = Project.objects.create(
        number="P-2000-999",
        title="Another",
        institution=pw.institution,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
        responsible=pw.researcher,
    )
    first = min(project, other, key=lambda p: p.number)
    archive = closure._archive

    def broken(p):
        if p.pk == first.pk:
            raise OSError("disk full")
        return archive(p)

    monkeypatch.setattr(closure, "_archive", broken)
    with pytest.raises(SweepIncomplete) as caught:
        run_daily_sweep(on=day)
    assert first.number in str(caught.value)
    states = dict(Project.objects.values_list("number", "state"))
    assert states[first.number] == "active"
    assert [n for n, s in states.items() if s == "closed"] == [
        p.number for p in (project, other) if p.pk != first.pk
    ]
    monkeypatch.setattr(closure, "_archive", archive)
    assert run_daily_sweep(on=day)["closed"] == 1
    assert _events("project.closed") == 2
