"""Template context: the navigation entries the signed-in person may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from fivesafes.policy.checks import can, is_two_factor
from fivesafes.web.navigation import NAVIGATION


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not is_two_factor(user):
        return {"nav_items": [], "user_roles": []}
    items = []
    for entry in NAVIGATION:
        if not can(user, entry.permission):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "label": entry.label,
                "url": url,
                "current": request.path.startswith(url) and (url != "/" or request.path == "/"),
            }
        )
    return {"nav_items": items, "user_roles": sorted(role.label for role in user.roles)}
