"""A researcher's data basket: put a variable in with its years, take it out (R11, R26).

The basket holds variables of current register versions only, each once, with years the
register covers; a refusal names the field and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fivesafes.audit.services import record
from fivesafes.data.models import BasketItem, CatalogueVariable
from fivesafes.policy.permissions import Permission
from fivesafes.shared.refusals import RuleViolation
from fivesafes.shared.services import require

if TYPE_CHECKING:
    from fivesafes.accounts.models import User

RULE = "R26"


class AlreadyInBasket(RuleViolation):
    """The variable is in the basket already (nothing changed; not an error to the person)."""


def check_years(variable: CatalogueVariable, first: int, last: int) -> None:
    """Refuse years out of order or outside what the variable's register covers."""
    low, high = variable.version.first_year, variable.version.last_year
    if first > last:
        raise RuleViolation(
            RULE,
            "years",
            _("Years: the first year (%(first)s) is after the last (%(last)s).")
            % {"first": first, "last": last},
        )
    if first < low or last > high:
        raise RuleViolation(
            RULE,
            "years",
            _("Years: %(variable)s covers %(low)s-%(high)s; %(first)s-%(last)s is outside it.")
            % {"variable": variable, "low": low, "high": high, "first": first, "last": last},
        )


def add_variable(
    *,
    actor: User,
    variable: CatalogueVariable,
    first_year: int | None = None,
    last_year: int | None = None,
    request: Any = None,
) -> BasketItem:
    """Put `variable` in the actor's basket for the years given (all its years by default)."""
    require(actor, Permission.USE_DATA_BASKET)
    first = variable.version.first_year if first_year is None else first_year
    last = variable.version.last_year if last_year is None else last_year
    check_years(variable, first, last)
    try:
        with transaction.atomic():
            item = BasketItem.objects.create(
                user=actor, variable=variable, first_year=first, last_year=last
            )
            record(
                action="basket.variable_added",
                actor=actor,
                request=request,
                obj=item,
                after={"variable": str(variable), "years": [first, last]},
            )
    except IntegrityError:
        raise AlreadyInBasket(
            RULE, "variable", _("%(variable)s is already in your basket.") % {"variable": variable}
        ) from None
    return item


def remove_item(*, actor: User, item: BasketItem, request: Any = None) -> None:
    """Take an item out of the actor's own basket."""
    require(actor, Permission.USE_DATA_BASKET)
    if item.user_id != actor.pk:
        raise RuleViolation(RULE, "item", _("This item is in someone else's basket."))
    with transaction.atomic():
        record(
            action="basket.variable_removed",
            actor=actor,
            request=request,
            obj=item,
            before={"variable": str(item.variable)},
        )
        item.delete()
