"""The researcher's data basket: collect variables with years, review, export as a variable list."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from fivesafes.data import queries
from fivesafes.data.models import BasketItem, CatalogueVariable
from fivesafes.data.services import basket as service
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.shared.refusals import RuleViolation


def _year(request: HttpRequest, name: str) -> int | None:
    """A year from the form (None when left empty); ValueError when it is not a whole number."""
    value = (request.POST.get(name) or "").strip()
    return int(value) if value else None


@requires(Permission.USE_DATA_BASKET)
def basket(request: HttpRequest) -> HttpResponse:
    return render(request, "data/basket.html", {"items": queries.basket_of(request.user)})


def _put_in_basket(
    request: HttpRequest, variable: CatalogueVariable, first: int | None, last: int | None
) -> bool:
    """Add the variable; say what happened; whether it is in the basket now."""
    try:
        item = service.add_variable(
            actor=request.user, variable=variable, first_year=first, last_year=last, request=request
        )
    except service.AlreadyInBasket as already:
        messages.info(request, already.finding.message)
        return True
    except RuleViolation as refusal:
        messages.error(request, refusal.finding.message)
        return False
    messages.success(request, f"{variable} ({item.first_year}-{item.last_year}) is in your basket.")
    return True


@requires(Permission.USE_DATA_BASKET)
@require_POST
def add(request: HttpRequest, variable_id: int) -> HttpResponse:
    variable = queries.current_variable(variable_id)  # current versions only
    in_basket = False
    try:
        years = _year(request, "first_year"), _year(request, "last_year")
    except ValueError:
        messages.error(request, "Years: enter whole years such as 2010.")
    else:
        in_basket = _put_in_basket(request, variable, *years)
    if request.htmx:
        # The answer is shown where it was asked, at once (a refusal keeps the form), and its
        # message is used up here rather than appearing later on another page.
        return render(
            request,
            "data/_basket_button.html",
            {"variable": variable, "in_basket": in_basket, "answer": True},
        )
    return redirect(request.POST.get("back") or "data:basket")


@requires(Permission.USE_DATA_BASKET)
@require_POST
def remove(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(BasketItem, pk=item_id, user=request.user)
    service.remove_item(actor=request.user, item=item, request=request)
    return redirect("data:basket")


@requires(Permission.USE_DATA_BASKET)
def export(request: HttpRequest) -> HttpResponse:
    """The basket as a variable list (CSV): metadata only, never data."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="variable-list.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "register",
            "version",
            "variable",
            "label",
            "first_year",
            "last_year",
            "directly_identifying",
            "particularly_identifying",
            "special_category",
            "business_data",
        ]
    )
    for item in queries.basket_of(request.user):
        var = item.variable
        writer.writerow(
            [
                var.version.register.short_name,
                var.version.version,
                var.name,
                var.label_en,
                item.first_year,
                item.last_year,
                var.directly_identifying,
                var.particularly_identifying,
                var.special_category,
                var.business_data,
            ]
        )
    return response
