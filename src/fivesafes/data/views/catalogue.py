"""The catalogue in the web UI: public read access to metadata, never to data (R26, R20)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from fivesafes.data.catalogue.chart import coverage_svg
from fivesafes.data.catalogue.search import (
    SENSITIVITY_FIELDS,
    Filters,
    register_names,
    search_variables,
)
from fivesafes.data.models import CatalogueRegister, CatalogueVariable, RegisterVersion
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
        return Filters.parse(q=request.GET.get("q", "")), "Year: enter a year such as 2015."


def _choices() -> dict[str, object]:
    return {
        "temporalities": [t.value for t in Temporality],
        "unit_types": sorted(UNIT_TYPES.items()),
        "subject_areas": [(a.value, area_label(a.value)) for a in SubjectArea],
        "sensitivities": SENSITIVITY_FIELDS.items(),
    }


def area_label(subject_area: str) -> str:
    """'labour_market' -> 'Labour market'."""
    return subject_area.replace("_", " ").capitalize()


SHOWN_VARIABLES = 50
SHOWN_REGISTERS = 20


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
        found = list(search_variables(filters, limit=SHOWN_VARIABLES + 1))
        names = register_names(filters)
        context.update(
            variables=found[:SHOWN_VARIABLES],
            more_variables=len(found) > SHOWN_VARIABLES,
            registers=names[:SHOWN_REGISTERS],
            register_count=len(names),
        )
    else:
        by_unit = request.GET.get("by") == "unit_type"
        grouped: dict[str, list[CatalogueRegister]] = defaultdict(list)
        registers = (
            CatalogueRegister.objects.filter(current__isnull=False)
            .select_related("current")
            .defer("current__rows_by_year", "current__search_text")
            .annotate(n_variables=Count("current__variables"))
        )
        for register in registers:
            unit = UNIT_TYPES.get(register.unit_type)
            register.unit_label = unit.label.en if unit else register.unit_type  # type: ignore[attr-defined]
            if by_unit:
                grouped[register.unit_label].append(register)  # type: ignore[attr-defined]
            else:
                grouped[area_label(register.subject_area)].append(register)
        context["by_area"] = sorted(grouped.items())
        context["by_unit"] = by_unit
    template = "data/_results.html" if request.htmx and searching else "data/catalogue.html"
    return render(request, template, context)


@public
def register_page(
    request: HttpRequest, short_name: str, version: str | None = None
) -> HttpResponse:
    register = get_object_or_404(CatalogueRegister, short_name=short_name, current__isnull=False)
    shown = (
        get_object_or_404(RegisterVersion, register=register, version=version)
        if version
        else register.current
    )
    return render(
        request,
        "data/register.html",
        {
            "register": register,
            "shown": shown,
            "versions": register.versions.order_by("-imported_at"),
            "variables": shown.variables.all(),
            "chart": mark_safe(coverage_svg(shown.rows_by_year)),  # noqa: S308 - built from numbers only
            "total_rows": sum(shown.rows_by_year.values()),
            "unit_type": UNIT_TYPES.get(register.unit_type),
            "subject_area": area_label(register.subject_area),
            "update_frequency": shown.source.document["updateFrequency"],
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
    register = get_object_or_404(CatalogueRegister, short_name=short_name, current__isnull=False)
    shown = (
        get_object_or_404(RegisterVersion, register=register, version=version)
        if version
        else register.current
    )
    variable = get_object_or_404(CatalogueVariable, version=shown, name=name)
    earlier = shown.pk != register.current_id
    # The unit this variable identifies (its register's unit, or the one it links to), and every
    # other variable of a current register that identifies or refers to the same unit.
    unit = register.unit_type if variable.role == "identifier" else variable.links_to
    linked_by = []
    if unit:
        linked_by = list(
            CatalogueVariable.objects.filter(version__register__current=F("version"))
            .filter(Q(role="identifier", version__register__unit_type=unit) | Q(links_to=unit))
            .exclude(pk=variable.pk)
            .select_related("version__register")
            .order_by("version__register__short_name", "position")[:100]
        )
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
            "in_basket": request.user.is_authenticated
            and request.user.basket.filter(variable=variable).exists(),
        },
    )
