"""Who is asking, and may they reach this session: the proxy's Django side (synchronous).

The proxy calls `authorize` (through `sync_to_async`) for every HTTP request and for every
websocket at connect and again every few seconds while it is open. It builds a Django request
from the ASGI scope and runs Django's own session, authentication and two-factor (django-otp)
middleware over it, so the answer is the same as for any page: the fivesafes session cookie,
its second factor, its idle expiry. Then the one access rule (`check_enter_workspace`) with the
request, and then the session of *this* person: another member of the same project finds
none. When the rule fails for the person (not merely for this request's address or session),
their sessions in the project are stopped. Every refusal is audited; any error here refuses
(fails closed).
"""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.handlers.asgi import ASGIRequest
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django_otp.middleware import OTPMiddleware

from fivesafes.audit.services import record, record_refusal
from fivesafes.policy.permissions import Permission, holds
from fivesafes.policy.project_access import project_access
from fivesafes.policy.projects import is_in_project
from fivesafes.policy.workspaces import check_enter_workspace
from fivesafes.projects.models import Project
from fivesafes.sandbox import SandboxError
from fivesafes.sandbox.spec import INSIDE_DATA, INSIDE_FILES, INSIDE_OUTPUTS, INSIDE_PRIVATE
from fivesafes.shared.refusals import AccessDenied
from fivesafes.workspace.proxy.rules import Refusal
from fivesafes.workspace.services import lab as services
from fivesafes.workspace.services.limits import areas_for

logger = logging.getLogger("fivesafes.workspace")
TOUCH_EVERY = 60.0  # seconds between notes of use (last activity, the sign-in's idle expiry)
_touched: dict[int, float] = {}


@dataclass
class Grant:
    """May pass: whose session, where its socket is, its token (server side only)."""

    session_id: int
    person_id: int
    project: str
    socket: str
    token: str
    mounts: dict[str, Path] = field(default_factory=dict)


class Refused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.reason)
        self.refusal = refusal


def _no_response(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


_session_middleware = SessionMiddleware(_no_response)
_auth_middleware = AuthenticationMiddleware(_no_response)
_otp_middleware = OTPMiddleware(_no_response)


def django_request(scope: dict[str, Any]) -> HttpRequest:
    """A Django request for an ASGI HTTP or websocket scope, with session, user and the
    two-factor mark, exactly as Django's own middleware would set them."""
    http = dict(scope)
    http["type"] = "http"
    http.setdefault("method", "GET")
    http["scheme"] = {"ws": "http", "wss": "https"}.get(
        scope.get("scheme", ""), scope.get("scheme", "http")
    )
    request = ASGIRequest(http, io.BytesIO())
    _session_middleware.process_request(request)
    _auth_middleware.process_request(request)
    _otp_middleware(request)
    return request


def refuse(request: HttpRequest, refusal: Refusal, **data: Any) -> Refused:
    """Audit a refusal; the exception to raise."""
    user = getattr(request, "user", None)
    try:
        if user is not None and user.is_authenticated:
            record(
                action="lab_session.refused",
                actor=user,
                request=request,
                data={"path": request.path[:300], "reason": refusal.reason, **data},
            )
        else:
            record_refusal(
                audit_action="access.denied",
                request=request,
                reason=refusal.reason,
                data={"room": "jupyterlab", **data},
            )
    except Exception:  # the refusal stands even if the log cannot be written
        logger.exception("A JupyterLab proxy refusal could not be audited.")
    return Refused(refusal)


_answers: dict[tuple[str, str, str], tuple[float, Grant]] = {}


def _cache_key(request: HttpRequest, project_number: str) -> tuple[str, str, str] | None:
    from django.conf import settings

    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if not cookie or settings.FIVESAFES_LAB_ACCESS_CACHE_SECONDS <= 0:
        return None
    return cookie, project_number, request.META.get("REMOTE_ADDR", "")


def authorize(
    scope: dict[str, Any], project_number: str, *, reuse: bool = True
) -> tuple[Grant, HttpRequest]:
    """Raise Refused, or answer who may pass to which session.

    With FIVESAFES_LAB_ACCESS_CACHE_SECONDS above 0 (default 0: every request is checked in
    full), a passing answer for the same sign-in, project and address is reused for that many
    seconds by HTTP requests (`reuse`); websocket re-checks never reuse one."""
    from django.conf import settings

    request = django_request(scope)
    key = _cache_key(request, project_number) if reuse else None
    if key is not None:
        hit = _answers.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1], request
    try:
        grant = _authorize(request, project_number)
    except DatabaseError:
        logger.exception("The JupyterLab proxy could not ask the access rule.")
        connection.close()  # a fresh connection next time
        raise Refused(
            Refusal(503, "fivesafes cannot check your access just now; try again in a moment.")
        ) from None
    if key is not None:
        if len(_answers) > 10_000:
            _answers.clear()
        expires = time.monotonic() + settings.FIVESAFES_LAB_ACCESS_CACHE_SECONDS
        _answers[key] = (expires, grant)
    return grant, request


def forget_answers() -> None:
    _answers.clear()


def _authorize(request: HttpRequest, project_number: str) -> Grant:
    user = request.user
    if not user.is_authenticated:
        raise refuse(
            request,
            Refusal(401, "Sign in to fivesafes first; JupyterLab opens from the workspace page."),
        )
    project = Project.objects.filter(number=project_number).first()
    if project is None:
        raise refuse(request, Refusal(404, "There is no such project."))
    try:
        check_enter_workspace(user, project, request)
    except AccessDenied as denied:
        if access_ended(user, project):
            services.stop_sessions(
                person=user, project=project, reason=f"Access ended: {denied}", actor=None
            )
        raise refuse(request, Refusal(403, str(denied)), project=project_number) from None
    try:
        session = services.session_for_proxy(user, project_number)
        token = services.folders_of(session).token()
    except AccessDenied as missing:
        raise refuse(request, Refusal(404, str(missing)), project=project_number) from None
    except SandboxError:
        raise refuse(
            request, Refusal(503, "The session cannot be reached; stop it and start a new one.")
        ) from None
    now = time.monotonic()
    if now - _touched.get(session.pk, 0.0) > TOUCH_EVERY:
        _touched[session.pk] = now
        services.touch(session.pk)
        request.session.modified = True
        request.session.save()  # the sign-in's idle expiry counts work in JupyterLab too
    areas = areas_for(project, user)
    grant = Grant(
        session_id=session.pk,
        person_id=user.pk,
        project=project_number,
        socket=session.socket_path,
        token=token,
        mounts={
            INSIDE_DATA: areas.data,
            INSIDE_FILES: areas.files,
            INSIDE_PRIVATE: areas.private,
            INSIDE_OUTPUTS: areas.outputs,
        },
    )
    return grant


def access_ended(person: Any, project: Project) -> bool:
    """Whether the person may no longer work in the project at all (not merely: this request
    lacks its second factor or comes from another address). Their sessions then stop."""
    if not person.is_active or not holds(person, Permission.WORK_IN_PROJECTS):
        return True
    if not is_in_project(person, project):
        return True
    return not project_access(person, project).allowed


def audit_refusal(request: HttpRequest, refusal: Refusal, project: str) -> None:
    """A rule of `proxy.rules` refused a request that passed the access rule."""
    refuse(request, refusal, project=project)


def audit_stream_closed(request: HttpRequest, reason: str, project: str) -> None:
    try:
        record(
            action="lab_session.stream_closed",
            actor=request.user,
            request=request,
            data={"path": request.path[:300], "reason": reason, "project": project},
        )
    except Exception:
        logger.exception("A closed JupyterLab stream could not be audited.")
