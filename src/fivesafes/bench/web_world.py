"""The signed-in people of the web benchmark: run inside the benchmark's own database (a child
process with its settings), it prints one JSON document with, for the demo researcher and the
demo case handler, a two-factor session cookie, an API token and the pages and API reads that
person opens in a working day. Never run against production data: it signs people in."""

from __future__ import annotations

import json
import sys
from typing import Any


def _session(user: Any) -> str:
    """A session key of `user`, signed in with their confirmed authenticator (two factors)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    device = user.totpdevice_set.filter(confirmed=True).first()
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = next(
        backend for backend in settings.AUTHENTICATION_BACKENDS if "axes" not in backend
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return str(store.session_key)


def _pages(user: Any) -> list[str]:
    """The person's navigation (what they open all day), their dashboard first."""
    from django.urls import NoReverseMatch, reverse

    from fivesafes.policy.permissions import holds
    from fivesafes.web.navigation import NAVIGATION

    pages = []
    for entry in NAVIGATION:
        if entry.url_name.startswith(("admin:", "accounts:")):
            continue
        if entry.permission is not None and not holds(user, entry.permission):
            continue
        try:
            pages.append(reverse(entry.url_name))
        except NoReverseMatch:
            continue
    return pages


# API reads of each person's day (lists and the catalogue), besides their pages.
API_READS = {
    "researcher": [
        "/api/v1/projects/applications",
        "/api/v1/people/my-access",
        "/api/v1/catalogue/variables?q=income",
        "/api/v1/catalogue/registers",
    ],
    "casehandler": [
        "/api/v1/projects/applications",
        "/api/v1/people/cases",
        "/api/v1/catalogue/variables?q=education",
    ],
}


def main() -> int:
    import django

    django.setup()
    from fivesafes.accounts.models import ApiToken, User

    world: dict[str, Any] = {}
    for username, reads in API_READS.items():
        user = User.objects.get(username=username)
        _token, plain = ApiToken.issue(user=user, name="web benchmark", days=1)
        world[username] = {
            "session": _session(user),
            "token": plain,
            "pages": _pages(user),
            "api": reads,
        }
    json.dump(world, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
