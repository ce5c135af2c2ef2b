"""Finding registers and variables by words and filters (current versions only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from fivesafes.data.models import CatalogueRegister, CatalogueVariable

SENSITIVITY_FIELDS = {
    "directly_identifying": "directly identifying",
    "particularly_identifying": "particularly identifying",
    "special_category": "special category (art. 9)",
    "business_data": "business data",
}
MAX_WORDS = 8


@dataclass(frozen=True)
class Filters:
    words: tuple[str, ...] = ()
    temporality: str = ""
    unit_type: str = ""
    subject_area: str = ""
    year: int | None = None
    sensitivity: str = ""

    @classmethod
    def parse(cls, q: str = "", **rest: object) -> Filters:
        words = tuple(w.lower() for w in q.split()[:MAX_WORDS] if w)
        year = rest.get("year")
        return cls(
            words=words,
            temporality=str(rest.get("temporality") or ""),
            unit_type=str(rest.get("unit_type") or ""),
            subject_area=str(rest.get("subject_area") or ""),
            year=int(year) if year not in (None, "") else None,  # type: ignore[call-overload]
            sensitivity=str(rest.get("sensitivity") or ""),
        )


def search_variables(
    filters: Filters, limit: int = 200, offset: int = 0
) -> QuerySet[CatalogueVariable]:
    """Variables of current register versions where every word occurs (names, labels, texts),
    by register and position; `offset` and `limit` give one page of them."""
    qs = CatalogueVariable.objects.filter(version__register__current=F("version"))
    for word in filters.words:
        qs = qs.filter(search_text__contains=word)
    if filters.temporality:
        qs = qs.filter(version__temporality=filters.temporality)
    if filters.unit_type:
        qs = qs.filter(version__register__unit_type=filters.unit_type)
    if filters.subject_area:
        qs = qs.filter(version__register__subject_area=filters.subject_area)
    if filters.year is not None:
        qs = qs.filter(version__first_year__lte=filters.year, version__last_year__gte=filters.year)
    if filters.sensitivity in SENSITIVITY_FIELDS:
        qs = qs.filter(**{filters.sensitivity: True})
    return (
        qs.select_related("version", "version__register")
        .defer("version__rows_by_year", "version__search_text")
        .order_by("version__register__short_name", "position")[offset : offset + limit]
    )


def search_registers(filters: Filters) -> QuerySet[CatalogueRegister]:
    """Registers whose own texts contain every word, or that hold a variable that does; with a
    sensitivity filter, only registers holding a variable so flagged."""
    qs = CatalogueRegister.objects.filter(current__isnull=False)
    if filters.words:
        own = Q()
        for word in filters.words:
            own &= Q(current__search_text__contains=word)
        variables = CatalogueVariable.objects.filter(version__register__current=F("version"))
        for word in filters.words:
            variables = variables.filter(search_text__contains=word)
        qs = qs.filter(own | Q(current__in=variables.values("version")))
    if filters.temporality:
        qs = qs.filter(current__temporality=filters.temporality)
    if filters.unit_type:
        qs = qs.filter(unit_type=filters.unit_type)
    if filters.subject_area:
        qs = qs.filter(subject_area=filters.subject_area)
    if filters.year is not None:
        qs = qs.filter(current__first_year__lte=filters.year, current__last_year__gte=filters.year)
    if filters.sensitivity in SENSITIVITY_FIELDS:  # registers holding such a variable
        flagged = CatalogueVariable.objects.filter(
            version__register__current=F("version"), **{filters.sensitivity: True}
        )
        qs = qs.filter(current__in=flagged.values("version"))
    return (
        qs.select_related("current")
        .defer("current__rows_by_year", "current__search_text")
        .order_by("subject_area", "short_name")
    )


def register_names(filters: Filters) -> list[str]:
    """Short names of the matching registers, in display order (one query, no heavy columns)."""
    return list(search_registers(filters).values_list("short_name", flat=True))
