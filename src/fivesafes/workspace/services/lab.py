"""JupyterLab sessions: start, stop, cull, and what the workspace pages show of them.

The only writer of `LabSession`. Every change is one transaction with its audit event; the
process work (starting the sandbox, waiting for its socket, stopping it) happens outside the
transaction, after the row that names it is committed, so a crash leaves a row that the next
`reconcile()` ends, never a process nobody knows about. docs/workspace/lab.md has the design.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.audit.services import record
from fivesafes.policy.workspaces import check_enter_workspace, check_oversee_workspaces, check_own
from fivesafes.sandbox import SandboxError
from fivesafes.sandbox import lab as core
from fivesafes.shared.language import in_language_of
from fivesafes.shared.refusals import AccessDenied, RuleViolation
from fivesafes.workspace.models import ENDING_WORDS, Ending, LabSession
from fivesafes.workspace.services import lab_processes as processes
from fivesafes.workspace.services.limits import (
    areas_for,
    default_idle_minutes,
    limits_for,
)

logger = logging.getLogger("fivesafes.workspace")


class LabRefused(RuleViolation):
    """A session could not be started; the message says why, in words."""

    def __init__(self, message: str) -> None:
        super().__init__("JupyterLab", "", message)


def sessions_dir() -> Path:
    return Path(settings.FIVESAFES_LAB_SESSIONS_DIR)


def folders_of(session: LabSession) -> core.LabFolders:
    return core.LabFolders(sessions_dir() / session.key)


def jupyter_share() -> Path:
    """The analysis environment's share/jupyter (JupyterLab's application)."""
    return Path(processes.spawner().python.venv) / "share" / "jupyter"


def live_session(person: Any, project: Any) -> LabSession | None:
    return (
        LabSession.objects.filter(person=person, project=project, state__in=LabSession.LIVE)
        .select_related("project")
        .first()
    )


def start_session(
    *, person: Any, project: Any, request: HttpRequest | None, wait: bool = True
) -> LabSession:
    """Start (or return the live) JupyterLab session of `person` in `project`.

    Asks the access rule with the request first. With `wait`, blocks until the server answers
    on its socket (`FIVESAFES_LAB_START_SECONDS` at most) and raises LabRefused if it does not;
    without, returns the session while it starts and a thread of this process waits for it
    (the pages do this: a web process runs Django's synchronous code on one thread, which must
    not wait seconds for one person). Raises AccessDenied or LabRefused."""
    check_enter_workspace(person, project, request)
    reconcile(person=person, project=project)
    existing = live_session(person, project)
    if existing is not None:
        return existing
    running = LabSession.objects.filter(state__in=LabSession.LIVE).count()
    if running >= settings.FIVESAFES_LAB_MAX_SESSIONS:
        raise LabRefused(
            _(
                "The research server is running as many JupyterLab sessions as it can; try "
                "again later, or stop a session you no longer use."
            )
        )
    token = core.new_token()
    key = secrets.token_hex(16)
    folders = core.LabFolders(sessions_dir() / key)
    try:
        with transaction.atomic():
            session = LabSession.objects.create(
                project=project,
                person=person,
                key=key,
                socket_path=str(folders.socket),
                token_sha256=hashlib.sha256(token.encode()).hexdigest(),
                host=processes.machine(),
            )
            record(
                action="lab_session.start",
                actor=person,
                obj=session,
                data={"project": project.number, "session": key[:8]},
                request=request,
            )
    except IntegrityError:  # a second click while the first start runs
        existing = live_session(person, project)
        if existing is None:
            raise
        return existing
    try:
        core.prepare_folders(
            sessions_dir(),
            key,
            token=token,
            base_url=core.base_url_for(project.number),
            owner=processes.owner_ids(),
        )
        spec = core.lab_spec(
            areas_for(project, person), limits_for(project), folders, jupyter_share()
        )
        handle = processes.start(key, spec)
        _set_pid(session, handle.pid)
    except SandboxError as error:
        _failed(session, error, person)
    if wait:
        return _until_ready(session, person)
    in_background(_until_ready_in_background, session.pk)
    return session


def in_background(call: Any, *args: Any) -> None:
    """Run `call(*args)` in a thread of this process (tests run it at once instead)."""
    threading.Thread(target=call, args=args, daemon=True, name="lab-start").start()


def _failed(session: LabSession, error: SandboxError, person: Any) -> NoReturn:
    started = processes.handle_of(session.key)
    ended = started.wait(0) if started is not None else None
    output = list(started.lines())[-12:] if started is not None and ended is not None else []
    logger.warning(
        "JupyterLab session %s did not start: %s (%s)\n%s",
        session.key[:8],
        error,
        ended,
        "\n".join(output),
    )
    folders = folders_of(session)
    processes.stop(session.key, session.pid, str(folders.root), "did not start")
    folders.remove()
    _end(session, Ending.FAILED, str(error), audit_action="lab_session.start_failed", actor=person)
    raise LabRefused(_("JupyterLab did not start: %(error)s") % {"error": error}) from error


def _until_ready(session: LabSession, person: Any) -> LabSession:
    """Wait for the session's socket to answer; then it is running."""
    folders = folders_of(session)
    handle = processes.handle_of(session.key)
    try:
        seconds = core.wait_ready(
            folders,
            core.base_url_for(session.project.number),
            timeout=settings.FIVESAFES_LAB_START_SECONDS,
            alive=lambda: handle is not None and handle.wait(0) is None,
        )
    except SandboxError as error:
        _failed(session, error, person)
    with transaction.atomic():
        session = (
            LabSession.objects.select_for_update().select_related("project").get(pk=session.pk)
        )
        if session.state != LabSession.State.STARTING:  # stopped while it started
            processes.stop(session.key, session.pid, str(folders.root), "stopped while starting")
            raise LabRefused(_("The session was stopped while it started."))
        session.state = LabSession.State.RUNNING
        session.ready_at = session.last_activity_at = timezone.now()
        session.save(update_fields=["state", "ready_at", "last_activity_at"])
        record(
            action="lab_session.started",
            actor=person,
            obj=session,
            data={"session": session.key[:8], "seconds": round(seconds, 2), "pid": session.pid},
        )
    return session


def _until_ready_in_background(session_id: int) -> None:
    from django.db import connection

    in_thread = threading.current_thread() is not threading.main_thread()
    try:
        session = LabSession.objects.select_related("project", "person").get(pk=session_id)
        _until_ready(session, session.person)
    except LabRefused:
        pass  # recorded, and shown on the member's page
    except Exception:
        logger.exception("Waiting for JupyterLab session %s failed.", session_id)
    finally:
        if in_thread:
            connection.close()


def _set_pid(session: LabSession, pid: int) -> None:
    session.pid = pid
    LabSession.objects.filter(pk=session.pk).update(pid=pid)


def _end(
    session: LabSession,
    ending: str,
    why: str,
    *,
    audit_action: str,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> bool:
    """Mark a live session ended, with its audit event; False if it had ended already."""
    with transaction.atomic():
        current = LabSession.objects.select_for_update().get(pk=session.pk)
        if not current.is_live:
            return False
        current.state = LabSession.State.ENDED
        current.ended_at = timezone.now()
        current.ending = ending
        current.ended_why = why[:500]
        current.save(update_fields=["state", "ended_at", "ending", "ended_why"])
        record(
            action=audit_action,
            actor=actor,
            obj=current,
            data={
                "project": current.project.number,
                "person": current.person_id,
                "session": current.key[:8],
                "ending": ending,
                "why": why[:500],
            },
            request=request,
        )
    session.state, session.ending, session.ended_why = current.state, ending, current.ended_why
    return True


def _halt(session: LabSession) -> None:
    processes.stop(session.key, session.pid, str(folders_of(session).root), session.ending)
    folders_of(session).remove()


def stop_session(
    *,
    session: LabSession,
    actor: Any,
    ending: str = Ending.STOPPED,
    why: str = "",
    request: HttpRequest | None = None,
) -> bool:
    """Stop one session (its owner, or staff who oversee workspaces)."""
    if ending == Ending.STOPPED_BY_STAFF:
        check_oversee_workspaces(actor)
    else:
        check_own(actor, session.person_id, "JupyterLab session")
    text = why or str(ENDING_WORDS[ending])
    ended = _end(
        session, ending, text, audit_action="lab_session.stopped", actor=actor, request=request
    )
    _halt(session)
    return ended


def stop_sessions(
    *, person: Any = None, project: Any = None, reason: str, actor: Any = None
) -> int:
    """Stop the running sessions of `person` (in `project`, or everywhere), or of everyone in
    `project`, at once, recording `reason`; how many stopped. Called when access ends."""
    if person is None and project is None:
        raise ValueError("stop_sessions needs a person, a project, or both")
    sessions = LabSession.objects.filter(state__in=LabSession.LIVE).select_related("project")
    if person is not None:
        sessions = sessions.filter(person=person)
    if project is not None:
        sessions = sessions.filter(project=project)
    stopped = 0
    for session in list(sessions):
        if _end(
            session, Ending.ACCESS_ENDED, reason, audit_action="lab_session.stopped", actor=actor
        ):
            stopped += 1
        _halt(session)
    return stopped


def end_for_access(session: LabSession, why: str, request: HttpRequest | None = None) -> None:
    """The proxy found that the owner may no longer work in the project: the session stops."""
    if _end(session, Ending.ACCESS_ENDED, why, audit_action="lab_session.stopped", request=request):
        _halt(session)


def touch(session_id: int) -> None:
    """Note use through the proxy (the proxy calls this at most once a minute per session)."""
    LabSession.objects.filter(pk=session_id, state=LabSession.State.RUNNING).update(
        last_activity_at=timezone.now()
    )


def reconcile(*, person: Any = None, project: Any = None) -> int:
    """End the sessions of this machine whose server is gone (it crashed, hit a limit, or the
    web process that ran it restarted); how many."""
    sessions = LabSession.objects.filter(
        state=LabSession.State.RUNNING, host=processes.machine()
    ).select_related("project", "person")
    if person is not None:
        sessions = sessions.filter(person=person)
    if project is not None:
        sessions = sessions.filter(project=project)
    ended = 0
    for session in list(sessions):
        folder = str(folders_of(session).root)
        if processes.alive(session.key, session.pid, folder):
            continue
        handle = processes.handle_of(session.key)
        result = handle.wait(0) if handle is not None else None
        with in_owners_language(session):
            why = (
                _("The server stopped: %(words)s.") % {"words": result.words}
                if result
                else str(ENDING_WORDS[Ending.RESTARTED])
            )
        ending = Ending.EXITED if result else Ending.RESTARTED
        if _end(session, ending, why, audit_action="lab_session.exited"):
            ended += 1
        processes.forget(session.key)
        folders_of(session).remove()
    return ended


def in_owners_language(session: LabSession) -> Any:
    """Words the system writes of a session by itself (no one asked) are in its owner's
    language: the owner reads them on their page."""
    return in_language_of(session.person)


def idle_sessions(now: Any = None) -> list[LabSession]:
    """Running sessions unused for longer than their project's idle minutes (set by staff on
    the workspace overview, `limits.idle_minutes_for`), in one query: each project's limits
    come joined; each session found carries its `idle_minutes`."""
    now = now or timezone.now()
    running = LabSession.objects.filter(state=LabSession.State.RUNNING).select_related(
        "project", "project__workspace_limits", "person"
    )
    default = default_idle_minutes()
    found = []
    for session in running:
        kept = getattr(session.project, "workspace_limits", None)
        session.idle_minutes = int(kept.idle_minutes) if kept is not None else default
        if session.last_activity_at < now - timedelta(minutes=session.idle_minutes):
            found.append(session)
    return found


def cull_idle(now: Any = None) -> int:
    """Stop the sessions nobody used through the proxy for their project's idle minutes; ask
    each server too (a kernel still computing counts as use). How many stopped."""
    reconcile()
    culled = 0
    for session in idle_sessions(now):
        minutes = session.idle_minutes
        if _server_busy(session, now, minutes):
            continue
        with in_owners_language(session):
            why = _("Nobody used it for %(minutes)s minutes.") % {"minutes": minutes}
        if _end(session, Ending.IDLE, why, audit_action="lab_session.culled"):
            culled += 1
        _halt(session)
    return culled


def _server_busy(session: LabSession, now: Any, minutes: int) -> bool:
    """Whether the server itself saw activity (a running kernel) within the idle time."""
    import httpx

    folders = folders_of(session)
    try:
        token = folders.token()
        with httpx.Client(
            transport=httpx.HTTPTransport(uds=str(folders.socket)), timeout=2.0
        ) as client:
            answer = client.get(
                f"{core.UPSTREAM}{core.status_path(core.base_url_for(session.project.number))}",
                headers={"Authorization": f"token {token}"},
            )
        last = answer.json().get("last_activity")
    except (SandboxError, httpx.HTTPError, ValueError, AttributeError):
        return False
    from django.utils.dateparse import parse_datetime

    seen = parse_datetime(last) if isinstance(last, str) else None
    cutoff = (now or timezone.now()) - timedelta(minutes=minutes)
    return seen is not None and seen >= cutoff


def panel_context(person: Any, project: Any) -> dict[str, Any]:
    """What the member's workspace page shows of their sessions (`workspace/_lab_panel.html`)."""
    reconcile(person=person, project=project)
    session = live_session(person, project)
    recent = list(
        LabSession.objects.filter(person=person, project=project, state=LabSession.State.ENDED)[:5]
    )
    return {
        "lab_session": session,
        "lab_url": core.base_url_for(project.number) + "lab" if session else "",
        "lab_recent": recent,
        "lab_idle_minutes": default_idle_minutes(),
        "lab_project_number": project.number,
    }


def staff_context() -> dict[str, Any]:
    """What the staff overview shows of running sessions (`workspace/_lab_staff.html`)."""
    reconcile()
    rows = []
    for session in LabSession.objects.filter(state__in=LabSession.LIVE).select_related(
        "project", "person"
    ):
        cpu, rss = processes.usage(session.pid) if session.host == processes.machine() else (0, 0)
        rows.append({"session": session, "cpu_seconds": round(cpu, 1), "memory_bytes": rss})
    return {"lab_running": rows, "lab_idle_minutes": default_idle_minutes()}


def session_for_proxy(person: Any, project_number: str) -> LabSession:
    """The running session of `person` in the project, for the proxy; AccessDenied if none.
    Only the owner's own session is ever found: a session belongs to one person."""
    session = (
        LabSession.objects.filter(
            person=person, project__number=project_number, state=LabSession.State.RUNNING
        )
        .select_related("project")
        .first()
    )
    if session is None:
        raise AccessDenied(_("You have no running JupyterLab session in this project."), status=404)
    return session
