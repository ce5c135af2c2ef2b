"""How an API operation calls a service: refusals become HTTP errors that name the rule.

A `RuleViolation` answers 400 with `"<rule> (<field>): <reason>"`; an `AccessDenied` answers
with its own status (403 unless it says otherwise) and reason. Every capability's router uses
`call_service` and `caller` so the API refuses the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja.errors import HttpError

from fivesafes.people.rules import RuleViolation
from fivesafes.policy.checks import AccessDenied

T = TypeVar("T")


def caller(request: HttpRequest) -> Any:
    """The authenticated person (API token or two-factor session), as ninja's auth set it."""
    return getattr(request, "auth", None)


def rule_error(violation: RuleViolation) -> HttpError:
    return HttpError(400, f"{violation.rule} ({violation.field}): {violation.finding.message}")


def call_service(fn: Callable[[], T]) -> T:
    """Run a service call; a rule refusal is 400, a role or ownership refusal 403."""
    try:
        return fn()
    except RuleViolation as violation:
        raise rule_error(violation) from None
    except AccessDenied as denial:
        raise HttpError(denial.status if denial.status >= 400 else 403, denial.reason) from None
