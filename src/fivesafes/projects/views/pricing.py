"""The price list (staff edit it), quotes on the application page, the decision letter, the
contract and the invoice as PDFs (R18)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fivesafes.policy import quotes as quotes_policy
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import Application, Invoice, PriceItem, Quote
from fivesafes.projects.services import pricing
from fivesafes.projects.services.documents import (
    contract_path,
    render_decision_letter,
    render_invoice,
)
from fivesafes.projects.views.common import application_view, loaded, posts
from fivesafes.shared.pages import run_action


class PriceForm(forms.Form):
    unit_price = forms.DecimalField(
        label=gettext_lazy("Price (DKK, before VAT)"), min_value=0, decimal_places=2
    )


class QuoteForm(forms.Form):
    coordination_hours = forms.DecimalField(
        label=gettext_lazy("Coordination, clarification, quote and agreement (hours)"),
        min_value=0,
        initial=4,
    )
    outside_list_hours = forms.DecimalField(
        label=gettext_lazy("Extraction outside the variable lists (hours)"), min_value=0, initial=0
    )


@requires(Permission.EDIT_PRICE_LIST)
def price_list(request: HttpRequest) -> HttpResponse:
    items = list(PriceItem.objects.all())
    if request.method == "POST":
        code = request.POST.get("code", "")
        form = PriceForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Price: give an amount of zero or more."))
        else:
            response = run_action(
                request,
                lambda: pricing.set_price(
                    actor=request.user,
                    code=code,
                    unit_price=form.cleaned_data["unit_price"],
                    request=request,
                ),
                done=lambda _: redirect("projects:prices"),
                failed=lambda: _price_page(request, items),
                success=_("The price was changed."),
            )
            return response
    return _price_page(request, items)


def _price_page(request: HttpRequest, items: list[PriceItem]) -> HttpResponse:
    return render(
        request,
        "projects/prices.html",
        {"items": [(item, PriceForm(initial={"unit_price": item.unit_price})) for item in items]},
    )


@posts(Permission.REVIEW_PROJECT_APPLICATIONS)
def issue_quote(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application, pk=pk)
    form = QuoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hours: give numbers of zero or more."))
        return redirect("projects:application", pk=pk)
    back = redirect("projects:application", pk=pk)
    return run_action(
        request,
        lambda: pricing.issue_quote(
            actor=request.user, application=application, request=request, **form.cleaned_data
        ),
        done=lambda _: back,
        failed=lambda: back,
        success=lambda quote: (
            _("Quote %(reference)s offered: %(total)s DKK.")
            % {"reference": quote.reference, "total": quote.total}
        ),
    )


@posts(Permission.ACCEPT_QUOTES)
def accept_quote(request: HttpRequest, pk: int) -> HttpResponse:
    quote = get_object_or_404(Quote.objects.select_related("application__institution"), pk=pk)
    back = redirect("projects:application", pk=quote.application_id)
    return run_action(
        request,
        lambda: _accept(request, quote),
        done=lambda _: back,
        failed=lambda: back,
        success=_("Quote %(reference)s accepted; the contract is ready.")
        % {"reference": quote.reference},
    )


def _accept(request: HttpRequest, quote: Quote) -> Quote:
    quotes_policy.check_see(request.user, quote)
    return pricing.accept_quote(actor=request.user, quote=quote, request=request)


@requires(Permission.VIEW_DASHBOARD)
@loaded(Quote.objects.select_related("application__institution"), quotes_policy.check_see)
def contract_pdf(request: HttpRequest, quote: Quote) -> HttpResponse:
    if not quote.contract_name:
        raise Http404("The contract is written when the quote is accepted.")
    path = contract_path(quote.contract_name)
    if not path.exists():
        raise Http404("The contract file is missing.")
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        filename=f"contract-{quote.reference}.pdf",
        content_type="application/pdf",
    )


@requires(Permission.VIEW_DASHBOARD)
@application_view
def decision_pdf(request: HttpRequest, application: Application) -> HttpResponse:
    if application.state not in ("approved", "refused"):
        raise Http404("There is no decision yet.")
    response = HttpResponse(render_decision_letter(application), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{application.reference}.pdf"'
    return response


@posts(Permission.ISSUE_INVOICES)
def issue_invoice(request: HttpRequest, pk: int) -> HttpResponse:
    quote = get_object_or_404(Quote, pk=pk)
    back = redirect("projects:application", pk=quote.application_id)
    return run_action(
        request,
        lambda: pricing.issue_invoice(actor=request.user, quote=quote, request=request),
        done=lambda _: back,
        failed=lambda: back,
        success=lambda invoice: (
            _("Invoice %(number)s issued to %(institution)s.")
            % {"number": invoice.number, "institution": invoice.addressed_to}
        ),
    )


@requires(Permission.VIEW_DASHBOARD)
@loaded(
    Invoice.objects.select_related("addressed_to", "quote__application__project"),
    quotes_policy.check_see_invoice,
)
def invoice_pdf(request: HttpRequest, invoice: Invoice) -> HttpResponse:
    """The invoice, for the manager of the institution it is addressed to and office staff."""
    response = HttpResponse(render_invoice(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.pdf"'
    return response
