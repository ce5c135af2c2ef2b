"""Session bookkeeping: the half-way state between password and code, and idle expiry.

After a correct password the person is not signed in yet: the session only remembers who is
pending, for five minutes. A marker cookie lets us tell an expired session (say so, audit it)
from a visitor who never signed in.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from fivesafes.policy.checks import is_two_factor

if TYPE_CHECKING:
    from fivesafes.accounts.models import User

PENDING_KEY = "fivesafes.pending_user"
PENDING_SECONDS = 300
MARKER_COOKIE = "fivesafes_signed_in"
MARKER_SALT = "fivesafes.session-marker"


def set_pending(request: HttpRequest, user: User) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"id": user.pk, "at": time.time()}


def pending_user(request: HttpRequest) -> User | None:
    from fivesafes.accounts.models import User

    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending["id"], is_active=True).first()


def clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def note_expired_session(request: HttpRequest) -> None:
    """If a signed-in marker arrives without a live session, the session timed out."""
    marker = request.COOKIES.get(MARKER_COOKIE)
    if not marker or request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META:
        return  # an API call with a token says nothing about the browser session
    request.fivesafes_clear_marker = True
    try:
        user_id = signing.loads(marker, salt=MARKER_SALT)
    except signing.BadSignature:
        return
    from fivesafes.accounts.models import User
    from fivesafes.audit.services import record

    user = User.objects.filter(pk=user_id).first()
    record(action="session.expired", actor=user, request=request, data={"path": request.path})
    messages.warning(
        request, _("Your session ended after a period without activity. Sign in again.")
    )


def mark_session_cookie(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and is_two_factor(user):
        if MARKER_COOKIE not in request.COOKIES:
            from django.conf import settings

            response.set_cookie(
                MARKER_COOKIE,
                signing.dumps(user.pk, salt=MARKER_SALT),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
    elif getattr(request, "fivesafes_clear_marker", False) or getattr(
        request, "fivesafes_signed_out", False
    ):
        response.delete_cookie(MARKER_COOKIE)
    return response
