"""The population of an application as criteria over catalogue variables (R11), free of Django;
read by the application rules (projects) and compiled into an extraction plan (extraction).

A definition names the kind of unit (persons by default) and a list of criteria that must all
hold. Each criterion refers to a catalogue variable as "REGISTER.name" and says how it selects:

- `present`: the unit has a record in the variable's register on a date (`on`) or in a period
  (`from`-`to`); e.g. RESIDENCE.municipality present on 2015-01-01 = resident on that day;
- `in` / `not_in`: the variable's value is (not) one of `values`; codes must be in its code list
  and valid on the date or in the period; in a hierarchical code list a code stands for itself
  and every code below it (ATC "N02BE" selects N02BE01, N02BE51, ...: see `expand_codes`);
- `between`: `values` are a low and a high bound (numbers, or dates for date variables).

Temporal registers need the date or the period; fixed ones (one value per unit) take none.
The definition is plain JSON (`as_dict`, `from_dict`) so later steps can plan the extraction;
`validate` checks it against what the catalogue says (`CatalogueEntry`), `describe` reads it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

MAX_CRITERIA = 20
MAX_VALUES = 500
DEFAULT_UNIT = "person"
FIXED = "FIXED"
NUMERIC_TYPES = frozenset({"integer", "int", "decimal", "float", "number"})
DATE_TYPE = "date"


class Operator(StrEnum):
    PRESENT = "present"
    IN = "in"
    NOT_IN = "not_in"
    BETWEEN = "between"

    @property
    def label(self) -> str:
        return OPERATOR_LABELS[self]


OPERATOR_LABELS = {
    Operator.PRESENT: "is recorded",
    Operator.IN: "is one of",
    Operator.NOT_IN: "is none of",
    Operator.BETWEEN: "is between",
}


class PopulationError(ValueError):
    """A definition that is not well formed; `field` says where (e.g. "population:2")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def criterion_field(number: int) -> str:
    """The field name of the `number`th criterion (1-based), as findings and refusals name it."""
    return f"population:{number}"


@dataclass(frozen=True)
class Criterion:
    variable: str
    operator: Operator
    values: tuple[str, ...] = ()
    on: date | None = None
    start: date | None = None
    end: date | None = None

    @property
    def register(self) -> str:
        return self.variable.split(".", 1)[0]

    def as_dict(self) -> dict[str, Any]:
        return {
            "variable": self.variable,
            "operator": self.operator.value,
            "values": list(self.values),
            "on": self.on.isoformat() if self.on else None,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }


@dataclass(frozen=True)
class PopulationDefinition:
    unit: str = DEFAULT_UNIT
    criteria: tuple[Criterion, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.criteria

    @property
    def variables(self) -> list[str]:
        """The catalogue variables the criteria refer to, each once, in order."""
        return list(dict.fromkeys(c.variable for c in self.criteria))

    def as_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "criteria": [c.as_dict() for c in self.criteria]}

    def with_criterion(self, criterion: Criterion) -> PopulationDefinition:
        return PopulationDefinition(self.unit, (*self.criteria, criterion))

    def without(self, number: int) -> PopulationDefinition:
        if not 1 <= number <= len(self.criteria):
            raise PopulationError(criterion_field(number), f"There is no criterion {number}.")
        kept = self.criteria[: number - 1] + self.criteria[number:]
        return PopulationDefinition(self.unit, kept)


def _date(value: Any, where: str, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise PopulationError(where, f"'{value}' in '{name}' is not a date (YYYY-MM-DD).") from None


def criterion_from_dict(data: Any, number: int) -> Criterion:
    where = criterion_field(number)
    if not isinstance(data, Mapping):
        raise PopulationError(where, f"Criterion {number} is not an object.")
    variable = str(data.get("variable") or "").strip()
    if variable.count(".") != 1 or not all(variable.split(".")):
        raise PopulationError(
            where, f"Criterion {number}: name the variable as REGISTER.variable, not '{variable}'."
        )
    try:
        operator = Operator(str(data.get("operator") or "").strip())
    except ValueError:
        known = ", ".join(o.value for o in Operator)
        raise PopulationError(
            where,
            f"Criterion {number}: '{data.get('operator')}' is not an operator ({known}).",
        ) from None
    raw = data.get("values") or []
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list | tuple):
        raise PopulationError(where, f"Criterion {number}: values are a list.")
    values = tuple(dict.fromkeys(str(v).strip() for v in raw if str(v).strip()))
    if len(values) > MAX_VALUES:
        raise PopulationError(where, f"Criterion {number}: at most {MAX_VALUES} values.")
    return Criterion(
        variable=variable,
        operator=operator,
        values=values,
        on=_date(data.get("on"), where, "on"),
        start=_date(data.get("from"), where, "from"),
        end=_date(data.get("to"), where, "to"),
    )


def from_dict(data: Any) -> PopulationDefinition:
    """Read a definition from JSON; an empty or missing one is an empty definition."""
    if not data:
        return PopulationDefinition()
    if not isinstance(data, Mapping):
        raise PopulationError("population", "The population is an object with criteria.")
    unit = str(data.get("unit") or DEFAULT_UNIT).strip()
    raw = data.get("criteria") or []
    if not isinstance(raw, list | tuple):
        raise PopulationError("population", "The criteria are a list.")
    if len(raw) > MAX_CRITERIA:
        raise PopulationError("population", f"At most {MAX_CRITERIA} criteria.")
    criteria = tuple(criterion_from_dict(item, n) for n, item in enumerate(raw, 1))
    return PopulationDefinition(unit=unit, criteria=criteria)


@dataclass(frozen=True)
class CodeEntry:
    label: str
    valid_from: date
    valid_until: date | None = None
    parent: str = ""

    def valid_between(self, start: date, end: date) -> bool:
        return self.valid_from <= end and (self.valid_until is None or start <= self.valid_until)


@dataclass(frozen=True)
class CatalogueEntry:
    """What the catalogue says about one variable, as far as a population needs it."""

    label: str
    title: str
    data_type: str
    temporality: str
    first_year: int
    last_year: int
    units: frozenset[str]
    codes: Mapping[str, CodeEntry] | None = None
    directly_identifying: bool = False
    special_category: bool = False
    business_data: bool = False
    standard_register: bool = True


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def _number(value: str) -> Decimal | None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _when(c: Criterion) -> tuple[date, date] | None:
    if c.on:
        return c.on, c.on
    if c.start and c.end:
        return c.start, c.end
    return None


def _check_time(c: Criterion, e: CatalogueEntry, today: date) -> list[str]:
    out: list[str] = []
    if c.on and (c.start or c.end):
        out.append("give either a date ('on') or a period ('from'-'to'), not both")
    if bool(c.start) != bool(c.end):
        out.append("a period needs both 'from' and 'to'")
    if c.start and c.end and c.start > c.end:
        out.append(f"the period starts ({c.start}) after it ends ({c.end})")
    dated = c.operator == Operator.BETWEEN and e.data_type == DATE_TYPE
    if e.temporality == FIXED:
        if c.on or c.start or c.end:
            out.append(
                f"{e.label.split('.')[0]} holds one value per unit for all time: leave out the "
                "date and the period"
            )
        return out
    if not (c.on or c.start or c.end) and not dated:
        out.append(
            f"{e.label.split('.')[0]} changes over time: give the date ('on') or the period "
            "('from'-'to') the criterion refers to"
        )
    for day in (c.on, c.start, c.end):
        if day is None:
            continue
        if day > today:
            out.append(f"{day} is in the future; there are no data for it yet")
        elif not e.first_year <= day.year <= e.last_year:
            out.append(f"{day} is outside the years of the register ({e.first_year}-{e.last_year})")
    return out


def _check_values(c: Criterion, e: CatalogueEntry, today: date) -> list[str]:
    out: list[str] = []
    if c.operator == Operator.PRESENT:
        if c.values:
            out.append("'is recorded' takes no values")
        return out
    if c.operator == Operator.BETWEEN:
        if len(c.values) != 2:
            return ["'between' takes two values: the low and the high bound"]
        low, high = c.values
        if e.data_type == DATE_TYPE:
            try:
                lo, hi = date.fromisoformat(low), date.fromisoformat(high)
            except ValueError:
                return [f"the bounds of {e.label} are dates (YYYY-MM-DD), not '{low}', '{high}'"]
            if lo > hi:
                out.append(f"the low bound {lo} is after the high bound {hi}")
            if lo > today:
                out.append(f"{lo} is in the future; nobody is selected")
            return out
        if e.data_type.lower() in NUMERIC_TYPES:
            lo_n, hi_n = _number(low), _number(high)
            if lo_n is None or hi_n is None:
                return [f"the bounds of {e.label} are numbers, not '{low}', '{high}'"]
            if lo_n > hi_n:
                out.append(f"the low bound {low} is above the high bound {high}")
            return out
        return [f"{e.label} is {e.data_type}; 'between' needs numbers or dates"]
    if not c.values:
        return [f"'{c.operator.label}' needs at least one value"]
    if e.codes is not None:
        unknown = [v for v in c.values if v not in e.codes]
        if unknown:
            out.append(
                f"{', '.join(unknown[:10])} {'is' if len(unknown) == 1 else 'are'} not in the "
                f"code list of {e.label}"
            )
        period = _when(c)
        if period:
            stale = [
                v
                for v in c.values
                if v in e.codes and not e.codes[v].valid_between(period[0], period[1])
            ]
            if stale:
                out.append(
                    f"{', '.join(stale[:10])} {'is' if len(stale) == 1 else 'are'} not valid "
                    f"on the date or in the period of the criterion"
                )
        return out
    if e.data_type.lower() in NUMERIC_TYPES:
        bad = [v for v in c.values if _number(v) is None]
        if bad:
            out.append(f"{e.label} holds numbers, not {', '.join(bad[:10])}")
    elif e.data_type == DATE_TYPE:
        bad = [v for v in c.values if not _is_date(v)]
        if bad:
            out.append(f"{e.label} holds dates (YYYY-MM-DD), not {', '.join(bad[:10])}")
    return out


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def validate(
    definition: PopulationDefinition, catalogue: Mapping[str, CatalogueEntry], today: date
) -> list[Problem]:
    """Every problem of the definition against the catalogue, one per criterion at most."""
    problems = []
    for n, c in enumerate(definition.criteria, 1):
        where = criterion_field(n)
        entry = catalogue.get(c.variable)
        if entry is None:
            problems.append(
                Problem(where, f"Criterion {n}: {c.variable} is not a variable of the catalogue.")
            )
            continue
        reasons = []
        if definition.unit not in entry.units:
            reasons.append(
                f"{entry.label.split('.')[0]} does not describe or link to the unit "
                f"'{definition.unit}'"
            )
        reasons += _check_time(c, entry, today)
        reasons += _check_values(c, entry, today)
        if reasons:
            problems.append(Problem(where, f"Criterion {n} ({c.variable}): {'; '.join(reasons)}."))
    return problems


def _children(codes: Mapping[str, CodeEntry]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for code, entry in codes.items():
        if entry.parent and entry.parent != code:
            children.setdefault(entry.parent, []).append(code)
    return children


def expand_codes(values: tuple[str, ...], codes: Mapping[str, CodeEntry]) -> frozenset[str]:
    """The codes a criterion selects: each value and every code below it in the hierarchy."""
    children = _children(codes)
    selected: set[str] = set()
    waiting = list(values)
    while waiting:
        code = waiting.pop()
        if code not in selected:
            selected.add(code)
            waiting.extend(children.get(code, ()))
    return frozenset(selected)


def _code_text(code: str, entry: CatalogueEntry | None) -> str:
    if not (entry and entry.codes and code in entry.codes):
        return code
    text = f"{code} {entry.codes[code].label}" if entry.codes[code].label else code
    below = len(expand_codes((code,), entry.codes)) - 1
    if below:
        text += f" (with the {below} code{'s' if below > 1 else ''} below it)"
    return text


def describe(criterion: Criterion, entry: CatalogueEntry | None = None) -> str:
    """One criterion in words, e.g. "HOSPITAL.diagnosis (Main diagnosis) is one of E11 Type 2
    diabetes, in 2010-01-01 to 2020-12-31"."""
    name = criterion.variable + (f" ({entry.title})" if entry and entry.title else "")
    op = criterion.operator
    if op == Operator.PRESENT:
        text = f"{name} {op.label}"
    elif op == Operator.BETWEEN and len(criterion.values) == 2:
        text = f"{name} {op.label} {criterion.values[0]} and {criterion.values[1]}"
    else:
        shown = [_code_text(v, entry) for v in criterion.values[:12]]
        more = f" and {len(criterion.values) - 12} more" if len(criterion.values) > 12 else ""
        text = f"{name} {op.label} {', '.join(shown)}{more}"
    if criterion.on:
        text += f" on {criterion.on}"
    elif criterion.start and criterion.end:
        text += f" at some time from {criterion.start} to {criterion.end}"
    return text


def describe_all(
    definition: PopulationDefinition, catalogue: Mapping[str, CatalogueEntry] | None = None
) -> list[str]:
    lookup = catalogue or {}
    return [describe(c, lookup.get(c.variable)) for c in definition.criteria]
