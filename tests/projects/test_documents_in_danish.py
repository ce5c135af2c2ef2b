"""The decision letter, the contract and the invoice in their recipient's language (issue 16,
item 8): a Danish reader's document is Danish to the last word, the terms, the price lines and
the totals included; an English reader's is English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fivesafes.projects.services import decisions, pricing
from tests.conftest import verified_client
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


def _reads(person, language: str) -> None:  # noqa: ANN001
    person.language = language
    person.save(update_fields=["language"])


def _documents(pw, recommended) -> tuple[str, str, str]:  # noqa: ANN001
    """The decision letter the applicant reads, and the contract and the invoice the manager
    reads, as text."""
    approved = decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    letter = verified_client(pw.researcher).get(
        reverse("projects:decision_pdf", args=[approved.pk])
    )
    quote = pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=2)
    pricing.accept_quote(actor=pw.manager, quote=quote)
    manager = verified_client(pw.manager)
    contract = manager.get(reverse("projects:contract_pdf", args=[quote.pk]))
    invoice = pricing.issue_invoice(actor=pw.secretary, quote=quote)
    bill = manager.get(reverse("projects:invoice_pdf", args=[invoice.pk]))
    return (
        pdf_text(letter.content),
        pdf_text(b"".join(contract.streaming_content)),
        pdf_text(bill.content if not bill.streaming else b"".join(bill.streaming_content)),
    )


def test_danish_readers_get_danish_documents(pw, recommended) -> None:
    _reads(pw.researcher, "da")
    _reads(pw.manager, "da")
    letter, contract, invoice = _documents(pw, recommended)
    reference = recommended.reference

    assert f"Afgørelse om {reference}" in letter  # the title, printed in the footer
    assert f"Decision on {reference}" not in letter

    for danish in (
        "Selve data er gratis; kontoret tager betaling for sin tid",  # the terms
        "Priserne er angivet med 25 % moms.",
        "Resultater, der offentliggøres, forelægges kontoret til kontrol.",
        "Koordinering, afklaring, tilbud og aftale",  # a price line
        "Subtotal",
        "Moms 25 %",
        "I alt DKK",
        f"Accepteret for {pw.institution.name}",  # where the institution signs
        "Kontrakt ",
    ):
        assert danish in contract, danish
    for english in ("The data themselves are free", "VAT 25 %", "Total DKK", "Accepted for"):
        assert english not in contract, english

    for danish in ("Koordinering, afklaring, tilbud og aftale", "Moms 25 %", "I alt DKK"):
        assert danish in invoice, danish
    assert "Faktura " in invoice
    for english in ("Coordination, clarification", "VAT 25 %", "Total DKK", "Invoice "):
        assert english not in invoice, english


def test_english_readers_get_english_documents(pw, recommended) -> None:
    letter, contract, invoice = _documents(pw, recommended)
    assert f"Decision on {recommended.reference}" in letter
    for english in (
        "The data themselves are free; the office charges for its time",
        "Prices are stated with 25 % VAT.",
        "Coordination, clarification, quote and agreement",
        "Subtotal",
        "VAT 25 %",
        "Total DKK",
        f"Accepted for {pw.institution.name}",
    ):
        assert english in contract, english
    for english in ("Coordination, clarification, quote and agreement", "VAT 25 %", "Total DKK"):
        assert english in invoice, english
    assert "Moms" not in contract + invoice and "I alt" not in contract + invoice
