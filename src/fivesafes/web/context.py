"""Template context: the person's navigation sections, and which section and page this page is in.

The current section comes from the page's resolved URL (its room's namespace and its name),
never from the text of the path.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from fivesafes.policy.checks import can, is_two_factor
from fivesafes.policy.permissions import Permission
from fivesafes.web.dashboards import ROLE_NAMES
from fivesafes.web.navigation import ACCOUNT, menu_for


def _url_of(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated and is_two_factor(user)

    def allowed(permission: Permission | None) -> bool:
        return permission is None or (signed_in and can(user, permission))

    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else None
    namespace = match.namespaces[0] if match is not None and match.namespaces else None
    menu = menu_for(allowed, _url_of, view_name, namespace)
    roles = (
        sorted(str(ROLE_NAMES.get(role, role.label)) for role in user.roles)
        if user is not None and signed_in
        else []
    )
    return {
        "nav_sections": menu,
        "nav_account_current": namespace == ACCOUNT.url_name.split(":")[0],
        "user_roles": roles,
    }
