"""R18: the price list, the itemised quote with 25 % VAT and delivery time, accepted only by
the owning institution's manager; the decision letter and the contract as PDFs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from fivesafes.policy.permissions import Role
from fivesafes.projects.models import PriceItem, Quote
from fivesafes.projects.rules.pricing import PRICE_ITEMS, QuoteInput, compute_quote
from fivesafes.projects.services import decisions, pricing
from fivesafes.shared.refusals import AccessDenied, RuleViolation
from tests.conftest import verified_client
from tests.projects.conftest import db_state

PRICES = {code: price for code, (_, _, price) in PRICE_ITEMS.items()}


def test_quote_is_itemised_with_vat_and_delivery_time() -> None:
    quote = compute_quote(
        PRICES,
        QuoteInput(
            statistical_areas=("income", "population"),
            event_history_tables=("admissions",),
            populations=1,
            third_party_sources=("Own survey",),
            coordination_hours=Decimal(4),
        ),
    )
    codes = [line.code for line in quote.lines]
    assert codes == [
        "coordination_hour",
        "population",
        "third_party_data",
        "event_history_table",
        "statistical_area",
        "archiving_delivery",
    ]
    assert quote.subtotal == Decimal("4400.00") + 4400 + 6600 + 2200 + 6600 + 2750
    assert quote.vat == (quote.subtotal * Decimal("0.25")).quantize(Decimal("0.01"))
    assert quote.total == quote.subtotal + quote.vat
    assert quote.delivery_days == 10 + 2 * 2 + 3 + 10


@given(
    st.decimals(min_value=0, max_value=500, places=1),
    st.integers(min_value=0, max_value=5),
)
def test_vat_is_a_quarter_of_the_subtotal(hours: Decimal, areas: int) -> None:
    quote = compute_quote(
        PRICES,
        QuoteInput(tuple(f"a{i}" for i in range(areas)), (), 1, (), hours),
    )
    assert abs(quote.vat - quote.subtotal / 4) <= Decimal("0.01")
    assert quote.subtotal == sum(line.amount for line in quote.lines)


@pytest.fixture
def approved(pw, recommended):
    return decisions.take_step(actor=pw.approver, application=recommended, step="approve")


def test_price_list_is_seeded_and_staff_edit_it(pw) -> None:
    assert PriceItem.objects.count() == len(PRICE_ITEMS)
    pricing.set_price(actor=pw.secretary, code="coordination_hour", unit_price="1200")
    assert PriceItem.objects.get(code="coordination_hour").unit_price == Decimal("1200.00")
    before = db_state()
    with pytest.raises(RuleViolation):
        pricing.set_price(actor=pw.secretary, code="coordination_hour", unit_price="-1")
    with pytest.raises(AccessDenied):
        pricing.set_price(actor=pw.researcher, code="coordination_hour", unit_price="1")
    assert db_state() == before


def test_manager_accepts_the_quote_and_the_contract_is_written(pw, approved, upload_dir) -> None:
    quote = pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=4)
    assert quote.invoice_to == pw.institution
    assert quote.total == quote.subtotal + quote.vat
    accepted = pricing.accept_quote(actor=pw.manager, quote=quote)
    assert accepted.state == "accepted" and len(accepted.contract_sha256) == 64
    contract = upload_dir / "contracts" / accepted.contract_name
    assert contract.read_bytes().startswith(b"%PDF")
    client = verified_client(pw.researcher)
    assert client.get(reverse("projects:contract_pdf", args=[quote.pk])).status_code == 200
    letter = client.get(reverse("projects:decision_pdf", args=[approved.pk]))
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")


def test_a_quote_accepted_by_someone_who_is_not_the_manager_is_refused(
    pw, approved, make_user
) -> None:
    quote = pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=4)
    other_manager = make_user(Role.INSTITUTION_MANAGER)
    before = db_state()
    with pytest.raises(RuleViolation) as caught:
        pricing.accept_quote(actor=other_manager, quote=quote)
    assert caught.value.rule == "R18" and "Only the manager" in str(caught.value)
    with pytest.raises(AccessDenied):
        pricing.accept_quote(actor=pw.researcher, quote=quote)
    assert db_state() == before
    assert Quote.objects.get(pk=quote.pk).state == "offered"


def test_no_quote_before_approval_and_a_new_quote_supersedes(pw, recommended) -> None:
    with pytest.raises(RuleViolation) as caught:
        pricing.issue_quote(actor=pw.case_handler, application=recommended, coordination_hours=4)
    assert caught.value.rule == "R18"
    approved = decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    first = pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=4)
    second = pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=6)
    first.refresh_from_db()
    assert first.state == "superseded" and second.total > first.total


def test_quote_pages(pw, approved) -> None:
    handler = verified_client(pw.case_handler)
    handler.post(
        reverse("projects:issue_quote", args=[approved.pk]),
        {"coordination_hours": "5", "outside_list_hours": "0"},
    )
    quote = Quote.objects.get()
    manager = verified_client(pw.manager)
    page = manager.get(reverse("projects:application", args=[approved.pk]))
    assert b"Accept the quote" in page.content and b"VAT 25 %" in page.content
    manager.post(reverse("projects:accept_quote", args=[quote.pk]))
    quote.refresh_from_db()
    assert quote.state == "accepted"
    prices = verified_client(pw.secretary).get(reverse("projects:prices"))
    assert b"Extraction from variable lists" in prices.content


def test_invoice_to_the_owning_institution_once_the_quote_is_accepted(pw, approved) -> None:
    quote = pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=4)
    before = db_state()
    with pytest.raises(RuleViolation) as caught:
        pricing.issue_invoice(actor=pw.secretary, quote=quote)
    assert caught.value.rule == "R18" and db_state() == before
    pricing.accept_quote(actor=pw.manager, quote=quote)
    with pytest.raises(AccessDenied):
        pricing.issue_invoice(actor=pw.researcher, quote=quote)
    page = verified_client(pw.secretary).post(
        reverse("projects:issue_invoice", args=[quote.pk]), follow=True
    )
    assert b"Invoice INV-" in page.content
    invoice = Quote.objects.get(pk=quote.pk).invoice
    assert invoice.addressed_to == pw.institution and invoice.total == quote.total
    with pytest.raises(RuleViolation):
        pricing.issue_invoice(actor=pw.secretary, quote=quote)


def test_no_quote_offered_or_accepted_once_the_project_is_closed(pw, approved) -> None:
    """R18/R25: a closed project gets no new offer and no contract; the offer stays open."""
    from fivesafes.projects.services import closure

    quote = pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=2)
    closure.close(actor=pw.researcher, project=approved.project, reason="Stopped.")
    before = db_state()
    for attempt in (
        lambda: pricing.accept_quote(actor=pw.manager, quote=quote),
        lambda: pricing.issue_quote(
            actor=pw.case_handler, application=approved, coordination_hours=1
        ),
    ):
        with pytest.raises(RuleViolation) as caught:
            attempt()
        assert caught.value.rule == "R18" and "is closed" in str(caught.value)
    assert db_state() == before
    assert list(Quote.objects.values_list("state", "contract_name")) == [("offered", "")]
