"""Template context: the navigation entries the visitor may use, and which one the page is in."""

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
        items.append({"label": entry.label, "url": url, "current": False})
    # The page belongs to the entry with the longest URL it starts with: /projects/review/ is
    # "Project applications", not also "Projects".
    matching = [i for i in items if request.path.startswith(i["url"]) and i["url"] != "/"]
    matching += [i for i in items if i["url"] == "/" == request.path]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["current"] = True
    roles = sorted(role.label for role in user.roles) if user is not None and signed_in else []
    return {"nav_items": items, "user_roles": roles}
