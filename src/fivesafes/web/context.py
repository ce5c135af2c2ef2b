"""Template context: the navigation entries the visitor may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from fivesafes.policy.checks import can, is_two_factor
from fivesafes.web.navigation import NAVIGATION


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated and is_two_factor(user)
    items = []
    for entry in NAVIGATION:
        if entry.permission is not None and not (signed_in and can(user, entry.permission)):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        current = request.path.startswith(url) and (url != "/" or request.path == "/")
        items.append({"label": entry.label, "url": url, "current": current})
    roles = sorted(role.label for role in user.roles) if signed_in else []
    return {"nav_items": items, "user_roles": roles}
