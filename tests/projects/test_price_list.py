"""The price list page (R18): the secretary and the case handler change prices, each change in
the audit log; a bad amount changes nothing; everyone else is refused the page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from fivesafes.audit.models import AuditEvent
from fivesafes.policy.permissions import Role
from fivesafes.projects.models import PriceItem
from tests.conftest import verified_client


@pytest.mark.parametrize("who", ["secretary", "case_handler"])
def test_staff_change_a_price_on_the_page(pw, who) -> None:
    client = verified_client(getattr(pw, who))
    page = client.get(reverse("projects:prices"))
    assert page.status_code == 200
    assert b"Extraction from the event-history database" in page.content
    response = client.post(
        reverse("projects:prices"),
        {"code": "event_history_table", "unit_price": "2500.50"},
        follow=True,
    )
    assert b"The price was changed." in response.content
    item = PriceItem.objects.get(code="event_history_table")
    assert item.unit_price == Decimal("2500.50") and item.changed_by == getattr(pw, who)
    assert b"2500.50" in response.content
    event = AuditEvent.objects.filter(action="price_list.changed").latest("sequence")
    assert event.actor_id == getattr(pw, who).pk


@pytest.mark.parametrize(
    ("code", "price", "message"),
    [
        ("event_history_table", "-5", b"Price: give an amount of zero or more."),
        ("event_history_table", "cheap", b"Price: give an amount of zero or more."),
        ("free_lunch", "10", b"R18"),
    ],
)
def test_bad_prices_are_refused_and_nothing_changes(pw, code, price, message) -> None:
    before = list(PriceItem.objects.values_list("code", "unit_price"))
    events = AuditEvent.objects.count()
    response = verified_client(pw.secretary).post(
        reverse("projects:prices"), {"code": code, "unit_price": price}, follow=True
    )
    assert message in response.content
    assert list(PriceItem.objects.values_list("code", "unit_price")) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "role", [Role.RESEARCHER, Role.INSTITUTION_MANAGER, Role.APPROVER, Role.AUDITOR]
)
def test_others_are_refused_the_price_list(pw, client_as, role) -> None:
    before = list(PriceItem.objects.values_list("code", "unit_price"))
    client = client_as(role)
    assert client.get(reverse("projects:prices")).status_code == 403
    post = client.post(reverse("projects:prices"), {"code": "population", "unit_price": "1"})
    assert post.status_code == 403
    assert list(PriceItem.objects.values_list("code", "unit_price")) == before
    assert client.get("/api/v1/projects/prices").status_code == 403
