"""Who is asking, and may they reach this session: the proxy's Django side (synchronous).

The proxy calls `authorize` (through `sync_to_async`) for every HTTP request and for every
websocket at connect and again every few seconds while it is open. It builds a Django request
from the ASGI scope and runs Django's own session, authentication and two-factor (django-otp)
middleware over it, so the answer is the same as for any page: the fivesafes session cookie,
its second factor, its idle expiry. Then the one access rule (`check_enter_workspace`) with the
request, and then the session of *this* person: another member of the same project finds
none. A passing answer of the rule is kept per person, project and address while the access
generation (`policy.access_generation`) has not moved and the day has not turned, so a request
costs Django's own reads, one read of the generation and one of the session, not the rule's
fifteen; any change to what the rule reads moves the generation, and the next request asks the
full rule. When the rule fails for the person (not merely for this request's address or session),
their sessions in the project are stopped. Every refusal is audited; any error here refuses
(fails closed). A refusal is worded in the person's language (their account's choice, else the
language cookie or the browser's, as on the pages), and audited in that wording.
"""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.handlers.asgi import ASGIRequest
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_otp.middleware import OTPMiddleware

from fivesafes.audit.services import client_ip, record, record_refusal
from fivesafes.policy import access_generation
from fivesafes.policy.checks import is_two_factor
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


LANGUAGES = {code for code, _name in settings.LANGUAGES}


def language_of(request: HttpRequest) -> str:
    """The language the person reads: their account's choice, else the language cookie's or
    the browser's (Django's choice from the request), as the pages choose it."""
    user = getattr(request, "user", None)
    chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
    return chosen if chosen in LANGUAGES else translation.get_language_from_request(request)


def worded(request: HttpRequest, refusal: Refusal) -> Refusal:
    """A refusal the rules wrote in English (marked for the catalogue), in the person's
    language."""
    with translation.override(language_of(request)):
        return Refusal(refusal.status, _(refusal.reason))


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


@dataclass(frozen=True)
class Kept:
    """A passing answer of the access rule for one person, project and address: good while the
    access generation is `generation` and until `until` (the next local midnight: every dated
    condition of the rule is dated by day, so none can lapse by itself before then)."""

    generation: int
    until: datetime


_kept: dict[tuple[int, str, str], Kept] = {}
_tokens: dict[str, str] = {}  # session key -> its token, read once from its configuration
KEPT_AT_MOST = 10_000


def _next_midnight() -> datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime.combine(today + timedelta(days=1), datetime.min.time()))


def authorize(
    scope: dict[str, Any], project_number: str, *, reuse: bool = True
) -> tuple[Grant, HttpRequest]:
    """Raise Refused, or answer who may pass to which session.

    Django's session, sign-in and second factor are asked on every call. The access rule's
    passing answer is kept and reused (`reuse`) while the access generation has not moved since
    it was given and the day has not turned; any change to what the rule reads moves the
    generation in the same transaction, so the next request asks the full rule again. When the
    generation cannot be read, the full rule is asked."""
    request = django_request(scope)
    try:
        with translation.override(language_of(request)):
            grant = _authorize(request, project_number, reuse=reuse)
    except DatabaseError:
        logger.exception("The JupyterLab proxy could not ask the access rule.")
        connection.close()  # a fresh connection next time
        with translation.override(translation.get_language_from_request(request)):
            said = _("fivesafes cannot check your access just now; try again in a moment.")
        raise Refused(Refusal(503, said)) from None
    return grant, request


def forget_answers() -> None:
    _kept.clear()
    _tokens.clear()


def _still_passes(request: HttpRequest, key: tuple[int, str, str], generation: int | None) -> bool:
    """Whether the kept answer for `key` still holds for this request."""
    kept = _kept.get(key)
    if kept is None or generation is None or kept.generation != generation:
        return False
    if timezone.now() >= kept.until:
        return False
    user = request.user
    # The session's own conditions are asked afresh (the full rule then names what failed).
    return bool(user.is_active and is_two_factor(user))


def _authorize(request: HttpRequest, project_number: str, *, reuse: bool = True) -> Grant:
    user = request.user
    if not user.is_authenticated:
        raise refuse(
            request,
            Refusal(
                401, _("Sign in to fivesafes first; JupyterLab opens from the workspace page.")
            ),
        )
    # The address as the rule reads it: an answer for one address is never reused for another.
    key = (user.pk, project_number, client_ip(request) or "")
    generation = access_generation.current()  # read before the rule: a change meanwhile shows
    if not (reuse and _still_passes(request, key, generation)):
        _check_rule(request, user, project_number)
        if generation is not None:
            if len(_kept) >= KEPT_AT_MOST:
                _kept.clear()
            _kept[key] = Kept(generation, _next_midnight())
    try:
        session = services.session_for_proxy(user, project_number)
        token = _tokens.get(session.key) or services.folders_of(session).token()
    except AccessDenied as missing:
        raise refuse(request, Refusal(404, str(missing)), project=project_number) from None
    except SandboxError:
        raise refuse(
            request,
            Refusal(503, _("The session cannot be reached; stop it and start a new one.")),
        ) from None
    if len(_tokens) >= KEPT_AT_MOST:
        _tokens.clear()
    _tokens[session.key] = token  # a session's token never changes; its key is never reused
    now = time.monotonic()
    if now - _touched.get(session.pk, 0.0) > TOUCH_EVERY:
        _touched[session.pk] = now
        services.touch(session.pk)
        request.session.modified = True
        request.session.save()  # the sign-in's idle expiry counts work in JupyterLab too
    areas = areas_for(session.project, user)
    return Grant(
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


def _check_rule(request: HttpRequest, user: Any, project_number: str) -> Project:
    """The full access rule: the project, or a refusal (the person's sessions stop when their
    access has ended, not merely this request's second factor or address)."""
    project = Project.objects.filter(number=project_number).select_related("institution").first()
    if project is None:
        raise refuse(request, Refusal(404, _("There is no such project.")))
    try:
        check_enter_workspace(user, project, request)
    except AccessDenied as denied:
        if access_ended(user, project):
            services.stop_sessions(
                person=user,
                project=project,
                reason=_("Access ended: %(reason)s") % {"reason": denied},
                actor=None,
            )
        # A project the person may not see reads as a missing one (404), as on every page.
        status = 404 if denied.status == 404 else 403
        raise refuse(request, Refusal(status, str(denied)), project=project_number) from None
    return project


def access_ended(person: Any, project: Project) -> bool:
    """Whether the person may no longer work in the project at all (not merely: this request
    lacks its second factor or comes from another address). Their sessions then stop."""
    if not person.is_active or not holds(person, Permission.WORK_IN_PROJECTS):
        return True
    if not is_in_project(person, project):
        return True
    return not project_access(person, project).allowed


def audit_refusal(request: HttpRequest, refusal: Refusal, project: str) -> Refusal:
    """A rule of `proxy.rules` refused a request that passed the access rule: audited, and
    answered, in the person's language."""
    said = worded(request, refusal)
    refuse(request, said, project=project)
    return said


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
