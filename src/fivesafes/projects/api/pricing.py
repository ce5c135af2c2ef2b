"""The price list, quotes and invoices (R18)."""

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from fivesafes.api.security import api_requires
from fivesafes.policy import quotes as quotes_policy
from fivesafes.policy.permissions import Permission
from fivesafes.projects.api.common import on_application
from fivesafes.projects.api.schemas import InvoiceOut, PriceIn, PriceOut, QuoteIn, QuoteOut
from fivesafes.projects.models import Invoice, PriceItem, Quote
from fivesafes.projects.services import pricing
from fivesafes.projects.services.documents import render_invoice
from fivesafes.shared.api import act, call_service, caller, load

router = Router()
P = Permission
QUOTES = Quote.objects.select_related("application__institution", "accepted_by", "invoice_to")


@router.get("/prices", response=list[PriceOut], summary="The price list (R18)")
@api_requires(P.EDIT_PRICE_LIST)
def price_list(request: HttpRequest) -> list[PriceItem]:
    return list(PriceItem.objects.all())


@router.put("/prices/{code}", response=PriceOut, summary="Change one price (R18; audited)")
@api_requires(P.EDIT_PRICE_LIST)
def set_price(request: HttpRequest, code: str, payload: PriceIn) -> PriceItem:
    return call_service(
        lambda: pricing.set_price(
            actor=caller(request), code=code, unit_price=payload.unit_price, request=request
        )
    )


@router.post(
    "/applications/{application_id}/quotes",
    response={201: QuoteOut},
    summary="Offer a quote computed from an approved application (R18)",
)
@api_requires(P.REVIEW_PROJECT_APPLICATIONS)
def issue_quote(request: HttpRequest, application_id: int, payload: QuoteIn) -> Status[Quote]:
    quote = on_application(
        request,
        application_id,
        lambda user, a: pricing.issue_quote(
            actor=user, application=a, request=request, **payload.dict()
        ),
    )
    return Status(201, QUOTES.get(pk=quote.pk))


@router.post(
    "/quotes/{quote_id}/accept",
    response=QuoteOut,
    summary="Accept a quote: only the owning institution's manager (R18)",
)
@api_requires(P.ACCEPT_QUOTES)
def accept_quote(request: HttpRequest, quote_id: int) -> Quote:
    accepted = act(
        request,
        QUOTES,
        quote_id,
        lambda user, quote: pricing.accept_quote(actor=user, quote=quote, request=request),
        check=quotes_policy.check_see,
    )
    return QUOTES.get(pk=accepted.pk)


@router.post(
    "/quotes/{quote_id}/invoice",
    response={201: InvoiceOut},
    summary="Invoice an accepted quote to the owning institution (R18)",
)
@api_requires(P.ISSUE_INVOICES)
def issue_invoice(request: HttpRequest, quote_id: int) -> Status[Invoice]:
    invoice = act(
        request,
        QUOTES,
        quote_id,
        lambda user, quote: pricing.issue_invoice(actor=user, quote=quote, request=request),
        check=quotes_policy.check_see,
    )
    return Status(201, invoice)


@router.get(
    "/invoices/{invoice_id}/pdf",
    summary="The invoice as PDF: the addressed institution's manager and the office's staff",
)
@api_requires(P.VIEW_DASHBOARD)
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = load(
        request,
        Invoice.objects.select_related("addressed_to", "quote__application__project"),
        quotes_policy.check_see_invoice,
        pk=invoice_id,
    )
    response = HttpResponse(render_invoice(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.pdf"'
    return response
