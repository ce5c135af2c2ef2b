"""R9: may this person take the certification test now? Not after three failed attempts today:
the test checks knowledge, not how fast answers can be tried until the pass mark comes up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from fivesafes.people import queries
from fivesafes.shared.refusals import RuleViolation, passes

if TYPE_CHECKING:
    from fivesafes.accounts.models import User

# Failed attempts allowed in one day.
FAILED_ATTEMPTS_PER_DAY = 3


def check_take_test(person: User | None) -> None:
    """Refuse a further attempt after FAILED_ATTEMPTS_PER_DAY failed ones today (R9)."""
    if queries.failed_today(person) >= FAILED_ATTEMPTS_PER_DAY:
        raise RuleViolation(
            "R9",
            "answers",
            _(
                "%(attempts)s attempts failed today; read the data security "
                "rules again and take the test tomorrow."
            )
            % {"attempts": FAILED_ATTEMPTS_PER_DAY},
        )


def can_take_test(person: User | None) -> bool:
    return passes(lambda: check_take_test(person))
