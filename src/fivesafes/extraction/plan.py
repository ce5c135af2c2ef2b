"""The extraction plan: what a delivery will hold, compiled from a request and the catalogue.

A plan is plain data an engine turns into SQL: the population criteria (codes already expanded,
the register files already chosen), one table per register (its files, the column that links its
rows to the population, and each output column with its pseudonym kind or coarsening), the
sample, and estimates of rows, bytes and seconds from the register sizes. The staff page shows
`describe()`; `as_dict`/`from_dict` store it with the delivery.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fivesafes.metadata.model import DataType, Register, Role, Temporality
from fivesafes.metadata.population import (
    Operator,
    PopulationDefinition,
    describe_all,
    expand_codes,
    validate,
)

from .catalogue import Catalogue
from .coarsening import MUNICIPALITY, Coarsened, coarsen
from .errors import PlanError
from .request import COARSENINGS, FORMATS, ExtractionRequest

# Throughput assumed for the duration estimate (output rows per second on the 2-core server).
ROWS_PER_SECOND = {"duckdb": 8_000_000, "spark": 400_000}
NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


@dataclass(frozen=True)
class Column:
    """One output column: where it comes from and what is done to it."""

    name: str  # output name
    variable: str  # the register variable it is computed from
    kind: str  # "pseudonym", "time" or "value"
    data_type: str
    pseudonym_kind: str = ""  # the unit type whose key pseudonymises it
    how: str = ""  # "", "year", "month", "municipality", "top_code", "code_group"
    note: str = ""
    codes: tuple[tuple[str, str], ...] = ()
    first_year: int | None = None  # the value is null outside these years of the row's time
    last_year: int | None = None
    requested: bool = True  # False: added as the register's identifier, link or time column
    label: str = ""  # "REGISTER.variable" as requested (or the source of an added column)


@dataclass(frozen=True)
class TablePlan:
    register: str
    version: str
    temporality: str
    unit_column: str  # the variable linking each row to a unit of the population
    start: str | None
    stop: str | None
    identifier: str
    first_year: int | None
    last_year: int | None
    files: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: int  # estimated
    bytes: int  # estimated

    @property
    def file_name(self) -> str:
        return f"{self.register}.parquet"


@dataclass(frozen=True)
class CriterionPlan:
    number: int
    register: str
    temporality: str
    unit_column: str
    variable: str
    data_type: str
    operator: str
    values: tuple[str, ...]  # codes expanded down the hierarchy
    start: str | None  # the register's time columns
    stop: str | None
    on: str | None
    period_from: str | None
    period_to: str | None
    files: tuple[str, ...]
    words: str


@dataclass(frozen=True)
class Estimate:
    rows: int
    bytes: int
    seconds: float
    population: int


@dataclass(frozen=True)
class Plan:
    request: ExtractionRequest
    unit: str
    base_register: str
    base_column: str
    base_files: tuple[str, ...]
    criteria: tuple[CriterionPlan, ...]
    tables: tuple[TablePlan, ...]
    estimate: Estimate

    def describe(self) -> list[str]:
        """The plan in words, for the staff page."""
        r = self.request
        lines = [f"Delivery {r.delivery} of project {r.project}."]
        if self.criteria:
            lines.append(f"Population: the {self.unit}s of {self.base_register} for whom")
            lines += [f"  {c.number}. {c.words}" for c in self.criteria]
        else:
            lines.append(f"Population: every {self.unit} of {self.base_register}.")
        if r.sample_size:
            lines.append(
                f"Sample: {r.sample_size:,} {self.unit}s drawn with the project's sample key "
                "(the same persons in every delivery of the project)."
            )
        else:
            lines.append("Sample: none; the whole population is delivered.")
        for t in self.tables:
            years = f", {t.first_year}-{t.last_year}" if t.first_year is not None else ""
            lines.append(
                f"{t.file_name}: {t.register} {t.version}{years}, about {t.rows:,} rows "
                f"({_size(t.bytes)})."
            )
            for c in t.columns:
                what = {
                    "pseudonym": f"pseudonym ({c.pseudonym_kind} key of the project)",
                    "time": "time column",
                    "value": "value",
                }[c.kind]
                extra = f"; {c.note}" if c.note else ""
                added = "" if c.requested else " [added]"
                span = ""
                if c.first_year is not None and (c.first_year, c.last_year) != (
                    t.first_year,
                    t.last_year,
                ):
                    span = f", only {c.first_year}-{c.last_year}"
                lines.append(f"  - {c.name}: {what}{span}{extra}{added}")
        for ext in r.external:
            lines.append(f"{ext.name}.parquet: external data linked on the person number.")
        lines.append(f"Formats: {', '.join(r.formats)}.")
        e = self.estimate
        lines.append(
            f"Estimate: {e.population:,} {self.unit}s, {e.rows:,} rows, {_size(e.bytes)}, "
            f"about {_duration(e.seconds)} on DuckDB."
        )
        return lines

    def as_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["request"] = self.request.as_dict()
        data: dict[str, Any] = json.loads(json.dumps(out))  # tuples as lists: plain JSON
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        return cls(
            request=ExtractionRequest.from_dict(data["request"]),
            unit=data["unit"],
            base_register=data["base_register"],
            base_column=data["base_column"],
            base_files=tuple(data["base_files"]),
            criteria=tuple(_criterion(c) for c in data["criteria"]),
            tables=tuple(_table(t) for t in data["tables"]),
            estimate=Estimate(**data["estimate"]),
        )


def _criterion(d: dict[str, Any]) -> CriterionPlan:
    return CriterionPlan(**{**d, "values": tuple(d["values"]), "files": tuple(d["files"])})


def _column(d: dict[str, Any]) -> Column:
    return Column(**{**d, "codes": tuple(tuple(pair) for pair in d["codes"])})


def _table(d: dict[str, Any]) -> TablePlan:
    return TablePlan(
        **{
            **d,
            "files": tuple(d["files"]),
            "columns": tuple(_column(c) for c in d["columns"]),
        }
    )


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n = n / 1000  # type: ignore[assignment]
    return str(n)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    return f"{seconds / 60:,.0f} min"


# --- compiling the population ---------------------------------------------------------------


def _years_to_read(t: Temporality, has_stop: bool, first: date, last: date) -> tuple[int, int]:
    """The start years whose rows can hold a record on a date/in a period first..last."""
    if t is Temporality.STATUS:
        return (first - timedelta(days=366)).year, last.year
    if t is Temporality.EVENT and not has_stop:
        return first.year, last.year
    return 0, last.year


def _compile_criteria(request: ExtractionRequest, catalogue: Catalogue) -> list[CriterionPlan]:
    definition: PopulationDefinition = request.population
    entries = catalogue.entries()
    problems = validate(definition, entries, date.today())
    if problems:
        raise PlanError(problems[0].field, problems[0].message)
    words = describe_all(definition, entries)
    out: list[CriterionPlan] = []
    for n, (c, text) in enumerate(zip(definition.criteria, words, strict=True), 1):
        data = catalogue.register(c.register)
        register = data.register
        var = register.variable(c.variable.split(".", 1)[1])
        unit_var = catalogue.unit_column(register, definition.unit)
        if unit_var is None:  # validate() checks the units; kept for constructed catalogues
            raise PlanError(
                f"population:{n}", f"{register.short_name} does not link to {definition.unit}s."
            )
        values = c.values
        entry = entries[c.variable]
        if c.operator in (Operator.IN, Operator.NOT_IN) and entry.codes is not None:
            values = tuple(sorted(expand_codes(c.values, entry.codes)))
        first_day = c.on or c.start
        last_day = c.on or c.end
        if register.temporality is Temporality.FIXED or first_day is None or last_day is None:
            files = data.files
        else:
            lo, hi = _years_to_read(
                register.temporality, register.stop is not None, first_day, last_day
            )
            files = data.files_for(lo, hi)
        out.append(
            CriterionPlan(
                number=n,
                register=register.short_name,
                temporality=register.temporality.value,
                unit_column=unit_var.name,
                variable=var.name,
                data_type=var.data_type.value,
                operator=c.operator.value,
                values=values,
                start=register.start.name if register.start else None,
                stop=register.stop.name if register.stop else None,
                on=c.on.isoformat() if c.on else None,
                period_from=c.start.isoformat() if c.start else None,
                period_to=c.end.isoformat() if c.end else None,
                files=tuple(f.path for f in files),
                words=text,
            )
        )
    return out


# --- compiling the tables -------------------------------------------------------------------


def never_deliverable(register: Register, name: str) -> bool:
    """A directly identifying variable that is neither the register's identifier nor a link to
    a unit, so it has no pseudonym: it never reaches the output."""
    var = register.variable(name)
    return (
        var.sensitivity.directly_identifying
        and var.role is not Role.IDENTIFIER
        and var.links_to is None
    )


def _pseudonym_kind(register: Register, name: str) -> str:
    var = register.variable(name)
    if var.role is Role.IDENTIFIER:
        return register.unit_type
    return var.links_to or ""


def _table_plan(
    register_name: str, requests: list[Any], request: ExtractionRequest, catalogue: Catalogue
) -> TablePlan:
    data = catalogue.register(register_name)
    register = data.register
    unit = request.population.unit
    unit_var = catalogue.unit_column(register, unit)
    if unit_var is None:
        raise PlanError(
            requests[0].field,
            f"{register_name} neither describes nor links to {unit}s, so its rows cannot be "
            "restricted to the population.",
        )
    temporal = register.temporality is not Temporality.FIXED
    first = min(v.first_year for v in requests) if temporal else None
    last = max(v.last_year for v in requests) if temporal else None
    columns: dict[str, Column] = {}

    def add(column: Column) -> None:
        if column.name not in columns or column.requested and not columns[column.name].requested:
            columns[column.name] = column

    # The unit column, the identifier and the time columns come first, always.
    fixed_columns = [unit_var, register.identifier, register.start, register.stop]
    for var in fixed_columns:
        if var is None:
            continue
        kind = "time" if var.role in (Role.START, Role.STOP) else "pseudonym"
        add(
            Column(
                name=var.name,
                variable=var.name,
                kind=kind,
                data_type=var.data_type.value,
                pseudonym_kind=_pseudonym_kind(register, var.name) if kind == "pseudonym" else "",
                requested=False,
                label=f"{register_name}.{var.name}",
            )
        )
    for v in requests:
        var = register.variable(v.name)
        c: Coarsened = coarsen(register, var, v.coarsening, v.label)
        narrower = temporal and (v.first_year, v.last_year) != (first, last)
        span = (v.first_year, v.last_year) if narrower else (None, None)
        if c.how == MUNICIPALITY:
            target = register.variable(MUNICIPALITY)
            add(
                Column(
                    name=MUNICIPALITY,
                    variable=MUNICIPALITY,
                    kind="value",
                    data_type=target.data_type.value,
                    how=MUNICIPALITY,
                    note=c.note,
                    first_year=span[0],
                    last_year=span[1],
                    label=v.label,
                )
            )
            continue
        is_pseudonym = var.role is Role.IDENTIFIER or var.links_to is not None
        kind = (
            "pseudonym"
            if is_pseudonym
            else ("time" if var.role in (Role.START, Role.STOP) else "value")
        )
        if kind == "pseudonym" and c.how:
            raise PlanError(
                v.field, f"{v.label} is an identifier; it is pseudonymised, not coarsened."
            )
        if kind != "value":
            span = (None, None)
        add(
            Column(
                name=var.name,
                variable=var.name,
                kind=kind,
                data_type=var.data_type.value,
                pseudonym_kind=_pseudonym_kind(register, var.name) if is_pseudonym else "",
                how=c.how,
                note=c.note,
                codes=c.codes,
                first_year=span[0],
                last_year=span[1],
                label=v.label,
            )
        )
    for col in columns.values():
        if never_deliverable(register, col.variable):
            raise PlanError(
                f"variables:{register_name}.{col.variable}",
                f"{register_name}.{col.variable} is directly identifying and cannot be "
                "pseudonymised; it is never delivered.",
            )
    files = data.files_for(first, last)
    rows_all = sum(f.rows for f in files)
    bytes_all = sum(f.bytes for f in files)
    share_columns = len(columns) / max(1, len(register.variables))
    return TablePlan(
        register=register_name,
        version=register.version,
        temporality=register.temporality.value,
        unit_column=unit_var.name,
        start=register.start.name if register.start else None,
        stop=register.stop.name if register.stop else None,
        identifier=register.identifier.name,
        first_year=first,
        last_year=last,
        files=tuple(f.path for f in files),
        columns=tuple(columns.values()),
        rows=rows_all,
        bytes=int(bytes_all * share_columns),
    )


def _check_request(request: ExtractionRequest, catalogue: Catalogue) -> None:
    if not request.project or "/" in request.project:
        raise PlanError("project", "The project number is missing or malformed.")
    if request.delivery < 1:
        raise PlanError("delivery", "Deliveries are numbered from 1.")
    if not request.variables:
        raise PlanError("variables", "The request names no variables.")
    seen: set[str] = set()
    for v in request.variables:
        if v.label in seen:
            raise PlanError(v.field, f"{v.label} is requested twice.")
        seen.add(v.label)
        try:
            register, var = catalogue.variable(v.label)
        except KeyError:
            raise PlanError(v.field, f"{v.label} is not a variable of the catalogue.") from None
        if v.coarsening not in COARSENINGS:
            raise PlanError(
                v.field,
                f"'{v.coarsening}' is not a coarsening (year, month, municipality, groups).",
            )
        cov = register.time_coverage
        if v.first_year > v.last_year:
            raise PlanError(v.field, f"The years {v.first_year}-{v.last_year} are reversed.")
        if v.first_year < cov.first_year or v.last_year > cov.last_year:
            raise PlanError(
                v.field,
                f"{v.label} covers {cov.first_year}-{cov.last_year}, not "
                f"{v.first_year}-{v.last_year}.",
            )
        if never_deliverable(register, var.name):
            raise PlanError(
                v.field,
                f"{v.label} is directly identifying and cannot be pseudonymised; it is "
                "never delivered, whatever the scope says.",
            )
    for f in request.formats:
        if f not in FORMATS:
            raise PlanError("formats", f"'{f}' is not a format ({', '.join(FORMATS)}).")
    if "parquet" not in request.formats:
        raise PlanError("formats", "Parquet is always delivered; add it to the formats.")
    if request.sample_size is not None and request.sample_size < 1:
        raise PlanError("sample_size", "A sample holds at least one unit.")
    registers = {v.register for v in request.variables}
    for e in request.external:
        if not e.name or not set(e.name) <= NAME_CHARS or e.name in registers:
            raise PlanError(
                f"external:{e.name}",
                "An external table's name is capital letters, digits and _ and differs from "
                "the registers delivered.",
            )


def _estimate(
    request: ExtractionRequest, catalogue: Catalogue, base_rows: int, criteria: list[CriterionPlan]
) -> tuple[int, float]:
    """The estimated population and the share of each register's rows it holds."""
    share = 1.0
    for c in criteria:
        data = catalogue.register(c.register)
        if c.operator == "present" and c.on:
            year_rows = data.rows_in(int(c.on[:4]), int(c.on[:4]))
            share *= min(1.0, year_rows / max(1, base_rows))
        elif c.operator == "between" and c.data_type == "date" and len(c.values) == 2:
            span = int(c.values[1][:4]) - int(c.values[0][:4]) + 1
            share *= min(1.0, span / 100)
        elif c.operator == "in":
            share *= 0.3
        elif c.operator == "not_in":
            share *= 0.9
        else:
            share *= 0.7
    population = max(1, int(base_rows * share))
    if request.sample_size:
        population = min(population, request.sample_size)
    return population, population / max(1, base_rows)


def compile_plan(request: ExtractionRequest, catalogue: Catalogue) -> Plan:
    """The plan of `request` over `catalogue`, or a PlanError naming the field and the reason."""
    _check_request(request, catalogue)
    unit = request.population.unit
    base = catalogue.base_register(unit)
    if base is None:
        raise PlanError("population", f"The catalogue has no fixed register of {unit}s.")
    base_data = catalogue.register(base.short_name)
    criteria = _compile_criteria(request, catalogue)
    by_register: dict[str, list[Any]] = {}
    for v in request.variables:
        by_register.setdefault(v.register, []).append(v)
    tables = [_table_plan(name, reqs, request, catalogue) for name, reqs in by_register.items()]
    population, share = _estimate(request, catalogue, base_data.rows, criteria)
    scaled = [
        dataclasses.replace(t, rows=math.ceil(t.rows * share), bytes=math.ceil(t.bytes * share))
        for t in tables
    ]
    rows = sum(t.rows for t in scaled)
    return Plan(
        request=request,
        unit=unit,
        base_register=base.short_name,
        base_column=base.identifier.name,
        base_files=tuple(f.path for f in base_data.files),
        criteria=tuple(criteria),
        tables=tuple(scaled),
        estimate=Estimate(
            rows=rows,
            bytes=sum(t.bytes for t in scaled),
            seconds=round(2 + rows / ROWS_PER_SECOND["duckdb"], 1),
            population=population,
        ),
    )


def check_within(plan: Plan, approved: ExtractionRequest) -> None:
    """Raise PlanError if the plan asks for more than `approved`: another project, a variable
    or year not approved, a finer coarsening, another population, a larger sample or external
    data not approved."""
    asked = plan.request
    if asked.project != approved.project:
        raise PlanError("project", f"The plan is for {asked.project}, not {approved.project}.")
    allowed = {v.label: v for v in approved.variables}
    for v in asked.variables:
        ok = allowed.get(v.label)
        if ok is None:
            raise PlanError(v.field, f"{v.label} is not approved for the project.")
        if v.first_year < ok.first_year or v.last_year > ok.last_year:
            raise PlanError(
                v.field,
                f"{v.label} is approved for {ok.first_year}-{ok.last_year}, not "
                f"{v.first_year}-{v.last_year}.",
            )
        if ok.coarsening and v.coarsening != ok.coarsening:
            raise PlanError(
                v.field,
                f"{v.label} is approved only as '{ok.coarsening}', not "
                f"'{v.coarsening or 'as recorded'}'.",
            )
    if asked.population != approved.population:
        raise PlanError("population", "The population differs from the approved one.")
    if approved.sample_size is not None and (
        asked.sample_size is None or asked.sample_size > approved.sample_size
    ):
        raise PlanError(
            "sample_size",
            f"The approved sample is {approved.sample_size:,}; the plan asks for "
            f"{'the whole population' if asked.sample_size is None else f'{asked.sample_size:,}'}.",
        )
    approved_external = {e.name for e in approved.external}
    for e in asked.external:
        if e.name not in approved_external:
            raise PlanError(f"external:{e.name}", f"External data {e.name} is not approved.")


def date_type(data_type: str) -> bool:
    return data_type == DataType.DATE.value
