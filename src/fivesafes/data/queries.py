"""What the catalogue pages, the catalogue API and the basket read: one place for both.

Finding registers and variables by words and filters (current versions only), one register,
version or variable by name (404 when there is none), and a person's basket.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop

from fivesafes.data.models import BasketItem, CatalogueRegister, CatalogueVariable, RegisterVersion

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from fivesafes.accounts.models import User

R = TypeVar("R", CatalogueRegister, CatalogueVariable)

SENSITIVITY_FIELDS = {
    "directly_identifying": gettext_noop("directly identifying"),
    "particularly_identifying": gettext_noop("particularly identifying"),
    "special_category": gettext_noop("special category (art. 9)"),
    "business_data": gettext_noop("business data"),
}
MAX_WORDS = 8
# The years a filter may name (a bigger number would overflow the database's integers).
FIRST_YEAR, LAST_YEAR = 1, 9999


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
        raw = rest.get("year")
        year = None if raw in (None, "") else int(str(raw))
        if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"year: {year} is not a year from {FIRST_YEAR} to {LAST_YEAR}.")
        return cls(
            words=words,
            temporality=str(rest.get("temporality") or ""),
            unit_type=str(rest.get("unit_type") or ""),
            subject_area=str(rest.get("subject_area") or ""),
            year=year,
            sensitivity=str(rest.get("sensitivity") or ""),
        )


def _current_variables(words: tuple[str, ...] = ()) -> QuerySet[CatalogueVariable]:
    """Variables of current register versions in whose texts (names, labels, descriptions)
    every one of `words` occurs."""
    qs = CatalogueVariable.objects.filter(version__register__current=F("version"))
    for word in words:
        qs = qs.filter(search_text__contains=word)
    return qs


def _described(qs: QuerySet[R], filters: Filters, *, version: str, register: str) -> QuerySet[R]:
    """`qs` narrowed by what the filters say of a register and its version (temporality, unit
    type, subject area, a year it covers), reached from each row along the lookup paths
    `version` and `register` (each ending in "__", or "" for the row itself)."""
    if filters.temporality:
        qs = qs.filter(**{f"{version}temporality": filters.temporality})
    if filters.unit_type:
        qs = qs.filter(**{f"{register}unit_type": filters.unit_type})
    if filters.subject_area:
        qs = qs.filter(**{f"{register}subject_area": filters.subject_area})
    if filters.year is not None:
        qs = qs.filter(
            **{f"{version}first_year__lte": filters.year, f"{version}last_year__gte": filters.year}
        )
    return qs


def find_variables(filters: Filters) -> QuerySet[CatalogueVariable]:
    """Variables of current register versions where every word occurs (names, labels, texts),
    by register and position."""
    qs = _described(
        _current_variables(filters.words),
        filters,
        version="version__",
        register="version__register__",
    )
    if filters.sensitivity in SENSITIVITY_FIELDS:
        qs = qs.filter(**{filters.sensitivity: True})
    return (
        qs.select_related("version", "version__register")
        .defer("version__rows_by_year", "version__search_text")
        .order_by("version__register__short_name", "position")
    )


def search_variables(
    filters: Filters, limit: int = 200, offset: int = 0
) -> QuerySet[CatalogueVariable]:
    """One page of `find_variables`: `limit` of them from `offset`."""
    return find_variables(filters)[offset : offset + limit]


def search_registers(filters: Filters) -> QuerySet[CatalogueRegister]:
    """Registers whose own texts contain every word, or that hold a variable that does; with a
    sensitivity filter, only registers holding a variable so flagged."""
    qs = CatalogueRegister.objects.filter(current__isnull=False)
    if filters.words:
        own = Q()
        for word in filters.words:
            own &= Q(current__search_text__contains=word)
        variables = _current_variables(filters.words)
        qs = qs.filter(own | Q(current__in=variables.values("version")))
    qs = _described(qs, filters, version="current__", register="")
    if filters.sensitivity in SENSITIVITY_FIELDS:  # registers holding such a variable
        flagged = _current_variables().filter(**{filters.sensitivity: True})
        qs = qs.filter(current__in=flagged.values("version"))
    return (
        qs.select_related("current")
        .defer("current__rows_by_year", "current__search_text")
        .order_by("subject_area", "short_name")
    )


def register_names(filters: Filters) -> list[str]:
    """Short names of the matching registers, in display order (one query, no heavy columns)."""
    return list(search_registers(filters).values_list("short_name", flat=True))


def current_registers() -> QuerySet[CatalogueRegister]:
    """Every register with a current version, with its number of variables (`n_variables`)."""
    return (
        CatalogueRegister.objects.filter(current__isnull=False)
        .select_related("current")
        .defer("current__rows_by_year", "current__search_text")
        .annotate(n_variables=Count("current__variables"))
    )


def current_register(short_name: str) -> CatalogueRegister:
    """The register called `short_name` that has a current version (404 otherwise)."""
    return get_object_or_404(
        CatalogueRegister.objects.select_related("current"),
        short_name=short_name,
        current__isnull=False,
    )


def shown_version(register: CatalogueRegister, version: str | None = None) -> RegisterVersion:
    """The version asked for by its number (404 when there is none), else the current one."""
    if version:
        return get_object_or_404(RegisterVersion, register=register, version=version)
    assert register.current is not None  # current_register() finds only registers with one
    return register.current


def versions_of(register: CatalogueRegister) -> QuerySet[RegisterVersion]:
    """Every imported version of the register, newest first."""
    return register.versions.order_by("-imported_at")


def variables_of(version: RegisterVersion) -> QuerySet[CatalogueVariable]:
    """The variables of one version, in their order, with their register for naming them."""
    return version.variables.select_related("version__register").order_by("position")


def variable_of(version: RegisterVersion, name: str) -> CatalogueVariable:
    """The variable called `name` in `version` (404 when there is none)."""
    return get_object_or_404(
        CatalogueVariable.objects.select_related("version__register"), version=version, name=name
    )


def current_variable(pk: Any) -> CatalogueVariable:
    """A variable of a register's current version (404 for an earlier version's variable)."""
    return get_object_or_404(
        CatalogueVariable.objects.select_related("version__register"),
        pk=pk,
        version__register__current=F("version"),
    )


def linked_variables(variable: CatalogueVariable, unit: str, limit: int = 100) -> list[Any]:
    """Variables of current registers that identify or refer to the same `unit`, but this one."""
    return list(
        CatalogueVariable.objects.filter(version__register__current=F("version"))
        .filter(Q(role="identifier", version__register__unit_type=unit) | Q(links_to=unit))
        .exclude(pk=variable.pk)
        .select_related("version__register")
        .order_by("version__register__short_name", "position")[:limit]
    )


def basket_of(person: User) -> QuerySet[BasketItem]:
    """The person's basket, in register and position order."""
    return BasketItem.objects.filter(user=person).select_related("variable__version__register")


def in_basket(person: User | AnonymousUser, variable: CatalogueVariable) -> bool:
    return (
        bool(person.is_authenticated)
        and BasketItem.objects.filter(user=person, variable=variable).exists()
    )


def suggest_variables(typed: str, limit: int) -> list[CatalogueVariable]:
    """Current variables for what a person types: "REG.na" finds the variables of registers
    whose short name starts with REG named from "na"; other text finds variables whose names,
    labels or descriptions hold every word."""
    register, dot, name = typed.partition(".")
    if dot and register and " " not in typed:
        qs = _current_variables().filter(
            version__register__short_name__istartswith=register, name__istartswith=name
        )
    else:
        qs = _current_variables(tuple(typed.lower().split()[:MAX_WORDS]))
    return list(
        qs.select_related("version", "version__register")
        .defer("version__rows_by_year", "version__search_text")
        .order_by("version__register__short_name", "position")[:limit]
    )
