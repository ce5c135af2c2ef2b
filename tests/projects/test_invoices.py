"""The invoice as a PDF (R7, R18): addressed to the institution that owns the project, with the
quote's items, 25 % VAT and the due date; the manager of that institution and the office's
staff download it, nobody else (page and API)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fivesafes.policy.permissions import Role
from fivesafes.projects.services import decisions, pricing
from fivesafes.shared import formats
from tests.conftest import verified_client
from tests.pdf import pdf_text


@pytest.fixture
def invoice(pw, recommended):
    approved = decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    quote = pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=4)
    pricing.accept_quote(actor=pw.manager, quote=quote)
    return pricing.issue_invoice(actor=pw.secretary, quote=quote)


def test_the_manager_downloads_the_invoice_from_the_application_page(pw, invoice) -> None:
    client = verified_client(pw.manager)
    page = client.get(reverse("projects:application", args=[invoice.quote.application_id]))
    link = reverse("projects:invoice_pdf", args=[invoice.pk])
    assert f'href="{link}"' in page.content.decode()
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"invoice-{invoice.number}.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert f"Invoice {invoice.number}" in text
    assert f"To: {pw.institution.name}" in text
    assert f"payment due by {invoice.due_on}" in text
    assert "VAT 25 %" in text and formats.number(invoice.total, 2) in text
    assert "Coordination, clarification, quote and agreement" in text


@pytest.mark.parametrize("who", ["secretary", "case_handler", "approver"])
def test_office_staff_download_the_invoice(pw, invoice, who) -> None:
    response = verified_client(getattr(pw, who)).get(
        reverse("projects:invoice_pdf", args=[invoice.pk])
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_others_are_refused_the_invoice(pw, invoice, make_user) -> None:
    url = reverse("projects:invoice_pdf", args=[invoice.pk])
    # The researcher of the project does not pay the invoice.
    researcher = verified_client(pw.researcher).get(url)
    assert researcher.status_code == 404
    assert b"not yours to see" in researcher.content
    page = verified_client(pw.researcher).get(
        reverse("projects:application", args=[invoice.quote.application_id])
    )
    assert url.encode() not in page.content
    other_manager = verified_client(make_user(Role.INSTITUTION_MANAGER))
    assert other_manager.get(url).status_code == 404
    assert verified_client(make_user(Role.OUTPUT_CHECKER)).get(url).status_code == 404
    assert (
        verified_client(pw.manager)
        .get(reverse("projects:invoice_pdf", args=[invoice.pk + 99]))
        .status_code
        == 404
    )


def test_invoice_pdf_by_api(pw, invoice) -> None:
    url = f"/api/v1/projects/invoices/{invoice.pk}/pdf"
    response = verified_client(pw.manager).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert f"Invoice {invoice.number}" in pdf_text(response.content)
    refused = verified_client(pw.researcher).get(url)
    assert refused.status_code == 404 and "not yours to see" in refused.json()["detail"]


def test_a_foreign_researchers_project_is_invoiced_to_the_domestic_institution(
    pw, make_user
) -> None:
    """R7: an affiliated foreign researcher applies through the domestic institution, which
    takes responsibility and pays: its manager accepts the quote, the invoice is addressed to
    it, and the researcher neither accepts nor downloads it."""
    from fivesafes.data.models import BasketItem
    from fivesafes.people.services import researchers
    from fivesafes.projects.services import applications as service
    from fivesafes.shared.refusals import AccessDenied, RuleViolation
    from tests.people.conftest import certify
    from tests.projects.conftest import complete

    foreign = make_user(Role.RESEARCHER, username="fritz")
    researchers.attach(
        actor=pw.manager,
        institution=pw.institution,
        researcher=foreign,
        affiliated=True,
        contact_person=pw.researcher,
        accepts_responsibility=True,
    )
    certify(foreign)
    assert service.institutions_for(foreign) == [pw.institution]
    BasketItem.objects.create(
        user=foreign, variable=pw.variables["income"], first_year=2010, last_year=2020
    )
    draft = service.create_draft(actor=foreign, institution=pw.institution, title="Abroad")
    complete(draft, foreign)
    decisions.take_step(actor=foreign, application=draft, step="submit")
    decisions.take_step(actor=pw.case_handler, application=draft, step="start_review")
    decisions.take_step(actor=pw.case_handler, application=draft, step="recommend", note="ok")
    approved = decisions.take_step(actor=pw.approver, application=draft, step="approve")
    quote = pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=1)
    assert quote.invoice_to == pw.institution
    with pytest.raises((AccessDenied, RuleViolation)):
        pricing.accept_quote(actor=foreign, quote=quote)
    pricing.accept_quote(actor=pw.manager, quote=quote)
    invoice = pricing.issue_invoice(actor=pw.secretary, quote=quote)
    assert invoice.addressed_to == pw.institution
    got = verified_client(pw.manager).get(f"/projects/invoices/{invoice.pk}/invoice.pdf")
    text = pdf_text(got.content)
    assert pw.institution.name in text and invoice.number in text
    refused = verified_client(foreign).get(f"/projects/invoices/{invoice.pk}/invoice.pdf")
    assert refused.status_code == 404
