"""The decision letter, the contract and the invoice as PDFs (R18). The contract is stored,
written under a temporary name and renamed into place so no reader sees half a document; the
letter and the invoice are rendered on request from their records, which do not change."""

from __future__ import annotations

import hashlib
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, Spacer, Table

from fivesafes import files
from fivesafes.projects.models import Application, Invoice, Quote
from fivesafes.projects.services.population import readable
from fivesafes.shared.pdf import pdf

CONTRACT_TERMS: tuple[str, ...] = (
    "The data themselves are free; the office charges for its time as itemised in the quote.",
    "Prices are stated with 25 % VAT. The invoice is addressed to the institution that owns "
    "the project.",
    "The data are delivered to the project's workspace on the research server and never leave "
    "it; only aggregated, checked results may be taken out.",
    "Published results are submitted to the office for scrutiny.",
    "At the end of the project the data are deleted by the deadline in the access decision.",
)


def _p(text: str, style: str = "Normal"):  # noqa: ANN202 - a reportlab Paragraph
    return Paragraph(escape(text), getSampleStyleSheet()[style])


def render_decision_letter(application: Application) -> bytes:
    """The access decision: approved scope, period, deletion deadline; or the refusal."""
    approved = application.state == "approved"
    story = [
        _p("ACCESS DECISION", "Title"),
        _p(f"Application {application.reference}: {application.title}", "Heading2"),
        _p(f"Applicant: {application.applicant.get_username()}, {application.institution}"),
        Spacer(1, 8),
        _p(
            ("The application is APPROVED." if approved else "The application is REFUSED.")
            + (f" {application.decision_note}" if application.decision_note else "")
        ),
    ]
    if approved:
        project = application.project
        story += [
            _p(f"Project number: {project.number if project else '-'}"),
            _p(f"Period: {application.starts_on} to {application.ends_on}"),
            _p(f"Data are deleted by {application.deletion_deadline} at the latest (R25)."),
            _p("Approved variables:", "Heading3"),
            Table(
                [["Variable", "Years", "Coarsening"]]
                + [
                    [line.label, f"{line.first_year}-{line.last_year}", line.coarsening or "-"]
                    for line in application.variables.all()
                ]
            ),
            _p("Population (all criteria hold):", "Heading3"),
            *[_p(f"- {line}") for line in readable(application) or ["no criteria"]],
        ]
        if application.population_definition:
            story.append(_p(f"In words: {application.population_definition}"))
    story += [
        Spacer(1, 12),
        _p(
            f"Recommended by {application.recommended_by or '-'}; decided by "
            f"{application.decided_by or '-'} on {application.decided_at:%Y-%m-%d}."
            if application.decided_at
            else "Not decided."
        ),
    ]
    return pdf(f"Decision on {application.reference}", story)


def render_contract(quote: Quote) -> bytes:
    application = quote.application
    rows = _quote_rows(quote) + _totals(quote)
    story = [
        _p("CONTRACT", "Title"),
        _p(f"Quote {quote.reference} for application {application.reference}", "Heading2"),
        _p(f"Project: {application.title}"),
        _p(f"Invoice to: {quote.invoice_to}"),
        Spacer(1, 8),
        Table(rows),
        Spacer(1, 8),
        _p(f"Estimated delivery: {quote.delivery_days} days, by {quote.estimated_delivery_on}."),
    ]
    story += [_p(f"{n}. {term}") for n, term in enumerate(CONTRACT_TERMS, 1)]
    if quote.accepted_by:
        story.append(
            _p(f"Accepted for {quote.invoice_to} by {quote.accepted_by} on {quote.accepted_at}.")
        )
    return pdf(f"Contract {quote.reference}", story)


def _totals(priced: Quote | Invoice) -> list[list[str]]:
    """The closing rows of a priced table: subtotal, VAT and total."""
    return [
        ["Subtotal", "", "", str(priced.subtotal)],
        ["VAT 25 %", "", "", str(priced.vat)],
        ["Total DKK", "", "", str(priced.total)],
    ]


def _quote_rows(quote: Quote) -> list[list[str]]:
    return [["Item", "Quantity", "Unit price", "Amount"]] + [
        [
            line["label"] + (f" ({line['detail']})" if line["detail"] else ""),
            line["quantity"],
            line["unit_price"],
            line["amount"],
        ]
        for line in quote.lines
    ]


def render_invoice(invoice: Invoice) -> bytes:
    """The invoice to the institution that owns the project (R7, R18): the accepted quote's
    items, 25 % VAT, the total and the due date."""
    quote = invoice.quote
    application = quote.application
    rows = _quote_rows(quote) + _totals(invoice)
    story = [
        _p("INVOICE", "Title"),
        _p(f"Invoice {invoice.number}", "Heading2"),
        _p(f"To: {invoice.addressed_to}"),
        *[_p(line) for line in invoice.address.splitlines() if line.strip()],
        Spacer(1, 8),
        _p(f"Issued {invoice.issued_at:%Y-%m-%d}; payment due by {invoice.due_on}."),
        _p(
            f"For: quote {quote.reference}, accepted {quote.accepted_at:%Y-%m-%d}"
            if quote.accepted_at
            else f"For: quote {quote.reference}"
        ),
        _p(
            f"Application {application.reference}: {application.title}"
            + (f" (project {application.project.number})" if application.project else "")
        ),
        Spacer(1, 8),
        Table(rows),
        Spacer(1, 8),
        _p(
            "The data themselves are free; the office charges for its time (R18). Please quote "
            f"the invoice number {invoice.number} with the payment."
        ),
    ]
    return pdf(f"Invoice {invoice.number}", story)


CONTRACTS = "projects/contracts"


def contract_path(name: str) -> Path:
    return files.path_of(f"{CONTRACTS}/{Path(name).name}")


def store_contract(quote: Quote) -> tuple[str, str]:
    """Render and store the contract; returns (file name, sha256)."""
    content = render_contract(quote)
    digest = hashlib.sha256(content).hexdigest()
    name = f"contract-{quote.pk}-{digest[:16]}.pdf"
    files.write(f"{CONTRACTS}/{name}", content)
    return name, digest
