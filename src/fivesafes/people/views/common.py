"""What the pages of safe people share: who reads the cases and whose institution it is."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from fivesafes.policy.checks import can
from fivesafes.policy.permissions import Permission
from fivesafes.shared.pages import refuse


def is_people_staff(user: Any) -> bool:
    return can(user, Permission.VIEW_PEOPLE_CASES)


def may_see_institution(user: Any, institution: Any) -> bool:
    return is_people_staff(user) or institution.manager_id == user.pk


def not_yours(request: HttpRequest, what: str) -> HttpResponse:
    return refuse(request, f"This {what} belongs to another institution; you cannot see it.")
