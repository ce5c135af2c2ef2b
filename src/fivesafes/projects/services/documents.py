"""The decision letter, the contract and the invoice as PDFs (R18). The contract is stored,
written under a temporary name and renamed into place so no reader sees half a document; the
letter and the invoice are rendered on request from their records, which do not change.

Every word is in the recipient's language: the terms and labels below are marked for the
catalogue and translated when a document is built, inside `in_language_of(recipient)`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fivesafes import files
from fivesafes.projects.models import Application, Invoice, Quote
from fivesafes.projects.services.population import readable
from fivesafes.shared import formats
from fivesafes.shared.language import in_language_of
from fivesafes.shared.pdf import SignatureLine, moment, pdf, person

CONTRACT_TERMS: tuple[str, ...] = (
    gettext_noop(
        "The data themselves are free; the office charges for its time as itemised in the quote."
    ),
    gettext_noop(
        "Prices are stated with 25 % VAT. The invoice is addressed to the institution that owns "
        "the project."
    ),
    gettext_noop(
        "The data are delivered to the project's workspace on the research server and never "
        "leave it; only aggregated, checked results may be taken out."
    ),
    gettext_noop("Published results are submitted to the office for scrutiny."),
    gettext_noop(
        "At the end of the project the data are deleted by the deadline in the access decision."
    ),
)


def render_decision_letter(application: Application) -> bytes:
    """The access decision: approved scope, period, deletion deadline; or the refusal."""
    recipient = application.applicant
    with in_language_of(recipient):
        context = {
            "application": application,
            "approved": application.state == "approved",
            "applicant": person(application.applicant),
            "variables": list(application.variables.all()),
            "population": readable(application),
            "recommended_by": person(application.recommended_by),
            "decided_by": person(application.decided_by),
            "decided_at": moment(application.decided_at) if application.decided_at else "",
        }
        title = _("Decision on %(reference)s") % {"reference": application.reference}
    return pdf("documents/decision_letter.html", context, title=title, recipient=recipient)


def render_contract(quote: Quote) -> bytes:
    """The contract: the quote's items and terms, and the manager's electronic acceptance where
    the institution signs."""
    application = quote.application
    recipient = application.institution.manager
    accepted = quote.accepted_by is not None and quote.accepted_at is not None
    with in_language_of(recipient):
        line = SignatureLine(
            party=_("Accepted for %(institution)s") % {"institution": quote.invoice_to},
            signer=person(quote.accepted_by) if accepted else "",
            organisation=str(quote.invoice_to),
            signed_at=moment(quote.accepted_at) if accepted else "",
        )
        context = {
            "quote": quote,
            "application": application,
            "rows": _quote_rows(quote),
            "totals": _totals(quote),
            "terms": [_(term) for term in CONTRACT_TERMS],
            "signature_lines": [line],
        }
        title = _("Contract %(reference)s") % {"reference": quote.reference}
    return pdf("documents/contract.html", context, title=title, recipient=recipient)


def _totals(priced: Quote | Invoice) -> list[tuple[str, str]]:
    """The closing rows of a priced table: subtotal, VAT and total, in the active language."""
    return [
        (_("Subtotal"), formats.number(priced.subtotal, 2)),
        (_("VAT 25 %"), formats.number(priced.vat, 2)),
        (_("Total DKK"), formats.number(priced.total, 2)),
    ]


def _quote_rows(quote: Quote) -> list[list[str]]:
    """The quote's items; each label (stored in English, from the price list) in the active
    language, the detail (register names, sources) as recorded."""
    return [
        [
            _(line["label"]) + (f" ({line['detail']})" if line["detail"] else ""),
            formats.number(line["quantity"]),
            formats.number(line["unit_price"], 2),
            formats.number(line["amount"], 2),
        ]
        for line in quote.lines
    ]


def render_invoice(invoice: Invoice) -> bytes:
    """The invoice to the institution that owns the project (R7, R18): the accepted quote's
    items, 25 % VAT, the total and the due date."""
    quote = invoice.quote
    recipient = quote.application.institution.manager
    with in_language_of(recipient):
        context = {
            "invoice": invoice,
            "quote": quote,
            "application": quote.application,
            "address_lines": [line for line in invoice.address.splitlines() if line.strip()],
            "issued_on": f"{timezone.localtime(invoice.issued_at):%Y-%m-%d}",
            "accepted_on": f"{timezone.localtime(quote.accepted_at):%Y-%m-%d}"
            if quote.accepted_at
            else "",
            "rows": _quote_rows(quote),
            "totals": _totals(invoice),
        }
        title = _("Invoice %(number)s") % {"number": invoice.number}
    return pdf("documents/invoice.html", context, title=title, recipient=recipient)


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
