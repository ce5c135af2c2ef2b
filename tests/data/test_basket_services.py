"""The basket service: the one writer of a researcher's basket, each change audited with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from fivesafes.audit.models import AuditEvent
from fivesafes.data.models import BasketItem, CatalogueVariable
from fivesafes.data.services import basket
from fivesafes.policy.permissions import Role
from fivesafes.shared.refusals import AccessDenied, RuleViolation


@pytest.fixture
def variable(catalogue: Path) -> CatalogueVariable:
    return CatalogueVariable.objects.get(version__register__short_name="INCOME", name="wage_income")


def test_adding_stores_the_years_and_audits_it(variable, make_user) -> None:
    rita = make_user(Role.RESEARCHER, username="rita")
    first = variable.version.first_year
    item = basket.add_variable(actor=rita, variable=variable, first_year=first, last_year=first)
    assert (item.user, item.first_year, item.last_year) == (rita, first, first)
    event = AuditEvent.objects.get(action="basket.variable_added")
    assert event.actor == rita and event.after["years"] == [first, first]


def test_all_years_by_default_and_a_variable_only_once(variable, make_user) -> None:
    rita = make_user(Role.RESEARCHER)
    item = basket.add_variable(actor=rita, variable=variable)
    assert (item.first_year, item.last_year) == (
        variable.version.first_year,
        variable.version.last_year,
    )
    with pytest.raises(basket.AlreadyInBasket, match="already in your basket"):
        basket.add_variable(actor=rita, variable=variable)
    assert BasketItem.objects.count() == 1
    assert AuditEvent.objects.filter(action="basket.variable_added").count() == 1


@pytest.mark.parametrize("years", [(2000, 1999), (1800, 1801)])
def test_years_out_of_order_or_outside_the_register_change_nothing(
    variable, make_user, years
) -> None:
    with pytest.raises(RuleViolation) as refusal:
        basket.add_variable(
            actor=make_user(Role.RESEARCHER),
            variable=variable,
            first_year=years[0],
            last_year=years[1],
        )
    assert refusal.value.field == "years"
    assert not BasketItem.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="basket.").exists()


def test_only_the_owner_removes_an_item_and_the_removal_is_audited(variable, make_user) -> None:
    rita, other = make_user(Role.RESEARCHER), make_user(Role.RESEARCHER)
    item = basket.add_variable(actor=rita, variable=variable)
    with pytest.raises(RuleViolation):
        basket.remove_item(actor=other, item=item)
    basket.remove_item(actor=rita, item=item)
    assert not BasketItem.objects.exists()
    removed = AuditEvent.objects.get(action="basket.variable_removed")
    assert removed.actor == rita and removed.before == {"variable": str(variable)}


def test_a_person_without_the_basket_permission_is_refused(variable, make_user) -> None:
    with pytest.raises(AccessDenied):
        basket.add_variable(actor=make_user(Role.AUDITOR), variable=variable)
    assert not BasketItem.objects.exists()
