"""How the pages call a service: a refusal names the rule, lands on the field, changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from fivesafes.people.rules import RuleViolation
from fivesafes.policy.checks import AccessDenied, can
from fivesafes.policy.middleware import refuse
from fivesafes.policy.permissions import Permission


class Refused(Exception):
    """Raised by `attempt` after the refusal has been shown; carries the response if any."""

    def __init__(self, response: HttpResponse | None = None) -> None:
        self.response = response


def attempt(request: HttpRequest, call: Callable[[], Any], form: forms.Form | None = None) -> Any:
    """Run a service call; on a rule refusal put it on the form (or in a message) and raise."""
    try:
        return call()
    except RuleViolation as violation:
        text = str(violation)
        if form is not None:
            field = violation.field if violation.field in form.fields else None
            form.add_error(field, text)
        else:
            messages.error(request, text)
        raise Refused() from None
    except AccessDenied as denial:
        raise Refused(refuse(request, denial.reason, denial.status)) from None


def is_people_staff(user: Any) -> bool:
    return can(user, Permission.VIEW_PEOPLE_CASES)


def may_see_institution(user: Any, institution: Any) -> bool:
    return is_people_staff(user) or institution.manager_id == user.pk


def not_yours(request: HttpRequest, what: str) -> HttpResponse:
    return refuse(request, f"This {what} belongs to another institution; you cannot see it.")
