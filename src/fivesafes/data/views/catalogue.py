"""The catalogue in the web UI: public read access to metadata, never to data (R26, R20)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from fivesafes.data import queries
from fivesafes.data.catalogue.chart import coverage_svg
from fivesafes.data.models import CatalogueRegister
from fivesafes.data.queries import SENSITIVITY_FIELDS, Filters
from fivesafes.data.views.basket import years_form
from fivesafes.metadata import SubjectArea, Temporality
from fivesafes.metadata.unittypes import UNIT_TYPES
from fivesafes.policy.checks import can
from fivesafes.policy.decorators import public
from fivesafes.policy.permissions import Permission


def _filters(request: HttpRequest) -> tuple[Filters, str | None]:
    try:
        return Filters.parse(
            **{
                k: request.GET.get(k, "")
                for k in ("q", "temporality", "unit_type", "subject_area", "year", "sensitivity")
            }
        ), None
    except ValueError:
        return Filters.parse(q=request.GET.get("q", "")), _("Year: enter a year such as 2015.")


def _choices() -> dict[str, object]:
    return {
        "temporalities": [t.value for t in Temporality],
        "unit_types": sorted(UNIT_TYPES.items()),
        "subject_areas": [(a.value, area_label(a.value)) for a in SubjectArea],
        "sensitivities": SENSITIVITY_FIELDS.items(),
    }


# The subject areas' names, translated when shown; "subject area" tells them apart from the
# same words elsewhere ("Population" is a subject area here, a project's persons in projects).
AREA_LABELS = {
    SubjectArea.POPULATION: pgettext_lazy("subject area", "Population"),
    SubjectArea.FAMILY: pgettext_lazy("subject area", "Family"),
    SubjectArea.LABOUR_MARKET: pgettext_lazy("subject area", "Labour market"),
    SubjectArea.EARNINGS: pgettext_lazy("subject area", "Earnings"),
    SubjectArea.INCOME: pgettext_lazy("subject area", "Income"),
    SubjectArea.HEALTH: pgettext_lazy("subject area", "Health"),
    SubjectArea.EDUCATION: pgettext_lazy("subject area", "Education"),
    SubjectArea.BUSINESS: pgettext_lazy("subject area", "Business"),
    SubjectArea.HOUSING: pgettext_lazy("subject area", "Housing"),
    SubjectArea.SOCIAL: pgettext_lazy("subject area", "Social"),
    SubjectArea.OTHER: pgettext_lazy("subject area", "Other"),
}


def area_label(subject_area: str) -> str:
    """'labour_market' -> 'Labour market' (in the reader's language)."""
    written = AREA_LABELS.get(subject_area)  # type: ignore[call-overload]
    return str(written) if written else subject_area.replace("_", " ").capitalize()


SHOWN_VARIABLES = 50
SHOWN_REGISTERS = 20


def _basket_context(request: HttpRequest) -> dict[str, Any]:
    """For lists of variables: whether to offer "add to basket", and what is in it already."""
    if not can(request.user, Permission.USE_DATA_BASKET):
        return {}
    return {
        "can_basket": True,
        "basket_ids": set(queries.basket_of(request.user).values_list("variable_id", flat=True)),
    }


@public
def index(request: HttpRequest) -> HttpResponse:
    filters, problem = _filters(request)
    searching = any(
        [
            filters.words,
            filters.temporality,
            filters.unit_type,
            filters.subject_area,
            filters.year,
            filters.sensitivity,
        ]
    )
    context = {
        "filters": filters,
        "q": request.GET.get("q", ""),
        "problem": problem,
        "searching": searching,
        "params": request.GET,
        **_choices(),
    }
    if searching:
        found = list(queries.search_variables(filters, limit=SHOWN_VARIABLES + 1))
        names = queries.register_names(filters)
        context.update(
            variables=found[:SHOWN_VARIABLES],
            more_variables=len(found) > SHOWN_VARIABLES,
            registers=names[:SHOWN_REGISTERS],
            register_count=len(names),
        )
    else:
        by_unit = request.GET.get("by") == "unit_type"
        grouped: dict[str, list[CatalogueRegister]] = defaultdict(list)
        for register in queries.current_registers():
            unit = UNIT_TYPES.get(register.unit_type)
            register.unit_label = unit.label.en if unit else register.unit_type
            if by_unit:
                grouped[register.unit_label].append(register)
            else:
                grouped[area_label(register.subject_area)].append(register)
        context["by_area"] = sorted(grouped.items())
        context["by_unit"] = by_unit
    context.update(_basket_context(request))
    template = "data/_results.html" if request.htmx and searching else "data/catalogue.html"
    return render(request, template, context)


@public
def register_page(
    request: HttpRequest, short_name: str, version: str | None = None
) -> HttpResponse:
    register = queries.current_register(short_name)
    shown = queries.shown_version(register, version)
    return render(
        request,
        "data/register.html",
        {
            "register": register,
            "shown": shown,
            "versions": queries.versions_of(register),
            "variables": queries.variables_of(shown),
            "chart": mark_safe(coverage_svg(shown.rows_by_year)),  # noqa: S308 - built from numbers only
            "total_rows": sum(shown.rows_by_year.values()),
            "unit_type": UNIT_TYPES.get(register.unit_type),
            "subject_area": area_label(register.subject_area),
            "update_frequency": shown.source.document["updateFrequency"],
            **(_basket_context(request) if shown.pk == register.current_id else {}),
        },
    )


def _described_domain(document: dict[str, Any]) -> dict[str, Any]:
    """What the metadata say about the values besides a code list: text, bounds, pattern, empties."""
    domain = document["valueDomain"]
    return {
        "description": domain.get("description"),
        "minimum": domain.get("minimum"),
        "maximum": domain.get("maximum"),
        "pattern": domain.get("pattern"),
        "nullable": document.get("nullable", False),
    }


@public
def variable_page(
    request: HttpRequest, short_name: str, name: str, version: str | None = None
) -> HttpResponse:
    register = queries.current_register(short_name)
    shown = queries.shown_version(register, version)
    variable = queries.variable_of(shown, name)
    earlier = shown.pk != register.current_id
    # The unit this variable identifies (its register's unit, or the one it links to), and every
    # other variable of a current register that identifies or refers to the same unit.
    unit = register.unit_type if variable.role == "identifier" else variable.links_to
    linked_by = queries.linked_variables(variable, unit) if unit else []
    return render(
        request,
        "data/variable.html",
        {
            "variable": variable,
            "register": register,
            "codes": variable.codes.all()[:2000],
            "code_count": variable.codes.count(),
            "linked_by": linked_by,
            "unit": UNIT_TYPES.get(unit) if unit else None,
            "links_to": UNIT_TYPES.get(variable.links_to),
            "domain": _described_domain(shown.source.document["variables"][variable.position]),
            "earlier": earlier,
            "can_basket": not earlier and can(request.user, Permission.USE_DATA_BASKET),
            "in_basket": queries.in_basket(request.user, variable),
            "basket_form": years_form(variable),
        },
    )


SUGGESTED = 20


@public
def variable_suggestions(request: HttpRequest) -> HttpResponse:
    """Catalogue variables as one types (htmx: the options of a datalist): "REGISTER.name" for
    what is typed as "REG.na…", else variables whose texts hold every word typed."""
    typed = (request.GET.get("q") or request.GET.get("variable") or "").strip()
    found = queries.suggest_variables(typed, SUGGESTED) if len(typed) >= 2 else []
    return render(request, "data/_variable_options.html", {"variables": found})
