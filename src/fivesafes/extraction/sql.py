"""The plan as SQL that DuckDB and Spark SQL both run with the same meaning.

Only constructs both engines define alike are used: EXISTS/NOT EXISTS for the criteria, DATE
literals, year(), month(), make_date(), floor() on doubles cast back to the column's type, simple
CASE for code groups and explicit NULLS LAST. Identifiers are quoted by the dialect; values come
from the validated plan and are rendered as literals (strings with quotes doubled).

Pseudonyms are never computed by the engine: the unit's comes from the mapping table the runner
registers (`units`), every other identifier's either from a mapping table joined the same way
(Spark) or, on DuckDB, from the identifier selected raw and replaced by the runner's vectorised
permutation before the rows are sorted (`Joins.raw`, `bucketed_sql` only).
"""

# ruff: noqa: S608 (SQL is built from the validated plan; values are rendered as literals)
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .plan import Column, CriterionPlan, Plan, TablePlan

Source = Callable[[str, tuple[str, ...]], str]  # (register, files) -> a table expression


@dataclass(frozen=True)
class Dialect:
    name: str
    quote_char: str

    def q(self, name: str) -> str:
        return f"{self.quote_char}{name}{self.quote_char}"


DUCKDB = Dialect("duckdb", '"')
SPARK = Dialect("spark", "`")


def literal(value: str, data_type: str) -> str:
    if data_type == "date":
        return f"DATE '{date.fromisoformat(value).isoformat()}'"
    if data_type in ("integer", "decimal"):
        return str(Decimal(value))
    return "'" + value.replace("'", "''") + "'"


def _dl(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _time_condition(c: CriterionPlan, d: Dialect, alias: str) -> str:
    if c.temporality == "FIXED" or (c.on is None and c.period_from is None):
        return "TRUE"
    first = date.fromisoformat(c.on or c.period_from or "")
    last = date.fromisoformat(c.on or c.period_to or "")
    assert c.start is not None
    start = f"{alias}.{d.q(c.start)}"
    if c.temporality == "STATUS":  # a measurement holds until the next one, at most a year
        year_before = _year_before(first)
        return f"{start} <= {_dl(last)} AND {start} > {_dl(year_before)}"
    if c.stop is None:
        return f"{start} BETWEEN {_dl(first)} AND {_dl(last)}"
    stop = f"{alias}.{d.q(c.stop)}"
    return f"{start} <= {_dl(last)} AND ({stop} IS NULL OR {stop} >= {_dl(first)})"


def _value_condition(c: CriterionPlan, d: Dialect, alias: str) -> str:
    col = f"{alias}.{d.q(c.variable)}"
    if c.operator == "present":
        return "TRUE"
    if c.operator == "between":
        lo, hi = (literal(v, c.data_type) for v in c.values)
        return f"{col} BETWEEN {lo} AND {hi}"
    values = ", ".join(literal(v, c.data_type) for v in c.values)
    return f"{col} IN ({values})"


def population_sql(plan: Plan, d: Dialect, source: Source) -> str:
    """The units of the population: one column `id`, the base register's identifier."""
    key = d.q(plan.base_column)
    where = []
    for c in plan.criteria:
        if c.register == plan.base_register and c.unit_column == plan.base_column:
            test = f"{_time_condition(c, d, 'b')} AND {_value_condition(c, d, 'b')}"
            if c.operator == "not_in":  # none of the values, or no value at all
                test = f"({_value_condition(c, d, 'b')}) IS NOT TRUE"
            where.append(f"({test})")
            continue
        n = c.number
        inner = (
            f"SELECT 1 FROM {source(c.register, c.files)} c{n} "
            f"WHERE c{n}.{d.q(c.unit_column)} = b.{key} "
            f"AND {_time_condition(c, d, f'c{n}')} "
            f"AND {_value_condition(c, d, f'c{n}')}"
        )
        where.append(f"{'NOT ' if c.operator == 'not_in' else ''}EXISTS ({inner})")
    condition = " AND ".join(where) or "TRUE"
    return (
        f"SELECT b.{key} AS id FROM {source(plan.base_register, plan.base_files)} b "
        f"WHERE b.{key} IS NOT NULL AND {condition}"
    )


def map_name(kind: str, suffix: str) -> str:
    return f"map_{kind}_{suffix}"


@dataclass(frozen=True)
class Joins:
    """Which mapping table each pseudonym column joins (column name -> view name), and which
    pseudonym columns are selected raw, to be replaced before the sort (`bucketed_sql` only)."""

    units: str
    views: Mapping[str, str]
    raw: frozenset[str] = field(default_factory=frozenset)


def _from(t: TablePlan, d: Dialect, source: Source, units: str) -> str:
    return f"{source(t.register, t.files)} r JOIN {units} u ON u.id = r.{d.q(t.unit_column)}"


def ids_sql(t: TablePlan, column: Column, d: Dialect, source: Source, units: str) -> str:
    """The distinct values of one identifier column in the delivered rows."""
    col = f"r.{d.q(column.variable)}"
    return f"SELECT DISTINCT {col} AS id FROM {_from(t, d, source, units)} WHERE {col} IS NOT NULL"


def _in_years(col: Column, t: TablePlan, d: Dialect, expr: str) -> str:
    if col.first_year is None or t.start is None:
        return expr
    return (
        f"CASE WHEN year(r.{d.q(t.start)}) BETWEEN {col.first_year} AND {col.last_year} "
        f"THEN {expr} END"
    )


def percentile_sql(
    t: TablePlan, columns: list[Column], d: Dialect, source: Source, units: str, share: float
) -> str:
    """The top code of each top-coded column: the discrete percentile of the delivered rows."""
    parts = [
        f"percentile_disc({share}) WITHIN GROUP (ORDER BY "
        f"{_in_years(c, t, d, 'r.' + d.q(c.variable))}) AS {d.q(c.name)}"
        for c in columns
    ]
    return f"SELECT {', '.join(parts)} FROM {_from(t, d, source, units)}"


def _sql_type(data_type: str) -> str:
    return {"integer": "BIGINT", "decimal": "DOUBLE"}.get(data_type, "DOUBLE")


def column_expr(
    col: Column, t: TablePlan, d: Dialect, joins: Joins, top: Mapping[str, tuple[float, float]]
) -> str:
    src = f"r.{d.q(col.variable)}"
    if col.kind == "pseudonym":
        if col.variable == t.unit_column:
            return "u.p"
        if col.name in joins.raw:
            return src
        return f"j_{col.name}.p"
    if col.how == "year":
        expr = f"CAST(year({src}) AS INTEGER)"
    elif col.how == "month":
        expr = f"make_date(CAST(year({src}) AS INTEGER), CAST(month({src}) AS INTEGER), 1)"
    elif col.how == "top_code":
        cap, step = top[col.name]
        typ = _sql_type(col.data_type)
        capped = (
            f"CASE WHEN {src} > CAST({cap!r} AS {typ}) THEN CAST({cap!r} AS {typ}) ELSE {src} END"
        )
        expr = (
            f"CAST(floor(CAST({capped} AS DOUBLE) / CAST({step!r} AS DOUBLE) + 0.5) "
            f"* CAST({step!r} AS DOUBLE) AS {typ})"
        )
    elif col.how == "code_group" and col.codes:
        whens = " ".join(
            f"WHEN {literal(a, 'string')} THEN {literal(b, 'string')}" for a, b in col.codes
        )
        expr = f"CASE {src} {whens} ELSE {src} END"
    else:
        expr = src
    if col.kind == "value":
        expr = _in_years(col, t, d, expr)
    return expr


def _mapping_joins(t: TablePlan, d: Dialect, joins: Joins) -> list[str]:
    """A join on its mapping table for each pseudonym column other than the unit's and the raw
    ones."""
    return [
        f"LEFT JOIN {joins.views[c.name]} j_{c.name} ON j_{c.name}.id = r.{d.q(c.variable)}"
        for c in t.columns
        if c.kind == "pseudonym" and c.variable != t.unit_column and c.name not in joins.raw
    ]


def table_sql(
    t: TablePlan,
    d: Dialect,
    source: Source,
    joins: Joins,
    top: Mapping[str, tuple[float, float]],
) -> str:
    """The delivered rows of one register, in delivery order: by the unit's pseudonym, the time
    columns as recorded, then the identifier's pseudonym (never by a raw identifier)."""
    if joins.raw:
        raise ValueError("Raw identifier columns are sorted after their replacement only.")
    select = ", ".join(f"{column_expr(c, t, d, joins, top)} AS {d.q(c.name)}" for c in t.columns)
    extra = _mapping_joins(t, d, joins)
    order = ["u.p"]
    for time in (t.start, t.stop):
        if time:
            order.append(f"r.{d.q(time)}")
    ident = next((c for c in t.columns if c.variable == t.identifier), None)
    if ident is not None and t.identifier != t.unit_column:
        order.append(f"j_{ident.name}.p")
    order_by = ", ".join(f"{o} ASC NULLS LAST" for o in order)
    return (
        f"SELECT {select} FROM {_from(t, d, source, joins.units)} {' '.join(extra)} "
        f"ORDER BY {order_by}"
    )


def bucketed_sql(
    t: TablePlan,
    d: Dialect,
    source: Source,
    joins: Joins,
    top: Mapping[str, tuple[float, float]],
    shift: int,
) -> tuple[str, list[str], list[str]]:
    """The table's rows unsorted with a `__bucket` column (the top bits of the unit's
    pseudonym) and hidden sort keys, then the keys that order the rows within a bucket and the
    hidden columns to drop: buckets in order, each sorted (after the raw identifier columns are
    replaced by their pseudonyms), give the order of `table_sql`."""
    select = [f"{column_expr(c, t, d, joins, top)} AS {d.q(c.name)}" for c in t.columns]
    extra = _mapping_joins(t, d, joins)
    unit = next(c for c in t.columns if c.variable == t.unit_column)
    keys, hidden = [d.q(unit.name)], []
    for time in (t.start, t.stop):
        if time:
            out = next((c for c in t.columns if c.variable == time and c.kind == "time"), None)
            if out is not None and not out.how:
                keys.append(d.q(out.name))
            else:
                name = f"__time_{time}"
                select.append(f"r.{d.q(time)} AS {d.q(name)}")
                keys.append(d.q(name))
                hidden.append(name)
    ident = next((c for c in t.columns if c.variable == t.identifier), None)
    if ident is not None and t.identifier != t.unit_column:
        keys.append(d.q(ident.name))
    select.append(f"(u.p >> {shift}) AS __bucket")
    sql = f"SELECT {', '.join(select)} FROM {_from(t, d, source, joins.units)} {' '.join(extra)}"
    return sql, keys, hidden


def empty_sql(
    t: TablePlan, d: Dialect, source: Source, joins: Joins, top: Mapping[str, tuple[float, float]]
) -> str:
    """No rows, in the delivered columns and types: `bucketed_sql` without its bucket and
    hidden keys, the raw identifier columns typed as the pseudonyms that replace them (DuckDB)."""
    sql, _keys, hidden = bucketed_sql(t, d, source, joins, top, 62)
    drop = ", ".join(["__bucket", *hidden])
    typed = ", ".join(f"CAST(NULL AS BIGINT) AS {d.q(name)}" for name in sorted(joins.raw))
    replace = f" REPLACE ({typed})" if typed else ""
    return f"SELECT * EXCLUDE ({drop}){replace} FROM ({sql}) WHERE FALSE"


def external_sql(name: str, columns: list[str], d: Dialect, units: str) -> str:
    """An external table linked on the person number: `pnr` replaced by the pseudonym, rows of
    the population's units only, ordered by the pseudonym and then every other column."""
    rest = [f"e.{d.q(c)}" for c in columns if c != "pnr"]
    select = ", ".join([f"u.p AS {d.q('pnr')}", *rest])
    order = ", ".join(f"{o} ASC NULLS LAST" for o in ["u.p", *rest])
    return (
        f"SELECT {select} FROM ext_{name.lower()} e JOIN {units} u ON u.id = e.{d.q('pnr')} "
        f"ORDER BY {order}"
    )
