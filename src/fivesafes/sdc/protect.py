"""Protecting a checked table: primary cells from the findings, then suppression or rounding.

Works on long tables (one row per cell, totals included) from the CLI's plain tables and on
`CheckedOutput`s from the API made with `margins=True`. The protected table keeps one row per
cell with the published value (empty where suppressed) and the cell's status; the report is
the record of the check extended with a `protection` section holding the audit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .audit import AuditReport, audit
from .config import RuleSet
from .errors import SdcInputError, StructureError
from .findings import Finding
from .hierarchy import Hierarchy, HierTable, table_from_frame
from .output import CheckedOutput
from .rounding import RoundingResult, controlled_round
from .rules.base import labels_of
from .source import free_name
from .suppression import (
    Protection,
    SuppressionResult,
    dominance_protection,
    frequency_protection,
    suppress,
)

# the rules whose failures controlled rounding resolves: an intruder cannot tell a rounded
# small count from any other count within one base
ROUNDING_CURES = ("frequency",)

# failures of these rules in a magnitude table are protected by the amount the dominance rule
# needs (p% / (n,k) protection levels), not a share of the cell's value
DOMINANCE_RULES = ("dominance_nk", "dominance_p")
# failures of these rules in a sum table concern what an indicator or count column counts:
# protected as frequency-rule cells of that count
COUNTED_RULES = ("indicator_frequency", "indicator_class_disclosure")


@dataclass
class ProtectedTable:
    frame: pd.DataFrame  # dims..., value (NaN if suppressed), status
    method: str
    table: HierTable
    suppression: SuppressionResult | None = None
    audit: AuditReport | None = None
    rounding: RoundingResult | None = None
    notes: list[str] = field(default_factory=list)
    value_column: str = "value"
    status_column: str = "status"
    # findings of the check this protection does not resolve (reviews; for rounding also
    # the zeros and class disclosures, which rounding leaves visible)
    remaining: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """The protection itself worked: the audit passed or the rounded totals add up."""
        if self.audit is not None:
            return self.audit.passed
        return bool(self.rounding and self.rounding.additive)

    @property
    def status(self) -> str:
        """pass, fail or review for the protected table as a whole, `remaining` included."""
        if not self.passed or any(f.severity == "fail" for f in self.remaining):
            return "fail"
        if any(f.severity == "review" for f in self.remaining):
            return "review"
        return "pass"

    def information_loss(self) -> dict[str, Any]:
        """What the protection took from the reader: suppressed (or rounded) cells and the
        share of the value they hold, over the inner cells and the totals apart."""
        values = np.abs(np.asarray(self.table.values, dtype="float64"))
        total = self.table.is_total()
        if self.suppression is not None:
            hidden = self.suppression.suppressed
        elif self.rounding is not None:
            hidden = np.asarray(self.rounding.values, dtype="float64") != self.table.values
        else:  # pragma: no cover - every ProtectedTable has one of the two
            hidden = np.zeros(self.table.n_cells, bool)
        inner = ~total
        inner_value = float(values[inner].sum())
        out: dict[str, Any] = {
            "cells": int(self.table.n_cells),
            "cells_" + ("suppressed" if self.suppression is not None else "changed"): int(
                hidden.sum()
            ),
            "cell_share": round(float(hidden.mean()) if hidden.size else 0.0, 6),
            "inner_cells": int(inner.sum()),
            "inner_cells_affected": int((hidden & inner).sum()),
            "total_cells_affected": int((hidden & total).sum()),
        }
        if self.suppression is not None:
            lost = float(values[hidden & inner].sum())
            out["value_suppressed"] = lost
            out["value_share"] = round(lost / inner_value, 6) if inner_value else 0.0
        elif self.rounding is not None:
            dev = float(np.abs(np.asarray(self.rounding.values) - self.table.values)[inner].sum())
            out["absolute_change"] = dev
            out["value_share"] = round(dev / inner_value, 6) if inner_value else 0.0
        return out

    def protection_section(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "method": self.method,
            "passed": self.passed,
            "status": self.status,
            "remaining": [f.as_dict() for f in self.remaining],
            "notes": self.notes,
            "information_loss": self.information_loss(),
        }
        if self.suppression is not None:
            out["primary"] = int(self.suppression.primary.sum())
            out["secondary"] = int(self.suppression.secondary.sum())
            out["programmes_solved"] = self.suppression.lp_solved
            out["blocks_widened"] = self.suppression.blocks_widened
            out["largest_block_cells"] = self.suppression.largest_block
            out["table_cells"] = self.table.n_cells
        if self.audit is not None:
            out["audit"] = self.audit.as_dict()
        if self.rounding is not None:
            r = self.rounding
            out["rounding"] = {
                "base": r.base,
                "max_deviation": r.max_deviation,
                "total_deviation": r.total_deviation,
                "additive": r.additive,
                "optimal": r.optimal,
            }
        return out


def _primary_mask(table: HierTable, out: CheckedOutput) -> np.ndarray:
    mask = np.zeros(table.n_cells, bool)
    names = [h.name for h in table.dims]
    for f in out.finding_list:
        if f.severity != "fail" or f.cell is None:
            continue
        labels = tuple(f.cell[n] for n in names)
        mask[table.flat_index(labels)] = True
    return mask


def _rules_by_cell(table: HierTable, out: CheckedOutput) -> dict[int, set[str]]:
    """The failing rules of each primary cell (flat position in `table`)."""
    names = [h.name for h in table.dims]
    by: dict[int, set[str]] = {}
    for f in out.finding_list:
        if f.severity == "fail" and f.cell is not None:
            by.setdefault(table.flat_index(tuple(f.cell[n] for n in names)), set()).add(f.rule)
    return by


def magnitude_protection(
    table: HierTable, out: CheckedOutput, primary: np.ndarray, rules: RuleSet
) -> Protection:
    """Each primary cell of a sum table protected by what its failing rules require:

    - p% / (n,k) dominance: the standard protection levels, `p * x1 - (X - x1 - x2)` and
      `(x1 + ... + xn) / k - X` (the larger where both fail; `dominance_protection`), from
      the cell's largest contributions; at least 1 unit, downward at most the value;
    - 0/1 indicator and count cells: the frequency rule's protection of the count they hold;
    - anything else (too few contributors, zeros, values everyone shares): `share * value`
      both ways (at least 1 unit up; down at most the value), `share` being
      `suppression.frequency_protection`.
    The largest requirement of a cell's rules applies."""
    values = np.asarray(table.values, dtype="float64")
    share = rules.suppression.frequency_protection
    base = np.maximum(1.0, share * np.abs(values))
    upper = np.zeros(table.n_cells)
    lower = np.zeros(table.n_cells)
    by_cell = _rules_by_cell(table, out)
    dom = _dominance_amounts(table, out, rules)
    counted = frequency_protection(
        values, np.ones(table.n_cells, bool), rules.frequency.threshold, share
    )
    for pos in np.flatnonzero(primary):
        failed = by_cell.get(int(pos), set())
        up: list[float] = []
        down: list[float] = []
        if failed & set(DOMINANCE_RULES) and int(pos) in dom:
            need = max(1.0, dom[int(pos)])
            up.append(need)
            down.append(min(need, values[pos]))
        if failed & set(COUNTED_RULES):
            up.append(float(counted.upper[pos]))
            down.append(float(counted.lower[pos]))
        if not up or failed - set(DOMINANCE_RULES) - set(COUNTED_RULES):
            up.append(float(base[pos]))
            down.append(float(min(base[pos], values[pos])))
        upper[pos] = max(up)
        lower[pos] = max(down)
    return Protection(upper, lower)


def _dominance_amounts(table: HierTable, out: CheckedOutput, rules: RuleSet) -> dict[int, float]:
    """The protection the dominance rules require of each cell (flat position in `table`)
    whose contributions the check kept (tables made from microdata)."""
    stats = out.stats
    if stats is None or "top" not in stats.frame or "abs_total" not in stats.frame:
        return {}
    r = rules.dominance
    frame = stats.frame
    tops = frame["top"].tolist()
    top1 = np.asarray([float(sum(t[:1])) for t in tops])
    top2 = np.asarray([float(sum(t[1:2])) for t in tops])
    topn = np.asarray([float(sum(t[: r.nk_n])) for t in tops])
    total = frame["abs_total"].to_numpy(dtype="float64")
    up, _ = dominance_protection(total, top1, top2, topn, r.p, r.nk_k)
    names = [h.name for h in table.dims]
    amounts: dict[int, float] = {}
    for i, cell in enumerate(labels_of(stats, np.arange(len(frame)))):
        try:
            amounts[table.flat_index(tuple(cell[n] for n in names))] = float(up[i])
        except KeyError:
            continue
    return amounts


def _structural(table: HierTable, out: CheckedOutput) -> np.ndarray:
    """Cells declared structural zeros (impossible combinations): an intruder knows them."""
    mask = np.zeros(table.n_cells, bool)
    specs = out.request.get("structural_zeros") or []
    if not specs:
        return mask
    grids = np.meshgrid(*[np.asarray(h.codes, dtype=object) for h in table.dims], indexing="ij")
    labels = {h.name: g.ravel().astype(str) for h, g in zip(table.dims, grids, strict=True)}
    for spec in specs:
        match = np.ones(table.n_cells, bool)
        for dim, label in spec.items():
            if dim in labels:
                match &= labels[dim] == str(label)
        mask |= match
    return mask & (table.values == 0)


def _long_frame(out: CheckedOutput) -> tuple[pd.DataFrame, list[str], str, str]:
    """One row per cell: the labels by dimension name and the value in a column named
    `value` unless a dimension already is (then `value_`)."""
    stats = out.stats
    if stats is None or len(stats.aggfuncs) != 1:
        raise SdcInputError("protect a table of one statistic", field="aggfunc")
    for f in out.finding_list:
        if f.rule == "undeclared_total":
            # protection computed without that total's additivity would let an intruder
            # recompute a suppressed cell from it
            raise StructureError(
                f"{f.values['variable']}={f.values['label']} looks like a total that is not "
                "declared; declare it (--total-label, or --hierarchy for a subtotal) before "
                "protecting the table, since its cells must add up to it",
                field=str(f.values["variable"]),
            )
    stat = stats.aggfuncs[0]
    if stat not in ("count", "sum"):
        raise SdcInputError(
            f"suppression and rounding need additive cells (counts or sums), not {stat}",
            field="aggfunc",
        )
    frame = pd.DataFrame({d: stats.labels(d).astype(str) for d in stats.dims})
    value = free_name("value", stats.dims)
    frame[value] = stats.frame["stat:" + stat].to_numpy()
    return frame, stats.dims, stat, value


def protect_by_suppression(
    out: CheckedOutput,
    hierarchies: Mapping[str, Hierarchy] | None = None,
    rules: RuleSet | None = None,
    total_labels: tuple[str, ...] = ("Total", "All"),
) -> ProtectedTable:
    rules = rules or out.rules
    frame, dims, stat, value = _long_frame(out)
    table = table_from_frame(frame, dims, value, hierarchies, total_labels)
    primary = _primary_mask(table, out)
    settings = rules.suppression
    if stat == "count":
        prot = frequency_protection(
            table.values, primary, rules.frequency.threshold, settings.frequency_protection
        )
    else:
        prot = magnitude_protection(table, out, primary, rules)
    result = suppress(table, primary, prot, settings, known=_structural(table, out))
    report = audit(table, result.suppressed, result.protection)
    status = np.where(
        result.primary, "primary", np.where(result.secondary, "secondary", "published")
    )
    protected = table.to_frame(np.where(result.suppressed, np.nan, table.values), value)
    status_column = free_name("status", dims)
    protected[status_column] = status
    return ProtectedTable(
        protected,
        "suppression",
        table,
        result,
        report,
        notes=result.notes,
        value_column=value,
        status_column=status_column,
        # every failing cell became a primary; what asks for a person still does
        remaining=[f for f in out.finding_list if f.severity == "review" or f.cell is None],
    )


def protect_by_rounding(
    out: CheckedOutput,
    hierarchies: Mapping[str, Hierarchy] | None = None,
    base: int | None = None,
    rules: RuleSet | None = None,
    total_labels: tuple[str, ...] = ("Total", "All"),
) -> ProtectedTable:
    rules = rules or out.rules
    frame, dims, stat, value = _long_frame(out)
    if stat != "count":
        raise SdcInputError("controlled rounding is for frequency tables", field="aggfunc")
    table = table_from_frame(frame, dims, value, hierarchies, total_labels)
    result = controlled_round(table, base or rules.rounding.base, rules.rounding.time_limit)
    protected = table.to_frame(result.values, value)
    status_column = free_name("status", dims)
    protected[status_column] = "rounded"
    return ProtectedTable(
        protected,
        "controlled_rounding",
        table,
        rounding=result,
        value_column=value,
        status_column=status_column,
        # rounding cures small counts, not a zero (zeros stay zeros) nor what needs a person
        remaining=[
            f for f in out.finding_list if f.severity == "review" or f.rule not in ROUNDING_CURES
        ],
    )


def protected_record(out: CheckedOutput, protected: ProtectedTable) -> dict[str, Any]:
    """The check's record with the protected cells and the protection section."""
    record = out.record()
    record["output_type"] = "protected_table"
    by_key = {
        tuple(str(row[h.name]) for h in protected.table.dims): (
            row[protected.value_column],
            row[protected.status_column],
        )
        for row in protected.frame.to_dict(orient="records")
    }
    names = [h.name for h in protected.table.dims]
    for cell in record["table"]["cells"]:
        key = tuple(cell["labels"][n] for n in names)
        value, status = by_key[key]
        cell["status"] = status
        stat = next(iter(cell["values"]))
        cell["values"][stat] = None if value != value else float(value)
    record["protection"] = protected.protection_section()
    from .record import sha256

    record["checksums"]["table_sha256"] = sha256(record["table"])
    record["checksums"]["record_sha256"] = sha256(
        {k: v for k, v in record.items() if k != "checksums"}
    )
    return record
