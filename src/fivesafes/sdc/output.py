"""The result of a check: the table as it would be published, its verdict and its findings.

A `CheckedOutput` unpacks like a tuple, so `table, verdict, findings = crosstab(...)` works;
`findings` is a frame of the table's shape naming, per cell, the rules that flagged it
("ok" where none did). `finding_list` holds the full findings with values and reasons, and
`record()` gives the JSON record (see docs/sdc/record-format.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .aggregate import CellStats
from .config import RuleSet
from .findings import Finding, Verdict, verdict_from
from .rules.base import CellFinding

ABSENT = "absent"  # the findings entry of a cell a plain table leaves out


@dataclass
class CheckedOutput:
    kind: str
    table: pd.DataFrame
    verdict: Verdict
    findings: pd.DataFrame
    finding_list: list[Finding]
    rules: RuleSet
    request: dict[str, Any] = field(default_factory=dict)
    stats: CellStats | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def judged(
        cls,
        kind: str,
        table: pd.DataFrame,
        findings: pd.DataFrame,
        found: list[Finding],
        rules: RuleSet,
        request: dict[str, Any],
        *,
        stats: CellStats | None = None,
    ) -> CheckedOutput:
        """The output of a check whose verdict is drawn from the findings `found`."""
        return cls(kind, table, verdict_from(found), findings, found, rules, request, stats)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.table, self.verdict, self.findings))

    @property
    def status(self) -> str:
        return self.verdict.status

    def failing_cells(self) -> list[dict[str, str]]:
        cells = [f.cell for f in self.finding_list if f.severity == "fail" and f.cell]
        unique: list[dict[str, str]] = []
        for c in cells:
            if c not in unique:
                unique.append(c)
        return unique

    def record(self) -> dict[str, Any]:
        from .record import build_record

        return build_record(self)


def build_table_output(
    stats: CellStats,
    cell_findings: list[CellFinding],
    rules: RuleSet,
    request: dict[str, Any],
    extra_findings: list[Finding] | None = None,
) -> CheckedOutput:
    """Lay the per-cell statistics and findings out as pandas-shaped frames."""
    frame = stats.frame
    rows, cols = stats.rows, stats.columns
    row_codes, row_keys = _factorize(frame, [stats.key(d) for d in rows])
    col_codes, col_keys = _factorize(frame, [stats.key(d) for d in cols])
    nr, nc = len(row_keys), len(col_keys)
    multi = len(stats.aggfuncs) > 1 or not cols
    tables: list[np.ndarray] = []
    notes: list[np.ndarray] = []
    present = np.zeros((nr, nc), bool)
    present[row_codes, col_codes] = True
    per_cell: list[list[str]] = [[] for _ in range(len(frame))]
    per_cell_stat: list[dict[str, list[str]]] = [{} for _ in range(len(frame))]
    for cf in cell_findings:
        if cf.position is None:
            continue
        f = cf.finding
        if f.statistic:
            for s in f.statistic.split("/"):
                per_cell_stat[cf.position].setdefault(s, []).append(f.rule)
        else:
            per_cell[cf.position].append(f.rule)
    for stat in stats.aggfuncs:
        values = np.full((nr, nc), np.nan)
        values[row_codes, col_codes] = frame["stat:" + stat].to_numpy(dtype="float64")
        note = np.where(present, "ok", ABSENT).astype(object)
        for pos in range(len(frame)):
            names = per_cell[pos] + per_cell_stat[pos].get(stat, [])
            if names:
                note[row_codes[pos], col_codes[pos]] = "; ".join(dict.fromkeys(names))
        tables.append(values)
        notes.append(note)
    index = _index(row_keys, rows)
    if not cols:
        columns = pd.Index(stats.aggfuncs, name="statistic")
        table = pd.DataFrame(np.hstack(tables), index=index, columns=columns)
        findings = pd.DataFrame(np.hstack(notes), index=index, columns=columns)
    else:
        col_index = _index(col_keys, cols)
        if multi:
            tuples = [
                (f, *((k,) if not isinstance(k, tuple) else k))
                for f in stats.aggfuncs
                for k in col_index
            ]
            columns = pd.MultiIndex.from_tuples(tuples, names=["statistic", *cols])
        else:
            columns = col_index
        table = pd.DataFrame(np.hstack(tables), index=index, columns=columns)
        findings = pd.DataFrame(np.hstack(notes), index=index, columns=columns)
    if stats.aggfuncs == ["count"]:
        # a plain table may leave cells out: those stay missing (<NA>), not zero
        table = table.astype("int64" if present.all() else "Int64")
    found = [cf.finding for cf in cell_findings] + list(extra_findings or [])
    return CheckedOutput.judged("table", table, findings, found, rules, request, stats=stats)


def _factorize(frame: pd.DataFrame, dims: list[str]) -> tuple[np.ndarray, list[Any]]:
    if not dims:
        return np.zeros(len(frame), dtype="int64"), [None]
    if len(dims) == 1:
        codes, uniques = pd.factorize(frame[dims[0]], sort=False)
        return codes, list(uniques)
    keys = list(zip(*(frame[d].tolist() for d in dims), strict=True))
    codes, uniques = pd.factorize(pd.Series(keys, dtype=object), sort=False)
    return codes, list(uniques)


def _index(keys: list[Any], dims: list[str]) -> pd.Index:
    if not dims:
        return pd.Index(["all"])
    if len(dims) == 1:
        return pd.Index(keys, name=dims[0], dtype=object)
    return pd.MultiIndex.from_tuples(keys, names=dims)
