"""The researcher's data basket: collect variables with years, review, export as a variable list."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from fivesafes.audit.services import record
from fivesafes.data.models import BasketItem, CatalogueVariable
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission


def _years(request: HttpRequest, variable: CatalogueVariable) -> tuple[int, int] | str:
    """The requested years, or the reason they are refused (field named)."""
    low, high = variable.version.first_year, variable.version.last_year
    try:
        first = int(request.POST.get("first_year") or low)
        last = int(request.POST.get("last_year") or high)
    except ValueError:
        return "Years: enter whole years such as 2010."
    if first > last:
        return f"Years: the first year ({first}) is after the last ({last})."
    if first < low or last > high:
        return f"Years: {variable} covers {low}-{high}; {first}-{last} is outside it."
    return first, last


@requires(Permission.USE_DATA_BASKET)
def basket(request: HttpRequest) -> HttpResponse:
    items = request.user.basket.select_related("variable__version__register")
    return render(request, "data/basket.html", {"items": items})


@requires(Permission.USE_DATA_BASKET)
@require_POST
def add(request: HttpRequest, variable_id: int) -> HttpResponse:
    variable = get_object_or_404(
        CatalogueVariable.objects.select_related("version__register"),
        pk=variable_id,
        version__register__current=F("version"),  # current versions only
    )
    years = _years(request, variable)
    if isinstance(years, str):
        messages.error(request, years)
    else:
        try:
            with transaction.atomic():
                item = BasketItem.objects.create(
                    user=request.user, variable=variable, first_year=years[0], last_year=years[1]
                )
                record(
                    action="basket.variable_added",
                    request=request,
                    obj=item,
                    after={"variable": str(variable), "years": list(years)},
                )
            messages.success(request, f"{variable} ({years[0]}-{years[1]}) is in your basket.")
        except IntegrityError:
            messages.info(request, f"{variable} is already in your basket.")
    if request.htmx:
        return render(
            request, "data/_basket_button.html", {"variable": variable, "in_basket": True}
        )
    return redirect(request.POST.get("back") or "data:basket")


@requires(Permission.USE_DATA_BASKET)
@require_POST
def remove(request: HttpRequest, item_id: int) -> HttpResponse:
    item = get_object_or_404(BasketItem, pk=item_id, user=request.user)
    with transaction.atomic():
        record(
            action="basket.variable_removed",
            request=request,
            obj=item,
            before={"variable": str(item.variable)},
        )
        item.delete()
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
    for item in request.user.basket.select_related("variable__version__register"):
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
