"""Check that a register's Parquet data agree with its metadata, with DuckDB.

`verify_register(register, data_dir)` reads every `*.parquet` file under `data_dir` (one register
version; `year=YYYY/` folders when the register is temporal) and reports every violation with its
count and a few examples: files that are not readable Parquet, missing or extra columns and wrong
types per file, nulls where the metadata forbid them, values outside the code list or not valid on
the row's date, values outside a described range or pattern, duplicate units (FIXED) or
unit-dates (STATUS), stops before starts and overlapping periods per unit (ACCUMULATED, EVENT),
rows outside the time coverage, covered years without rows, and rows stored in the wrong year
folder.
"""

# SQL is built from metadata names (schema-checked: ^[a-z][a-z0-9_]*$, quoted by _q) and
# literals escaped by _lit; values from data files never become SQL text.
# ruff: noqa: S608

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from fivesafes.metadata.model import DataType, Register, Temporality, Variable

EXAMPLES = 5


@dataclass
class Violation:
    check: str
    variable: str | None
    message: str
    count: int
    examples: list[str] = field(default_factory=list)
    counted: str = "rows"  # what `count` counts: rows, files or years


_COUNTED = {
    "no_data": "files",
    "missing_column": "files",
    "extra_column": "files",
    "type": "files",
    "unreadable": "files",
    "coverage_gap": "years",
}


@dataclass
class VerificationReport:
    register: str
    version: str
    data_dir: str
    files: int = 0
    rows: int = 0
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["ok"] = self.ok
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        head = f"{self.register} {self.version}: {self.files} file(s), {self.rows:,} row(s) in {self.data_dir}"
        if self.ok:
            return f"{head}\n  OK: data agree with the metadata"
        lines = [head, f"  {len(self.violations)} violation(s):"]
        for v in self.violations:
            where = f" [{v.variable}]" if v.variable else ""
            lines.append(f"  - {v.check}{where}: {v.message} ({v.count:,} {v.counted})")
            lines.extend(f"      e.g. {example}" for example in v.examples)
        return "\n".join(lines)


def _type_ok(data_type: DataType, t: pa.DataType) -> bool:
    if pa.types.is_dictionary(t):
        t = t.value_type
    if data_type is DataType.STRING:
        return bool(pa.types.is_string(t) or pa.types.is_large_string(t))
    if data_type is DataType.INTEGER:
        return bool(pa.types.is_integer(t))
    if data_type is DataType.DECIMAL:
        return bool(pa.types.is_floating(t) or pa.types.is_decimal(t))
    if data_type is DataType.DATE:
        return bool(pa.types.is_date(t))
    return bool(pa.types.is_boolean(t))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class _Checker:
    def __init__(
        self, register: Register, data_dir: Path, con: duckdb.DuckDBPyConnection, examples: int
    ):
        self.r = register
        self.dir = data_dir
        self.con = con
        self.k = examples
        self.report = VerificationReport(register.short_name, register.version, str(data_dir))
        self.usable: set[str] = set()

    def add(
        self,
        check: str,
        variable: str | None,
        message: str,
        count: int,
        examples: list[str],
        counted: str | None = None,
    ) -> None:
        counted = counted or _COUNTED.get(check, "rows")
        self.report.violations.append(
            Violation(check, variable, message, int(count), examples[: self.k], counted)
        )

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()

    # -- files and columns -------------------------------------------------------------
    def check_files(self) -> list[Path]:
        files = sorted(self.dir.rglob("*.parquet")) if self.dir.is_dir() else []
        self.report.files = len(files)
        if not files:
            self.add("no_data", None, f"no Parquet files under {self.dir}", 0, [])
            return []
        bad_partition = []
        for f in files:
            rel = f.relative_to(self.dir)
            in_year = (
                len(rel.parts) == 2 and re.fullmatch(r"year=[0-9]{4}", rel.parts[0]) is not None
            )
            if self.r.partitioned_by_year != in_year:
                bad_partition.append(str(rel))
        if bad_partition:
            want = (
                "in year=YYYY folders"
                if self.r.partitioned_by_year
                else "directly in the version folder"
            )
            self.add(
                "partition",
                None,
                f"files must lie {want}",
                len(bad_partition),
                bad_partition,
                "files",
            )
        expected = {v.name: v for v in self.r.variables}
        usable = set(expected)
        missing: dict[str, list[str]] = {}
        extra: dict[str, list[str]] = {}
        wrong: dict[str, list[str]] = {}
        readable: list[Path] = []
        unreadable: list[str] = []
        for f in files:
            rel_name = str(f.relative_to(self.dir))
            try:
                schema = pq.read_schema(f)
            except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
                unreadable.append(f"{rel_name}: {exc}")
                continue
            readable.append(f)
            names = set(schema.names)
            for name in expected.keys() - names:
                missing.setdefault(name, []).append(rel_name)
            for name in names - expected.keys():
                extra.setdefault(name, []).append(rel_name)
            for name in expected.keys() & names:
                t = schema.field(name).type
                if not _type_ok(expected[name].data_type, t):
                    wrong.setdefault(name, []).append(f"{rel_name}: {t}")
        for name, where in missing.items():
            self.add(
                "missing_column",
                name,
                "column of the metadata missing in the data",
                len(where),
                where,
            )
            usable.discard(name)
        for name, where in extra.items():
            self.add(
                "extra_column",
                name,
                "column in the data but not in the metadata",
                len(where),
                where,
            )
        for name, where in wrong.items():
            want = expected[name].data_type.value
            self.add("type", name, f"column type does not fit dataType {want}", len(where), where)
            usable.discard(name)
        if unreadable:
            self.add(
                "unreadable",
                None,
                "files that are not readable Parquet (not checked further)",
                len(unreadable),
                unreadable,
            )
        self.usable = usable
        return readable

    # -- values ----------------------------------------------------------------------------
    def check_nulls(self, var: Variable) -> None:
        if var.nullable:
            return
        n = self.rows(f"SELECT count(*) FROM data WHERE {_q(var.name)} IS NULL")[0][0]
        if n:
            ex = self.rows(
                f"SELECT DISTINCT filename FROM data WHERE {_q(var.name)} IS NULL LIMIT {self.k}"
            )
            self.add(
                "null",
                var.name,
                "missing values in a variable that is not nullable",
                n,
                [str(Path(e[0]).relative_to(self.dir)) for e in ex],
            )

    def _ref_date_sql(self) -> str | None:
        start = self.r.start
        return _q(start.name) if start is not None and start.name in self.usable else None

    def check_code_list(self, var: Variable) -> None:
        cl = var.value_domain.code_list
        assert cl is not None
        col = f"CAST({_q(var.name)} AS VARCHAR)"
        sentinels = [s.code for s in var.value_domain.sentinels]
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE codes (code VARCHAR, valid_from DATE, valid_until DATE)"
        )
        self.con.executemany(
            "INSERT INTO codes VALUES (?, ?, ?)",
            [(c.code, c.valid_from, c.valid_until) for c in cl.codes],
        )
        ref = self._ref_date_sql() or "NULL::DATE"
        not_sentinel = (
            f"AND v NOT IN ({', '.join(_lit(s) for s in sentinels)})" if sentinels else ""
        )
        self.con.execute(
            f"""CREATE OR REPLACE TEMP TABLE grouped AS
                SELECT {col} AS v, {ref} AS ref, count(*) AS n FROM data
                WHERE {_q(var.name)} IS NOT NULL GROUP BY ALL"""
        )
        unknown = self.rows(
            f"""SELECT v, sum(n) AS n FROM grouped WHERE v NOT IN (SELECT code FROM codes) {not_sentinel}
                GROUP BY v ORDER BY n DESC, v"""
        )
        if unknown:
            self.add(
                "code_list",
                var.name,
                f"values not in code list {cl.name}",
                sum(int(n) for _v, n in unknown),
                [f"{v!r}: {int(n):,} row(s)" for v, n in unknown],
            )
        if self._ref_date_sql() is None:
            return
        invalid = self.rows(
            """SELECT g.v, min(g.ref), max(g.ref), sum(g.n) AS n FROM grouped g
               WHERE g.v IN (SELECT code FROM codes)
                 AND NOT EXISTS (SELECT 1 FROM codes c WHERE c.code = g.v AND g.ref >= c.valid_from
                                 AND (c.valid_until IS NULL OR g.ref <= c.valid_until))
               GROUP BY g.v ORDER BY n DESC, g.v"""
        )
        if invalid:
            self.add(
                "code_validity",
                var.name,
                f"codes of {cl.name} used on a date outside their validity",
                sum(int(r[3]) for r in invalid),
                [f"{v!r} on {lo}..{hi}: {int(n):,} row(s)" for v, lo, hi, n in invalid],
            )

    def check_described(self, var: Variable) -> None:
        vd = var.value_domain
        col = _q(var.name)
        sentinels = [s.code for s in vd.sentinels]
        skip = (
            f"AND CAST({col} AS VARCHAR) NOT IN ({', '.join(_lit(s) for s in sentinels)})"
            if sentinels
            else ""
        )
        conds = []
        if vd.minimum is not None:
            conds.append((f"{col} < {vd.minimum!r}", f"values below the minimum {vd.minimum}"))
        if vd.maximum is not None:
            conds.append((f"{col} > {vd.maximum!r}", f"values above the maximum {vd.maximum}"))
        if vd.pattern is not None:
            conds.append(
                (
                    f"NOT regexp_full_match(CAST({col} AS VARCHAR), {_lit(vd.pattern)})",
                    f"values not matching the pattern {vd.pattern}",
                )
            )
        for cond, message in conds:
            n = self.rows(f"SELECT count(*) FROM data WHERE {col} IS NOT NULL {skip} AND {cond}")[
                0
            ][0]
            if n:
                ex = self.rows(
                    f"SELECT DISTINCT CAST({col} AS VARCHAR) FROM data WHERE {col} IS NOT NULL {skip} AND {cond} LIMIT {self.k}"
                )
                self.add("value_domain", var.name, message, n, [repr(e[0]) for e in ex])

    # -- temporality -------------------------------------------------------------------------
    def check_temporality(self) -> None:
        r = self.r
        ident = r.identifier.name
        if ident not in self.usable:
            return
        idq = _q(ident)
        start, stop = r.start, r.stop
        if r.temporality is Temporality.FIXED:
            self._duplicates([idq], "units occurring more than once in a FIXED register")
            return
        if start is None or start.name not in self.usable:
            return
        sq = _q(start.name)
        if r.temporality is Temporality.STATUS:
            self._duplicates([idq, sq], "units with more than one row for the same status date", sq)
        elif stop is not None and stop.name in self.usable:
            self._periods(idq, sq, _q(stop.name))
            self._coverage(sq, _q(stop.name))
            return
        elif stop is None:  # point events: one per unit and day
            self._duplicates([idq, sq], "units with more than one event on the same day", sq)
        self._coverage(sq)

    def _duplicates(self, cols: list[str], message: str, date_col: str | None = None) -> None:
        """Keys occurring more than once; with a date column, one year at a time (the key
        includes the date, so duplicates share a year, and each pass stays small)."""
        key = ", ".join(cols)
        slices = [""]
        if date_col is not None:
            years = [
                int(y)
                for (y,) in self.rows(
                    f"SELECT DISTINCT year({date_col}) FROM data WHERE {date_col} IS NOT NULL ORDER BY 1"
                )
            ]
            slices = [
                f"WHERE {date_col} >= DATE '{y:04d}-01-01' AND {date_col} < DATE '{y + 1:04d}-01-01'"
                for y in years
            ]
        keys = rows = 0
        examples: list[tuple[Any, ...]] = []
        for where in slices:
            grouped = (
                f"SELECT {key}, count(*) AS n FROM data {where} GROUP BY ALL HAVING count(*) > 1"
            )
            count, total = self.rows(f"SELECT count(*), coalesce(sum(n), 0) FROM ({grouped})")[0]
            if count:
                keys += int(count)
                rows += int(total)
                examples.extend(self.rows(f"{grouped} ORDER BY n DESC LIMIT {self.k}"))
        if keys:
            examples.sort(key=lambda r: -int(r[-1]))
            self.add(
                "duplicate",
                None,
                f"{message} ({keys:,} distinct key(s))",
                rows,
                [_fmt_row(cols, e) for e in examples[: self.k]],
            )

    def _periods(self, idq: str, sq: str, eq: str) -> None:
        n = self.rows(f"SELECT count(*) FROM data WHERE {eq} < {sq}")[0][0]
        if n:
            ex = self.rows(f"SELECT {idq}, {sq}, {eq} FROM data WHERE {eq} < {sq} LIMIT {self.k}")
            self.add(
                "period_order",
                None,
                "periods that stop before they start",
                n,
                [_fmt_row([idq, sq, eq], e) for e in ex],
            )
        overlap_sql = f"""
            SELECT {idq} AS id, {sq} AS s, {eq} AS e, prev_end FROM (
              SELECT {idq}, {sq}, {eq}, max(coalesce({eq}, DATE '9999-12-31')) OVER (
                PARTITION BY {idq} ORDER BY {sq}, {eq} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
              ) AS prev_end FROM data)
            WHERE prev_end IS NOT NULL AND {sq} <= prev_end"""
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE overlapping AS {overlap_sql}")
        count, units = self.rows("SELECT count(*), count(DISTINCT id) FROM overlapping")[0]
        if count:
            ex = self.rows(
                f"SELECT id, s, e, prev_end FROM overlapping ORDER BY id, s LIMIT {self.k}"
            )
            self.add(
                "overlap",
                None,
                f"periods overlapping an earlier period of the same unit ({units:,} unit(s))",
                count,
                [
                    f"{self.r.identifier.name}={i!r}: {s}..{e if e is not None else 'open'} starts before an earlier period ends ({p})"
                    for i, s, e, p in ex
                ],
            )

    def _coverage(self, sq: str, eq: str | None = None) -> None:
        """Rows dated inside the coverage, and no year of it empty; a period (start and stop)
        covers every year it spans, an open one up to the last year."""
        cov = self.r.time_coverage
        outside = self.rows(
            f"""SELECT year({sq}) AS y, count(*) FROM data WHERE year({sq}) < {cov.first_year} OR year({sq}) > {cov.last_year}
                GROUP BY y ORDER BY y"""
        )
        if outside:
            self.add(
                "coverage",
                None,
                f"rows dated outside the time coverage {cov.first_year}-{cov.last_year}",
                sum(int(n) for _y, n in outside),
                [f"{y}: {int(n):,} row(s)" for y, n in outside],
            )
        if eq is None:
            present = {int(y) for (y,) in self.rows(f"SELECT DISTINCT year({sq}) FROM data")}
        else:
            spans = self.rows(
                f"""SELECT DISTINCT year({sq}), coalesce(year({eq}), {cov.last_year}) FROM data
                    WHERE {sq} IS NOT NULL"""
            )
            present = {y for a, b in spans for y in range(int(a), max(int(a), int(b)) + 1)}
        gaps = [y for y in cov.years() if y not in present]
        if gaps:
            self.add(
                "coverage_gap",
                None,
                "years of the time coverage without any rows",
                len(gaps),
                [str(y) for y in gaps],
            )
        wrong = self.rows(
            f"""SELECT regexp_extract(filename, 'year=([0-9]{{4}})', 1) AS folder, year({sq}) AS y, count(*) AS n
                FROM data WHERE folder <> '' AND CAST(folder AS INTEGER) <> year({sq}) GROUP BY ALL ORDER BY n DESC"""
        )
        if wrong:
            self.add(
                "partition",
                None,
                "rows stored in the folder of another year",
                sum(int(r[2]) for r in wrong),
                [f"year={f}: {int(n):,} row(s) of {y}" for f, y, n in wrong],
            )


def _fmt_row(cols: list[str], row: tuple[Any, ...]) -> str:
    names = [c.strip('"') for c in cols]
    parts = [
        f"{n}={v!r}" if isinstance(v, str) else f"{n}={v}" for n, v in zip(names, row, strict=False)
    ]
    if len(row) > len(cols):
        parts.append(f"rows={row[len(cols)]}")
    return ", ".join(parts)


def verify_register(
    register: Register,
    data_dir: str | Path,
    *,
    examples: int = EXAMPLES,
    memory_limit: str = "4GB",
    threads: int = 2,
) -> VerificationReport:
    """Check the Parquet data of one register version against its metadata."""
    data_dir = Path(data_dir)
    con = duckdb.connect(config={"memory_limit": memory_limit, "threads": threads})
    try:
        checker = _Checker(register, data_dir, con, examples)
        files = checker.check_files()
        if not files:
            return checker.report
        file_list = "[" + ", ".join(_lit(str(f)) for f in files) + "]"
        con.execute(
            f"CREATE VIEW data AS SELECT * FROM read_parquet({file_list}, filename = true, union_by_name = true, hive_partitioning = false)"
        )
        checker.report.rows = int(con.execute("SELECT count(*) FROM data").fetchone()[0])  # type: ignore[index]
        for var in register.variables:
            if var.name not in checker.usable:
                continue
            checker.check_nulls(var)
            if var.value_domain.code_list is not None:
                checker.check_code_list(var)
            else:
                checker.check_described(var)
        checker.check_temporality()
        return checker.report
    finally:
        con.close()


def register_data_dir(root: str | Path, register: Register) -> Path:
    """Where a register version's data lie under a data root: ROOT/SHORTNAME/VERSION."""
    return Path(root) / register.short_name / register.version
