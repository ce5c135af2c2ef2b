"""The population of an application as criteria over the catalogue (R11): read the catalogue
entries the criteria need, validate, save with its audit event, and read it out in words.

A definition that does not hold against the catalogue (unknown variable, code not in its code
list, dates outside the register or out of order) is refused with the criterion named, and
nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from fivesafes.accounts.models import User
from fivesafes.metadata.population import (
    CatalogueEntry,
    CodeEntry,
    Criterion,
    Operator,
    PopulationDefinition,
    PopulationError,
    criterion_from_dict,
    expand_codes,
    from_dict,
    validate,
)
from fivesafes.projects.models import Application
from fivesafes.shared.refusals import RuleViolation
from fivesafes.shared.services import change

# The operators in the reader's language (the framework-free core words them in English).
OPERATOR_WORDS = {
    Operator.PRESENT: gettext_lazy("is recorded"),
    Operator.IN: gettext_lazy("is one of"),
    Operator.NOT_IN: gettext_lazy("is none of"),
    Operator.BETWEEN: gettext_lazy("is between"),
}
# At most this many values of a criterion are named; the rest are counted.
NAMED_VALUES = 12


def catalogue_entries(labels: Iterable[str]) -> dict[str, CatalogueEntry]:
    """The current catalogue's view of each "REGISTER.name" that exists (others are left out)."""
    from fivesafes.data.models import CatalogueRegister, CatalogueVariable

    wanted: dict[str, set[str]] = {}
    for label in labels:
        register, _, name = label.partition(".")
        if register and name:
            wanted.setdefault(register, set()).add(name)
    entries: dict[str, CatalogueEntry] = {}
    registers = CatalogueRegister.objects.filter(
        short_name__in=wanted, current__isnull=False
    ).select_related("current")
    for register in registers:
        version = register.current
        links = set(
            CatalogueVariable.objects.filter(version=version)
            .exclude(links_to="")
            .values_list("links_to", flat=True)
        )
        units = frozenset({register.unit_type, *links})
        for variable in CatalogueVariable.objects.filter(
            version=version, name__in=wanted[register.short_name]
        ).prefetch_related("codes"):
            codes = None
            if variable.code_list_name or variable.codes.all():
                codes = {
                    c.code: CodeEntry(c.label_en, c.valid_from, c.valid_until, c.parent)
                    for c in variable.codes.all()
                }
            label = f"{register.short_name}.{variable.name}"
            entries[label] = CatalogueEntry(
                label=label,
                title=variable.label_en if variable.label_en != variable.name else "",
                data_type=variable.data_type,
                temporality=version.temporality.upper(),
                first_year=version.first_year,
                last_year=version.last_year,
                units=units,
                codes=codes,
                directly_identifying=variable.directly_identifying,
                special_category=variable.special_category,
                business_data=variable.business_data,
                standard_register=version.owner_is_office,
            )
    return entries


def definition_of(application: Application) -> PopulationDefinition:
    """The stored definition (stored ones were validated; an unreadable one reads as empty)."""
    try:
        return from_dict(application.population)
    except PopulationError:
        return PopulationDefinition()


def readable(application: Application) -> list[str]:
    """The criteria in words, with the catalogue's labels and code texts."""
    definition = definition_of(application)
    if definition.is_empty:
        return []
    return describe_all(definition, catalogue_entries(definition.variables))


def _code_text(code: str, entry: CatalogueEntry | None) -> str:
    if not (entry and entry.codes and code in entry.codes):
        return code
    text = f"{code} {entry.codes[code].label}" if entry.codes[code].label else code
    below = len(expand_codes((code,), entry.codes)) - 1
    if below:
        text += ngettext(
            " (with the %(count)s code below it)", " (with the %(count)s codes below it)", below
        ) % {"count": below}
    return text


def describe(criterion: Criterion, entry: CatalogueEntry | None = None) -> str:
    """One criterion in words in the active language, with the catalogue's labels and code
    texts, e.g. "HOSPITAL.diagnosis (Main diagnosis) is one of E11 Type 2 diabetes"."""
    name = criterion.variable + (f" ({entry.title})" if entry and entry.title else "")
    said = {"variable": name, "condition": OPERATOR_WORDS[criterion.operator]}
    values = criterion.values
    if criterion.operator == Operator.PRESENT:
        text = _("%(variable)s %(condition)s") % said
    elif criterion.operator == Operator.BETWEEN and len(values) == 2:
        text = _("%(variable)s %(condition)s %(low)s and %(high)s") % {
            **said,
            "low": values[0],
            "high": values[1],
        }
    else:
        named = ", ".join(_code_text(v, entry) for v in values[:NAMED_VALUES])
        if len(values) > NAMED_VALUES:
            named = _("%(values)s and %(count)s more") % {
                "values": named,
                "count": len(values) - NAMED_VALUES,
            }
        text = _("%(variable)s %(condition)s %(values)s") % {**said, "values": named}
    if criterion.on:
        return _("%(criterion)s on %(day)s") % {"criterion": text, "day": criterion.on}
    if criterion.start and criterion.end:
        return _("%(criterion)s at some time from %(start)s to %(end)s") % {
            "criterion": text,
            "start": criterion.start,
            "end": criterion.end,
        }
    return text


def describe_all(
    definition: PopulationDefinition, catalogue: dict[str, CatalogueEntry] | None = None
) -> list[str]:
    """Every criterion of the definition in words (see `describe`)."""
    lookup = catalogue or {}
    return [describe(c, lookup.get(c.variable)) for c in definition.criteria]


def checked(data: Any) -> PopulationDefinition:
    """Parse and validate a definition against the catalogue, or refuse naming the criterion."""
    try:
        definition = from_dict(data)
    except PopulationError as error:
        raise RuleViolation("R11", error.field, error.message) from None
    problems = validate(definition, catalogue_entries(definition.variables), timezone.localdate())
    if problems:
        more = f" ({len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise RuleViolation("R11", problems[0].field, problems[0].message + more)
    return definition


def set_population(
    *, actor: User, application: Application, definition: Any, request: Any = None
) -> Application:
    """Replace the population's criteria (and unit) of a draft; the findings are recomputed."""
    from fivesafes.projects.services.applications import editable, refresh_findings

    new = checked(definition).as_dict()
    with transaction.atomic():
        locked = editable(actor, application)
        if (locked.population or {}) != new:
            change(
                locked,
                {"population": new},
                audit_action="application.population_changed",
                actor=actor,
                request=request,
            )
        refresh_findings(locked)
    return locked


def add_criterion(
    *, actor: User, application: Application, criterion: dict[str, Any], request: Any = None
) -> Application:
    current = definition_of(application)
    try:
        parsed = criterion_from_dict(criterion, len(current.criteria) + 1)
    except PopulationError as error:
        raise RuleViolation("R11", error.field, error.message) from None
    return set_population(
        actor=actor,
        application=application,
        definition=current.with_criterion(parsed).as_dict(),
        request=request,
    )


def remove_criterion(
    *, actor: User, application: Application, number: int, request: Any = None
) -> Application:
    try:
        kept = definition_of(application).without(number)
    except PopulationError as error:
        raise RuleViolation("R11", error.field, error.message) from None
    return set_population(
        actor=actor, application=application, definition=kept.as_dict(), request=request
    )
