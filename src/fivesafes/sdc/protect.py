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
from .source import free_name
from .suppression import Protection, SuppressionResult, frequency_protection, suppress

# the rules whose failures controlled rounding resolves: an intruder cannot tell a rounded
# small count from any other count within one base
ROUNDING_CURES = ("frequency",)


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

    def protection_section(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "method": self.method,
            "passed": self.passed,
            "status": self.status,
            "remaining": [f.as_dict() for f in self.remaining],
            "notes": self.notes,
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
        share = np.maximum(1.0, settings.frequency_protection * np.abs(table.values))
        prot = Protection(
            np.where(primary, share, 0.0), np.where(primary, np.minimum(share, table.values), 0.0)
        )
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
