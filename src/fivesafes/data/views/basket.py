"""The researcher's data basket: collect variables with years, review, export as a variable list."""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fivesafes.data import queries
from fivesafes.data.models import BasketItem, CatalogueVariable
from fivesafes.data.services import basket as service
from fivesafes.policy.checks import can
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.shared.refusals import RuleViolation


class YearsForm(forms.Form):
    """The years of a variable to put in the basket; empty means all the years it covers."""

    first_year = forms.IntegerField(
        label=_("From year"),
        required=False,
        min_value=1,
        max_value=9999,
        error_messages={"invalid": _("enter a whole year such as 2010.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    last_year = forms.IntegerField(
        label=_("To year"),
        required=False,
        min_value=1,
        max_value=9999,
        error_messages={"invalid": _("enter a whole year such as 2010.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )


def years_form(variable: CatalogueVariable, data: Any = None) -> YearsForm:
    """The years form of one variable, its field ids unique on a page listing several."""
    version = variable.version
    return YearsForm(
        data,
        auto_id=f"basket-{variable.pk}-%s",
        initial={"first_year": version.first_year, "last_year": version.last_year},
    )


@requires(Permission.USE_DATA_BASKET)
def basket(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "data/basket.html",
        {
            "items": queries.basket_of(request.user),
            "can_apply": can(request.user, Permission.APPLY_FOR_PROJECTS),
        },
    )


def _put_in_basket(request: HttpRequest, variable: CatalogueVariable, form: YearsForm) -> bool:
    """Add the variable for the form's years; say what happened, a refusal on the form's field;
    whether it is in the basket now."""
    if not form.is_valid():
        return False
    try:
        item = service.add_variable(
            actor=request.user,
            variable=variable,
            first_year=form.cleaned_data["first_year"],
            last_year=form.cleaned_data["last_year"],
            request=request,
        )
    except service.AlreadyInBasket as already:
        messages.info(request, already.finding.message)
        return True
    except RuleViolation as refusal:
        # The service names the years in its words ("Years: ..."); the form names the field.
        form.add_error("first_year", refusal.finding.message.removeprefix(gettext("Years: ")))
        return False
    messages.success(
        request,
        gettext("%(variable)s (%(first)s-%(last)s) is in your basket.")
        % {"variable": variable, "first": item.first_year, "last": item.last_year},
    )
    return True


@requires(Permission.USE_DATA_BASKET)
@require_POST
def add(request: HttpRequest, variable_id: int) -> HttpResponse:
    """Put a variable in the basket. From htmx, the answer replaces the button where it was
    asked: the badge, or the form again with the refusal on its field (never the badge for a
    refused add). `quick` is the one-button form of a list (all the variable's years)."""
    variable = queries.current_variable(variable_id)  # current versions only
    form = years_form(variable, request.POST)
    in_basket = _put_in_basket(request, variable, form)
    if request.htmx:
        template = (
            "data/_basket_quick.html" if request.POST.get("quick") else "data/_basket_button.html"
        )
        return render(
            request,
            template,
            {"variable": variable, "in_basket": in_basket, "basket_form": form, "answer": True},
        )
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else gettext("Years")
        for error in errors:
            messages.error(
                request, gettext("%(field)s: %(error)s") % {"field": label, "error": error}
            )
    back = request.POST.get("back") or ""
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("data:basket")  # only back to a page of this site
    return redirect(back)


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
