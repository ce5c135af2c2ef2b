"""The automatic checks of one frozen file, through `fivesafes.sdc`'s public API (R21, R22).

- A check record (`*.json` in the `fivesafes.sdc.record/1` format) is validated against the
  format, its checksums recomputed, and its table compared with its table file (the file of
  the same name with a table's extension in the same request): the released numbers must be
  the record's table, cell by cell. The record is evidence and never leaves; its verdict is
  the table file's verdict.
- A table (CSV, TSV, XLSX) without a record goes through sdc's plain-table check with the
  column roles the researcher declared, then is compared with the project's earlier released
  tables for differencing.
- Anything else (images, text, PDF, a JSON that is not a record) needs two checkers.

A check that cannot run fails closed: the file needs review (or fails, when the file itself is
unreadable as what it claims to be), with the reason in words; it never passes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fivesafes.sdc import SdcInputError
from fivesafes.sdc.differencing import check_against
from fivesafes.sdc.plain import Declaration, check_plain_table
from fivesafes.sdc.record import RECORD_FORMAT, validate_record, verify_checksums
from fivesafes.sdc.table_files import read_rows

TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx")
PASS, FAIL, REVIEW = "pass", "fail", "review"


@dataclass
class Result:
    verdict: str
    reasons: list[str]
    failing_cells: list[dict[str, str]] = field(default_factory=list)
    record: dict[str, Any] | None = None
    is_evidence: bool = False


def read_record(path: Path) -> dict[str, Any] | None:
    """The check record in `path`, or None when the JSON is not one (or not JSON)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and data.get("format") == RECORD_FORMAT:
        return data
    return None


def table_partner(path: str, paths: Sequence[str]) -> str | None:
    """The table file a record `path` describes: same folder and name, a table's extension."""
    stem = path.rsplit(".", 1)[0]
    for suffix in TABLE_SUFFIXES:
        if f"{stem}{suffix}" in paths:
            return f"{stem}{suffix}"
    return None


def record_partner(path: str, records: Sequence[str]) -> str | None:
    stem = path.rsplit(".", 1)[0]
    return f"{stem}.json" if f"{stem}.json" in records else None


def _close(a: Any, b: Any) -> bool:
    """Whether the file's text `a` shows the record's value `b`: the same number, or the
    number rounded to the decimals the file shows (rounding reveals less, never more)."""
    if a is None or b is None:
        return a is None and b is None
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return str(a) == str(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y)):
        return True
    text = str(a).strip()
    if "." in text and "e" not in text.lower():
        decimals = len(text.split(".", 1)[1])
        return abs(round(y, decimals) - x) <= 10 ** (-decimals) / 2 + 1e-12
    return False


def compare_with_table(record: Mapping[str, Any], table: Path) -> list[str]:
    """Where the table file's numbers differ from the record's table (empty: they agree).

    The table file is read in the long layout: one column per dimension of the record
    (`table.rows` and `table.columns`), one per statistic (`table.statistics`), one line a
    cell; a cell the record has and the file has not (or the reverse) is a difference too."""
    header, rows, digest, lines = read_rows(table)
    section = record["table"]
    dims = [*section["rows"], *section["columns"]]
    stats = list(section["statistics"])
    missing = [c for c in [*dims, *stats] if c not in header]
    if missing:
        return [
            f"{table.name} has no column '{missing[0]}' of the record's table (columns: "
            f"{', '.join(header)})"
        ]
    pos = {c: i for i, c in enumerate(header)}
    if not dims:
        return _compare_in_order(section, stats, rows, lines, pos, table.name)
    in_file: dict[tuple[str, ...], tuple[list[Any], int]] = {}
    for line, row in zip(lines, rows, strict=True):
        key = tuple(str(row[pos[d]]).strip() for d in dims)
        in_file[key] = ([row[pos[s]] for s in stats], line)
    problems = []
    recorded: set[tuple[str, ...]] = set()
    for cell in section["cells"]:
        key = tuple(str(cell["labels"].get(d, "")) for d in dims)
        recorded.add(key)
        where = ", ".join(f"{d}={v}" for d, v in zip(dims, key, strict=True))
        if key not in in_file:
            problems.append(f"the record's cell {where} is not in {table.name}")
            continue
        values, line = in_file[key]
        for stat, value in zip(stats, values, strict=True):
            expected = cell["values"].get(stat)
            text = "" if value is None else str(value).strip()
            got: Any = None if text in ("", "NA", "nan") else text
            if not _close(got, expected):
                problems.append(
                    f"line {line} of {table.name} ({where}, {stat}) says {text or 'nothing'} "
                    f"but the record's table says {expected}"
                )
    extra = [k for k in in_file if k not in recorded]
    if extra:
        where = ", ".join(f"{d}={v}" for d, v in zip(dims, extra[0], strict=True))
        problems.append(f"{table.name} has a cell the record does not: {where}")
    inputs = record.get("input", {})
    wanted = (record.get("checksums") or {}).get("input_sha256")
    if inputs.get("method") == "plain_table" and wanted and wanted != digest:
        problems.append(f"{table.name} is not the file the record checked (its SHA-256 differs)")
    return problems


def _compare_in_order(
    section: Mapping[str, Any],
    stats: list[str],
    rows: list[list[Any]],
    lines: list[int],
    pos: dict[str, int],
    name: str,
) -> list[str]:
    """A table without dimensions (a model's coefficients): line by line, in order."""
    cells = section["cells"]
    if len(rows) != len(cells):
        return [f"{name} has {len(rows)} lines but the record's table has {len(cells)}"]
    problems = []
    for cell, row, line in zip(cells, rows, lines, strict=True):
        for stat in stats:
            text = "" if row[pos[stat]] is None else str(row[pos[stat]]).strip()
            expected = cell["values"].get(stat)
            if not _close(text or None, expected):
                problems.append(
                    f"line {line} of {name} ({stat}) says {text or 'nothing'} but the record's "
                    f"table says {expected}"
                )
    return problems


def check_record(record: dict[str, Any], table: Path | None, table_name: str | None) -> Result:
    """A record re-verified: format, checksums, and its table file's numbers."""
    try:
        validate_record(record)
    except Exception as exc:  # jsonschema.ValidationError and its kin
        first = str(exc).splitlines()[0]
        return Result(FAIL, [f"The record does not follow {RECORD_FORMAT}: {first}."])
    if not verify_checksums(record):
        return Result(
            FAIL,
            [
                "The record's checksums do not match its table or findings: it was changed "
                "after the check."
            ],
        )
    if table is None:
        return Result(
            FAIL,
            [
                "The record's table file (the same name with .csv, .tsv or .xlsx) is not in the "
                "request; add it, since the record itself is evidence and never released."
            ],
        )
    try:
        problems = compare_with_table(record, table)
    except SdcInputError as exc:
        reason = str(exc).replace(str(table), str(table_name))
        return Result(FAIL, [f"{table_name} cannot be read as a table: {reason}."])
    if problems:
        return Result(
            FAIL,
            [f"The released numbers are not the record's table: {p}." for p in problems[:10]],
        )
    verdict = record["verdict"]["status"]
    reasons = list(record["verdict"].get("reasons") or [])
    cells = [f["cell"] for f in record.get("findings", []) if f.get("severity") == "fail"]
    if verdict == PASS:
        reasons = [f"{table_name} matches its check record, which passes every rule."]
    return Result(verdict, reasons, [c for c in cells if c], record=record)


def spreadsheet_problems(path: Path, name: str) -> list[str]:
    """What in a workbook would leave without being checked: sdc checks the first sheet's
    values, but the whole file is released, so other or hidden sheets, hidden rows or columns
    and formulas are refused."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=False, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        return [f"{name} is not a readable XLSX workbook ({exc})"]
    problems = []
    try:
        if len(book.worksheets) > 1 or book.chartsheets:
            problems.append(
                f"{name} has {len(book.worksheets) + len(book.chartsheets)} sheets; only one is "
                "checked, so release one table a file"
            )
        for ws in book.worksheets:
            if ws.sheet_state != "visible":
                problems.append(f"{name} has a hidden sheet '{ws.title}'")
            if any(d.hidden for d in ws.row_dimensions.values()) or any(
                d.hidden for d in ws.column_dimensions.values()
            ):
                problems.append(f"{name} has hidden rows or columns in '{ws.title}'")
            formula = next(
                (c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"), None
            )
            if formula:
                problems.append(
                    f"{name} holds a formula at {ws.title}!{formula}; write the values only"
                )
    finally:
        book.close()
    return problems


def check_table(
    path: Path,
    name: str,
    declarations: Mapping[str, str],
    earlier: Sequence[Mapping[str, Any]],
) -> Result:
    """A plain table through sdc's plain-table check, then differencing."""
    if not declarations:
        return Result(
            REVIEW,
            [
                f"{name} has no check record and no column roles were declared, so the table "
                "rules cannot be applied; declare what each column holds, or two checkers decide."
            ],
        )
    if path.suffix.lower() == ".xlsx" or name.lower().endswith(".xlsx"):
        problems = spreadsheet_problems(path, name)
        if problems:
            return Result(FAIL, [f"{p}." for p in problems])
    roles = {str(k): str(v) for k, v in declarations.items()}
    try:
        out = check_plain_table(path, Declaration(roles=roles))
        if earlier:
            out = check_against(out, list(earlier))
    except SdcInputError as exc:
        # Said with the file's name, never the frozen copy's place on the server.
        reason = str(exc).replace(str(path), name)
        return Result(FAIL, [f"{name} cannot be checked as a table: {reason}."])
    reasons = list(out.verdict.reasons) or [f"{name} passes every rule."]
    return Result(out.status, reasons, out.failing_cells(), record=out.record())


def check_file(
    path: Path,
    name: str,
    *,
    declarations: Mapping[str, str],
    request_paths: Sequence[str],
    frozen_of: Mapping[str, Path],
    earlier: Sequence[Mapping[str, Any]],
) -> Result:
    """One file's verdict (see the module docstring)."""
    suffix = Path(name).suffix.lower()
    try:
        if suffix == ".json":
            record = read_record(path)
            if record is None:
                return Result(
                    REVIEW,
                    [f"{name} is not a check record ({RECORD_FORMAT}); two checkers look at it."],
                )
            partner = table_partner(name, request_paths)
            result = check_record(record, frozen_of.get(partner) if partner else None, partner)
            result.is_evidence = True
            return result
        if suffix == ".xlsx":
            problems = spreadsheet_problems(path, name)
            if problems:
                return Result(FAIL, [f"{p}." for p in problems])
        if suffix in TABLE_SUFFIXES:
            json_paths = [p for p in request_paths if p.lower().endswith(".json")]
            partner = record_partner(name, json_paths)
            if partner is not None:
                record = read_record(frozen_of[partner])
                if record is not None:
                    return check_record(record, path, name)
            return check_table(path, name, declarations, earlier)
        return Result(
            REVIEW,
            [
                f"{suffix or 'These'} files (figures, text, documents) cannot be checked "
                "automatically; two checkers look at it."
            ],
        )
    except Exception as exc:  # a check that cannot run fails closed
        return Result(
            REVIEW,
            [
                f"The automatic check of {name} could not run ({type(exc).__name__}: {exc}); "
                "two checkers look at it."
            ],
        )
