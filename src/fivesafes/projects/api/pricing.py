"""The price list, quotes and invoices (R18)."""

from typing import Any

from django.http import HttpResponse

from fivesafes.api.operations import Op, routes
from fivesafes.policy import quotes as quotes_policy
from fivesafes.policy.permissions import Permission as P
from fivesafes.projects.api.common import on_application
from fivesafes.projects.api.schemas import InvoiceOut, PriceIn, PriceOut, QuoteIn, QuoteOut
from fivesafes.projects.models import Invoice, PriceItem, Quote
from fivesafes.projects.services import pricing
from fivesafes.projects.services.documents import render_invoice
from fivesafes.shared.api import Call, body, create, load, on

QUOTES = Quote.objects.select_related("application__institution", "accepted_by", "invoice_to")


def _quote_now(call: Call, quote: Quote) -> Quote:
    return QUOTES.get(pk=quote.pk)


def _on_quote(service: Any, **more: Any) -> Any:
    return on(QUOTES, "quote", service, check=quotes_policy.check_see, **more)


def _invoice_pdf(call: Call) -> HttpResponse:
    invoice = load(
        call.request,
        Invoice.objects.select_related("addressed_to", "quote__application__project"),
        quotes_policy.check_see_invoice,
        pk=call.pk,
    )
    response = HttpResponse(render_invoice(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.pdf"'
    return response


router = routes(
    __name__,
    [
        Op("GET", "/prices", list[PriceOut], "The price list (R18)",
           P.EDIT_PRICE_LIST, lambda call: list(PriceItem.objects.all()), "price_list"),
        Op("PUT", "/prices/{code}", PriceOut, "Change one price (R18; audited)", P.EDIT_PRICE_LIST,
           create(pricing.set_price, lambda call: {"code": call.pk} | body(call)), "set_price",
           body=PriceIn),
        Op("POST", "/applications/{application_id}/quotes", QuoteOut,
           "Offer a quote computed from an approved application (R18)",
           P.REVIEW_PROJECT_APPLICATIONS, on_application(pricing.issue_quote, answer=_quote_now),
           "issue_quote", body=QuoteIn, status=201),
        Op("POST", "/quotes/{quote_id}/accept", QuoteOut,
           "Accept a quote: only the owning institution's manager (R18)",
           P.ACCEPT_QUOTES, _on_quote(pricing.accept_quote, answer=_quote_now), "accept_quote"),
        Op("POST", "/quotes/{quote_id}/invoice", InvoiceOut,
           "Invoice an accepted quote to the owning institution (R18)",
           P.ISSUE_INVOICES, _on_quote(pricing.issue_invoice), "issue_invoice", status=201),
        Op("GET", "/invoices/{invoice_id}/pdf", None,
           "The invoice as PDF: the addressed institution's manager and the office's staff",
           P.VIEW_DASHBOARD, _invoice_pdf, "invoice_pdf", files=("application/pdf",)),
    ],
)  # fmt: skip
