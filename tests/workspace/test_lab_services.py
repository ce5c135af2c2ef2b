"""JupyterLab sessions' services and pages, with the sandbox replaced by a fake process (the
real one is in test_lab_session.py): who may start and stop, staff stopping with a reason,
stopping everything when access ends, idle culling, sessions whose server is gone, the pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from fivesafes.audit.models import AuditEvent
from fivesafes.sandbox import SandboxError
from fivesafes.shared.refusals import AccessDenied
from fivesafes.workspace.models import LabSession
from fivesafes.workspace.services import lab as sessions
from fivesafes.workspace.services import lab_processes
from tests.conftest import verified_client
from tests.workspace.lab_world import lab_world, verified_request  # noqa: F401


class FakeRun:
    pid = 999_999

    def __init__(self) -> None:
        self.cancelled = ""

    def wait(self, timeout: float | None = None) -> Any:
        return None if not self.cancelled else type("R", (), {"words": "cancelled"})()

    def cancel(self, note: str = "") -> None:
        self.cancelled = note or "cancelled"


@pytest.fixture
def fake(monkeypatch) -> dict[str, FakeRun]:
    runs: dict[str, FakeRun] = {}

    def start(key: str, spec: Any) -> FakeRun:
        run = runs[key] = FakeRun()
        lab_processes._handles[key] = run  # type: ignore[assignment]
        return run

    monkeypatch.setattr(lab_processes, "start", start)
    monkeypatch.setattr(sessions.core, "wait_ready", lambda *a, **k: 0.5)
    monkeypatch.setattr(sessions, "_server_busy", lambda session, now, minutes: False)
    monkeypatch.setattr(sessions, "in_background", lambda call, *args: call(*args))
    yield runs
    lab_processes._handles.clear()


def start(world: Any, person: Any = None) -> LabSession:
    person = person or world.owner
    return sessions.start_session(
        person=person, project=world.project, request=verified_request(person)
    )


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def test_a_member_starts_one_session_and_a_second_click_returns_it(lab_world, fake) -> None:  # noqa: F811
    first = start(lab_world)
    assert first.state == LabSession.State.RUNNING and first.pid == FakeRun.pid
    assert start(lab_world).pk == first.pk
    assert actions().count("lab_session.start") == 1
    token = sessions.folders_of(first).token()
    assert len(token) > 30 and token not in str(LabSession.objects.values().get())


def test_an_outsider_cannot_start_a_session(lab_world, fake, make_user) -> None:  # noqa: F811
    from fivesafes.policy.permissions import Role

    outsider = make_user(Role.RESEARCHER)
    with pytest.raises(AccessDenied):
        start(lab_world, outsider)
    assert not LabSession.objects.exists()


def test_a_session_that_does_not_start_is_recorded_and_said(lab_world, fake, monkeypatch) -> None:  # noqa: F811
    def fails(*args: Any, **kwargs: Any) -> float:
        raise SandboxError("the JupyterLab server ended while starting")

    monkeypatch.setattr(sessions.core, "wait_ready", fails)
    with pytest.raises(sessions.LabRefused, match="did not start"):
        start(lab_world)
    session = LabSession.objects.get()
    assert session.state == LabSession.State.ENDED and session.ending == "failed"
    assert "lab_session.start_failed" in actions()


def test_another_member_cannot_stop_it_but_staff_can_with_a_reason(lab_world, fake) -> None:  # noqa: F811
    session = start(lab_world)
    with pytest.raises(AccessDenied):
        sessions.stop_session(session=session, actor=lab_world.colleague)
    with pytest.raises(AccessDenied):
        sessions.stop_session(session=session, actor=lab_world.colleague, ending="staff")
    assert sessions.stop_session(
        session=session, actor=lab_world.staff, ending="staff", why="Maintenance tonight."
    )
    session.refresh_from_db()
    assert (session.state, session.ending, session.ended_why) == (
        "ended",
        "staff",
        "Maintenance tonight.",
    )
    assert fake[session.key].cancelled


def test_stop_sessions_stops_at_once_and_records_why(lab_world, fake) -> None:  # noqa: F811
    mine = start(lab_world)
    theirs = start(lab_world, lab_world.colleague)
    stopped = sessions.stop_sessions(
        person=lab_world.owner, reason="A sanction was imposed (R24).", actor=lab_world.staff
    )
    assert stopped == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.ending == "access" and mine.ended_why == "A sanction was imposed (R24)."
    assert theirs.state == "running"
    assert sessions.stop_sessions(project=lab_world.project, reason="Project closed.") == 1


def test_idle_sessions_are_culled(lab_world, fake, settings) -> None:  # noqa: F811
    settings.FIVESAFES_WORKSPACE_IDLE_MINUTES = 30
    idle = start(lab_world)
    busy = start(lab_world, lab_world.colleague)
    LabSession.objects.filter(pk=idle.pk).update(
        last_activity_at=timezone.now() - timedelta(minutes=31)
    )
    assert sessions.cull_idle() == 1
    idle.refresh_from_db()
    busy.refresh_from_db()
    assert idle.ending == "idle" and "30 minutes" in idle.ended_why
    assert busy.state == "running"
    assert "lab_session.culled" in actions()


def test_idle_sessions_follow_each_projects_own_minutes_in_one_query(
    lab_world,  # noqa: F811
    fake,  # noqa: F811
    settings,
    django_assert_num_queries,
) -> None:
    from fivesafes.workspace.models import WorkspaceLimits
    from fivesafes.workspace.services.limits import default_limits

    settings.FIVESAFES_WORKSPACE_IDLE_MINUTES = 30
    first, second = start(lab_world), start(lab_world, lab_world.colleague)
    long_ago = timezone.now() - timedelta(minutes=45)
    LabSession.objects.update(last_activity_at=long_ago)
    with django_assert_num_queries(1):
        assert {s.pk for s in sessions.idle_sessions()} == {first.pk, second.pk}
    limits = default_limits()
    WorkspaceLimits.objects.create(
        project=lab_world.project,
        cpu_seconds=limits.cpu_seconds,
        memory_bytes=limits.memory_bytes,
        processes=limits.processes,
        file_size_bytes=limits.file_size_bytes,
        wall_seconds=limits.wall_seconds,
        idle_minutes=60,
    )
    with django_assert_num_queries(1):
        assert sessions.idle_sessions() == []  # the project's own 60 minutes


def test_a_session_whose_server_is_gone_is_ended(lab_world, fake) -> None:  # noqa: F811
    session = start(lab_world)
    fake[session.key].cancel("crashed")
    context = sessions.panel_context(lab_world.owner, lab_world.project)
    assert context["lab_session"] is None
    session.refresh_from_db()
    assert session.ending == "exited" and "lab_session.exited" in actions()
    lab_processes._handles.clear()
    other = start(lab_world)
    LabSession.objects.filter(pk=other.pk).update(pid=None)
    lab_processes._handles.clear()
    assert sessions.reconcile() == 1
    other.refresh_from_db()
    assert other.ending == "restarted"


def test_the_pages(lab_world, fake) -> None:  # noqa: F811
    number = lab_world.project.number
    member = verified_client(lab_world.owner)
    page = member.get(f"/workspace/{number}/sessions/", REMOTE_ADDR="127.0.0.1")
    assert page.status_code == 200 and b"Start JupyterLab" in page.content
    started = member.post(f"/workspace/{number}/sessions/start/", REMOTE_ADDR="127.0.0.1")
    assert started.status_code == 302
    assert started["Location"] == f"/workspace/{number}/sessions/?open=1"
    opened = member.get(started["Location"], REMOTE_ADDR="127.0.0.1")
    assert opened.status_code == 302 and opened["Location"] == f"/workspace/{number}/lab/lab"
    page = member.get(f"/workspace/{number}/sessions/", REMOTE_ADDR="127.0.0.1")
    assert b"Open JupyterLab" in page.content
    session = LabSession.objects.get()
    colleague = verified_client(lab_world.colleague)
    refused = colleague.post(f"/workspace/sessions/{session.pk}/stop/", REMOTE_ADDR="127.0.0.1")
    assert refused.status_code == 404
    staff = verified_client(lab_world.staff)
    overview = staff.get("/workspace/sessions/running/")
    assert overview.status_code == 200 and number.encode() in overview.content
    assert member.get("/workspace/sessions/running/").status_code == 403
    stopped = staff.post(f"/workspace/sessions/{session.pk}/staff-stop/", {"why": "Tests."})
    assert stopped.status_code == 302
    session.refresh_from_db()
    assert session.ending == "staff"
