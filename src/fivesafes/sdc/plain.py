"""Plain tables (CSV, XLSX) a researcher hands in, checked by what each column is declared to hold.

Declarations map every column to a role:

- `label`: a classification variable (region, sex); a label equal to the total label
  (`Total` by default) marks a margin;
- `frequency`: a count of persons or enterprises (the contributors themselves);
- `magnitude`: a sum of values (income, turnover); `mean`, `median`, `min`, `max`, `std`:
  other statistics. All need a `contributors` column for the frequency rule; dominance needs
  the individual contributions, which a plain table never has, so it becomes review;
- `contributors`: the number of contributors behind each row's statistics;
- `ignore`: not part of the output (e.g. a comment column).

Long layout: one row per cell. Wide layout: label columns, then one column per category of
the column variable, every cell holding the declared `cells` role.

Everything that makes a table uncheckable is refused with a precise `SdcInputError`: files
over the size limit, undecodable bytes, a wrong delimiter, duplicate labels or headers,
non-numeric, negative or fractional counts, NaN/inf, totals that do not add up.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .aggregate import CellStats
from .config import DEFAULT_RULES, RuleSet
from .errors import (
    DeclarationError,
    DuplicateLabelError,
    EmptyTableError,
    FileFormatError,
    MarginMismatchError,
    NonFiniteValueError,
    NonNumericCellError,
)
from .findings import Finding
from .hierarchy import Hierarchy, table_from_frame
from .output import CheckedOutput, build_table_output
from .rules import check_cells
from .source import dim_key, free_name
from .table_files import read_rows

ROLES = (
    "label",
    "frequency",
    "magnitude",
    "mean",
    "median",
    "min",
    "max",
    "std",
    "contributors",
    "ignore",
)
STAT_OF_ROLE = {"frequency": "count", "magnitude": "sum"}
# counts above this are no population's and would not survive as whole numbers
MAX_COUNT = 2**53
# "1.000", "12.500.000": digits grouped by a point, a thousands separator in many locales
_THOUSANDS = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")
TOTAL_LABELS_DEFAULT = ("Total", "All")


@dataclass
class Declaration:
    roles: dict[str, str]
    layout: str = "long"
    cells: str | None = None  # wide layout: the role of every cell
    column_variable: str = "column"
    total_labels: tuple[str, ...] = TOTAL_LABELS_DEFAULT
    structural_zeros: list[dict[str, str]] = field(default_factory=list)
    # True when the user named the total labels: then they must occur in the table
    totals_declared: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "roles": self.roles,
            "layout": self.layout,
            "cells": self.cells,
            "column_variable": self.column_variable,
            "total_labels": list(self.total_labels),
        }


def parse_declarations(items: list[str]) -> dict[str, str]:
    """`["region=label", "n=frequency"]` -> {"region": "label", "n": "frequency"}."""
    roles: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise DeclarationError("write declarations as COLUMN=ROLE", field=item)
        name, role = item.rsplit("=", 1)
        name, role = name.strip(), role.strip().lower()
        if role not in ROLES:
            raise DeclarationError(f"unknown role {role!r}; roles: {', '.join(ROLES)}", field=name)
        if name in roles:
            raise DeclarationError("declared twice", field=name)
        roles[name] = role
    return roles


def _labels(row: list[Any], columns: list[str], pos: dict[str, int], line: int) -> list[str]:
    """The row's labels as text; an empty label names no category and is refused."""
    out = []
    for c in columns:
        value = row[pos[c]]
        text = "" if value is None else str(value).strip()
        if text == "":
            raise FileFormatError(
                f"line {line} has no label; name every category (e.g. 'unknown')", field=c
            )
        out.append(text)
    return out


def _number(value: Any, column: str, cell: Any, whole: bool) -> float:
    if isinstance(value, bool):
        raise NonNumericCellError("holds true/false, not a number", field=column, cell=cell)
    if isinstance(value, int | float):
        f = float(value)
    else:
        text = "" if value is None else str(value).strip().replace("\u2212", "-")
        if text == "":
            raise NonNumericCellError(
                "is empty; write 0 for an empty cell or leave the row out", field=column, cell=cell
            )
        if whole and _THOUSANDS.fullmatch(text):
            raise NonNumericCellError(
                f"holds {text!r}: a count with a thousands separator, or a fraction? write "
                "counts as plain digits",
                field=column,
                cell=cell,
            )
        try:
            f = float(text.replace(" ", ""))
        except ValueError:
            raise NonNumericCellError(
                f"holds {text!r}, not a number (suppression marks are not allowed in input)",
                field=column,
                cell=cell,
            ) from None
    if math.isnan(f) or math.isinf(f):
        raise NonFiniteValueError(f"holds {value!r}", field=column, cell=cell)
    if whole and (f < 0 or not f.is_integer()):
        raise NonNumericCellError(
            f"holds {value!r}; counts must be whole numbers of at least 0", field=column, cell=cell
        )
    if whole and f > MAX_COUNT:
        raise NonNumericCellError(
            f"holds {value!r}, more than any population (at most {MAX_COUNT})",
            field=column,
            cell=cell,
        )
    return f


def _to_long(
    header: list[str], rows: list[list[Any]], lines: list[int], decl: Declaration
) -> tuple[pd.DataFrame, list[str], str, str | None]:
    """A frame with label columns, `value` (the statistic) and `n` (contributors or NaN),
    those two renamed by `_internal` when a label column has the name."""
    missing = [c for c in header if c not in decl.roles]
    unknown = [c for c in decl.roles if c not in header]
    if unknown:
        hint = ""
        if len(header) == 1:
            hint = "; the file has one column only: is the delimiter right?"
        raise DeclarationError(
            f"declared but not in the file, which has columns {', '.join(header)}{hint}",
            field=unknown[0],
        )
    if missing:
        raise DeclarationError(
            "not declared; declare every column (use role 'ignore' to leave one out)",
            field=missing[0],
        )
    labels = [c for c in header if decl.roles[c] == "label"]
    if not labels:
        raise DeclarationError("no column is declared as a label", field="declare")
    pos = {c: i for i, c in enumerate(header)}
    if decl.layout == "wide":
        if decl.cells not in STAT_OF_ROLE and decl.cells not in (
            "mean",
            "median",
            "min",
            "max",
            "std",
        ):
            raise DeclarationError(
                "a wide table needs cells=frequency|magnitude|...", field="cells"
            )
        cell_cols = [c for c in header if decl.roles[c] not in ("label", "ignore")]
        if not cell_cols:
            raise DeclarationError("no cell columns in the wide table", field="declare")
        records = []
        for line, row in zip(lines, rows, strict=True):
            lab = _labels(row, labels, pos, line)
            for c in cell_cols:
                cell = (*lab, c)
                v = _number(row[pos[c]], c, cell, whole=decl.cells == "frequency")
                records.append([*lab, c, v])
        dims = [*labels, decl.column_variable]
        if len(set(dims)) != len(dims):
            raise DuplicateLabelError(
                "the column variable has the name of a label column", field=decl.column_variable
            )
        value_col, n_col = _internal(dims)
        frame = pd.DataFrame(records, columns=[*dims, value_col])
        stat_role = decl.cells
        frame[n_col] = frame[value_col] if stat_role == "frequency" else np.nan
        return frame, dims, stat_role, None
    stats = [c for c in header if decl.roles[c] not in ("label", "ignore", "contributors")]
    contrib = [c for c in header if decl.roles[c] == "contributors"]
    if len(stats) != 1:
        raise DeclarationError(
            f"a long table needs exactly one statistic column, found {len(stats)}",
            field=",".join(stats) or "declare",
        )
    if len(contrib) > 1:
        raise DeclarationError("only one contributors column", field=contrib[1])
    stat_col = stats[0]
    stat_role = decl.roles[stat_col]
    records = []
    for line, row in zip(lines, rows, strict=True):
        lab = _labels(row, labels, pos, line)
        cell = tuple(lab)
        v = _number(row[pos[stat_col]], stat_col, cell, whole=stat_role == "frequency")
        n = (
            _number(row[pos[contrib[0]]], contrib[0], cell, whole=True)
            if contrib
            else (v if stat_role == "frequency" else np.nan)
        )
        records.append([*lab, v, n])
    frame = pd.DataFrame(records, columns=[*labels, *_internal(labels)])
    return frame, labels, stat_role, contrib[0] if contrib else None


def _internal(dims: list[str]) -> tuple[str, str]:
    """Names of the value and contributor-count columns of the long frame, never a label's."""
    return free_name("value", dims), free_name("n", dims)


def _check_duplicates(frame: pd.DataFrame, dims: list[str]) -> None:
    dup = frame.duplicated(subset=dims, keep="first")
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        cell = tuple(frame.iloc[i][d] for d in dims)
        raise DuplicateLabelError("this combination of labels appears twice", cell=cell)


def _check_margins(
    frame: pd.DataFrame,
    dims: list[str],
    decl: Declaration,
    role: str,
    hierarchies: Mapping[str, Hierarchy],
) -> None:
    """Each total equals the sum of the cells it totals (magnitudes to 1e-6 relative)."""
    if role not in ("frequency", "magnitude"):
        return
    value = _internal(dims)[0]
    if hierarchies:
        # totals at several levels: the hierarchy says what adds up to what
        table_from_frame(frame, dims, value, hierarchies, decl.total_labels)
        return
    total_set = set(decl.total_labels)
    is_total = {d: frame[d].isin(total_set).to_numpy() for d in dims}
    if decl.totals_declared and not any(v.any() for v in is_total.values()):
        raise DeclarationError(
            f"no label {' or '.join(map(repr, decl.total_labels))} in any label column: the "
            "declared total is not in the table",
            field="total-label",
        )
    for d in dims:
        if not is_total[d].any():
            continue
        others = [o for o in dims if o != d]
        parts = frame[~is_total[d]]
        totals = frame[is_total[d]]
        label = "/".join(map(str, pd.unique(totals[d])))  # as the table writes it
        if others:
            sums = parts.groupby(others, sort=False)[value].sum()
            keyed = totals.set_index(others)[value]
            sums_d = sums.to_dict()
            for key, tot in keyed.items():
                if key not in sums_d:
                    cell = dict(zip(others, key if isinstance(key, tuple) else (key,), strict=True))
                    raise MarginMismatchError(
                        f"a total of {d} with no cells to add up", cell={d: label, **cell}
                    )
                _compare(float(tot), float(sums_d[key]), d, label, key, others)
        else:
            _compare(float(totals[value].iloc[0]), float(parts[value].sum()), d, label, (), others)


def _compare(total: float, parts: float, d: str, label: str, key: Any, others: list[str]) -> None:
    if abs(total - parts) > 1e-6 * max(1.0, abs(total), abs(parts)):
        keys = key if isinstance(key, tuple) else (key,)
        cell = {d: label, **{o: str(k) for o, k in zip(others, keys, strict=False)}}
        raise MarginMismatchError(
            f"the declared total of {d} is {total:g} but its cells add up to {parts:g}: "
            "it is not their total",
            field=d,
            cell=cell,
        )


def _undeclared_totals(
    frame: pd.DataFrame,
    dims: list[str],
    decl: Declaration,
    role: str,
    hierarchies: Mapping[str, Hierarchy],
) -> list[Finding]:
    """Labels that equal the sum of the other labels of their variable on every line of the
    table: totals under a name not declared as one ("I alt", "Totalt", "Sum"). Read as an
    ordinary category, such a total hides the lone non-zero cell of a line from the zeros and
    class-disclosure rules, so the table asks for review instead of passing."""
    if role not in ("frequency", "magnitude"):
        return []
    value = _internal(dims)[0]
    total_set = set(decl.total_labels)
    out: list[Finding] = []
    for d in dims:
        if d in hierarchies:
            continue
        parts = frame[~frame[d].isin(total_set)]
        others = [o for o in dims if o != d]
        if others:
            grid = parts.pivot_table(index=others, columns=d, values=value, aggfunc="sum")
        else:
            grid = parts.set_index(d)[[value]].T
        grid = grid.dropna(axis=0, how="any")
        if grid.shape[1] < 3 or grid.empty:
            continue
        m = grid.to_numpy(dtype="float64")
        rest = m.sum(axis=1, keepdims=True) - m
        scale = np.maximum(1.0, np.abs(m))
        equal = (np.abs(m - rest) <= 1e-9 * scale).all(axis=0) & (rest > 0).any(axis=0)
        for label in grid.columns[equal]:
            out.append(
                Finding(
                    rule="undeclared_total",
                    severity="review",
                    cell=None,
                    values={"variable": d, "label": str(label), "lines": int(m.shape[0])},
                    reason=(
                        f"{d}={label} equals the sum of the other {d} labels on every line "
                        f"({m.shape[0]}): it looks like a total, but only "
                        f"{' and '.join(map(repr, decl.total_labels))} are read as totals, so "
                        "zeros and class disclosures in its lines are not detected; if it is a "
                        f"total, check again with --total-label {str(label)!r} (a subtotal: "
                        f"give --hierarchy {d}=FILE)"
                    ),
                )
            )
    return out


def check_plain_table(
    path: str | Path,
    decl: Declaration,
    rules: RuleSet | None = None,
    *,
    delimiter: str | None = None,
    encoding: str = "utf-8-sig",
    sheet: str | None = None,
    hierarchies: Mapping[str, Hierarchy] | None = None,
) -> CheckedOutput:
    rules = rules or DEFAULT_RULES
    hierarchies = dict(hierarchies or {})
    header, rows, digest, lines = read_rows(
        path,
        delimiter=delimiter,
        encoding=encoding,
        sheet=sheet,
        max_bytes=rules.limits.max_input_bytes,
        max_rows=rules.limits.max_cells,
    )
    frame, dims, role, contrib = _to_long(header, rows, lines, decl)
    if frame.empty:
        raise EmptyTableError("the table has no cells", field=str(path))
    _check_duplicates(frame, dims)
    unknown = [h for h in hierarchies if h not in dims]
    if unknown:
        raise DeclarationError(
            "a hierarchy for a variable the table does not have", field=unknown[0]
        )
    _check_margins(frame, dims, decl, role, hierarchies)
    undeclared = _undeclared_totals(frame, dims, decl, role, hierarchies)
    stat = STAT_OF_ROLE.get(role, role)
    total_set = set(decl.total_labels)
    margin = np.zeros(len(frame), bool)
    for d in dims:
        if d in hierarchies:
            h = hierarchies[d]
            margin |= frame[d].map(lambda c, h=h: not h.is_leaf(c)).to_numpy(dtype=bool)
        else:
            margin |= frame[d].isin(total_set).to_numpy()
    rows_dims = dims[:-1] if len(dims) > 1 else dims
    cols_dims = dims[-1:] if len(dims) > 1 else []
    value, n = _internal(dims)
    known_n = not frame[n].isna().any()
    if known_n and role != "frequency":
        empty = frame[(frame[n] == 0) & (frame[value] != 0)]
        if len(empty):
            row = empty.iloc[0]
            raise NonNumericCellError(
                f"has the value {row[value]:g} but 0 contributors: a statistic of nobody; "
                "write 0 contributors only beside an empty cell",
                field=contrib or "contributors",
                cell=tuple(str(row[d]) for d in dims),
            )
    cells = pd.DataFrame({dim_key(i): frame[d].astype(str) for i, d in enumerate(dims)})
    cells["_margin"] = margin
    cells["n"] = frame[n].fillna(-1).astype("int64")
    cells["n_rows"] = cells["n"]
    cells["stat:" + stat] = frame[value].astype("float64")
    stats = CellStats(cells, rows_dims, cols_dims, None, [stat], 2, len(frame))
    extra: list[Finding] = list(undeclared)
    if known_n:
        found = check_cells(stats, rules, decl.structural_zeros)
    else:
        extra.append(
            Finding(
                rule="frequency",
                severity="review",
                reason=(
                    f"the table declares no contributor counts for its {role} cells, so the "
                    "minimum-frequency rule cannot be applied; a person must check them"
                ),
                values={"column_role": role},
            )
        )
        found = [
            cf
            for cf in check_cells(stats, rules, decl.structural_zeros)
            if cf.finding.rule == "extremes"
        ]
    if role in ("magnitude", "mean"):
        extra.append(
            Finding(
                rule="dominance_nk",
                severity="review",
                reason=(
                    "dominance (n,k and p%) needs the individual contributions, which a plain "
                    "table does not hold; a person must check the largest contributors"
                ),
                values={"column_role": role},
            )
        )
    request = {
        "method": "plain_table",
        "path": str(path),
        "input_sha256": digest,
        "declarations": decl.as_dict(),
        "structural_zeros": decl.structural_zeros,
    }
    out = build_table_output(stats, found, rules, request, extra)
    out.kind = "plain_table"
    if not known_n:
        out.stats = CellStats(
            cells.assign(n=np.nan), rows_dims, cols_dims, None, [stat], 2, len(frame)
        )
    return out
