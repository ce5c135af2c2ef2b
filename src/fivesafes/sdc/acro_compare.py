"""Run the same requests through ACRO and through fivesafes.sdc and compare per-cell verdicts.

ACRO (the `acro` package, a development dependency) is imported only here and only when a
comparison runs. Both run with ACRO's default thresholds; we use `ACRO_COMPATIBLE_RULES`,
which differ from our own defaults only where docs/sdc/acro-differences.md says so. A cell
"fails" when any rule both tools implement flags it: minimum frequency, zeros, (n,k)
dominance, p% dominance.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .config import ACRO_COMPATIBLE_RULES, RuleSet
from .output import CheckedOutput

SHARED_CHECKS = {
    "MinimumThresholdCheck": "frequency",
    "PresenceOfZeroCheck": "zeros",
    "NKCheck": "dominance_nk",
    "PPercentCheck": "dominance_p",
}
SHARED_RULES = set(SHARED_CHECKS.values())


@dataclass
class Case:
    """One request: `method` is crosstab or pivot_table; names refer to columns of the data."""

    name: str
    method: str
    index: list[str]
    columns: list[str]
    values: str | None = None
    aggfunc: str | None = None
    margins: bool = False


@dataclass
class CaseResult:
    case: Case
    cells: int
    agreeing: int
    acro_seconds: float
    our_seconds: float
    disagreements: list[dict[str, Any]] = field(default_factory=list)
    acro_failing: int = 0
    our_failing: int = 0

    @property
    def rate(self) -> float:
        return self.agreeing / self.cells if self.cells else 1.0


def _acro_instance() -> Any:
    for name in ("acro", "acro:records", "acro:summary"):  # ACRO's loggers ("acro:x" is no child)
        logging.getLogger(name).setLevel(logging.WARNING)
    from acro import ACRO

    return ACRO(suppress=False)


def run_acro(acro: Any, data: pd.DataFrame, case: Case) -> tuple[pd.DataFrame, float]:
    """ACRO's table outcome (cell -> text naming the checks that flagged it) and its time."""
    start = time.perf_counter()
    if case.method == "crosstab":
        index = [data[c] for c in case.index]
        cols = [data[c] for c in case.columns]
        acro.crosstab(
            index if len(index) > 1 else index[0],
            cols if len(cols) > 1 else cols[0],
            values=data[case.values] if case.values else None,
            aggfunc=case.aggfunc,
            margins=case.margins,
        )
    else:
        acro.pivot_table(
            data,
            values=case.values,
            index=case.index if len(case.index) > 1 else case.index[0],
            columns=case.columns if len(case.columns) > 1 else case.columns[0],
            aggfunc=case.aggfunc or "mean",
            margins=case.margins,
        )
    seconds = time.perf_counter() - start
    record = list(acro.results.results.values())[-1]
    return record.outcome, seconds


def run_ours(data: Any, case: Case, rules: RuleSet) -> tuple[CheckedOutput, float]:
    from .api import crosstab, pivot_table

    start = time.perf_counter()
    if case.method == "crosstab":
        out = crosstab(
            case.index,
            case.columns,
            values=case.values,
            aggfunc=case.aggfunc,
            margins=case.margins,
            data=data,
            rules=rules,
        )
    else:
        out = pivot_table(
            data,
            values=case.values,
            index=case.index,
            columns=case.columns,
            aggfunc=case.aggfunc or "mean",
            margins=case.margins,
            rules=rules,
        )
    return out, time.perf_counter() - start


def _key(label: Any) -> tuple[str, ...]:
    if isinstance(label, tuple):
        return tuple(str(x) for x in label)
    return (str(label),)


def _acro_cells(outcome: pd.DataFrame) -> dict[tuple[tuple[str, ...], tuple[str, ...]], set[str]]:
    cells = {}
    for r in outcome.index:
        for c in outcome.columns:
            text = str(outcome.loc[r, c])
            names = {n.strip() for n in text.replace("ok", "").split(";") if n.strip()}
            cells[(_key(r), _key(c))] = {SHARED_CHECKS[n] for n in names if n in SHARED_CHECKS}
    return cells


def _our_cells(out: CheckedOutput) -> dict[tuple[tuple[str, ...], tuple[str, ...]], set[str]]:
    cells = {}
    f = out.findings
    for r in f.index:
        for c in f.columns:
            names = {n.strip() for n in str(f.loc[r, c]).split(";")} - {"ok"}
            cells[(_key(r), _key(c))] = names & SHARED_RULES
    return cells


def compare_case(
    acro: Any, data: pd.DataFrame, case: Case, rules: RuleSet = ACRO_COMPATIBLE_RULES
) -> CaseResult:
    outcome, acro_s = run_acro(acro, data, case)
    ours, our_s = run_ours(data, case, rules)
    a = _acro_cells(outcome)
    o = _our_cells(ours)
    if set(a) != set(o):
        missing = sorted(set(a) ^ set(o))[:5]
        raise AssertionError(f"{case.name}: the tables have different cells, e.g. {missing}")
    agreeing = 0
    disagreements = []
    for key in a:
        if bool(a[key]) == bool(o[key]):
            agreeing += 1
        else:
            disagreements.append({"cell": key, "acro": sorted(a[key]), "ours": sorted(o[key])})
    return CaseResult(
        case=case,
        cells=len(a),
        agreeing=agreeing,
        acro_seconds=acro_s,
        our_seconds=our_s,
        disagreements=disagreements,
        acro_failing=sum(1 for v in a.values() if v),
        our_failing=sum(1 for v in o.values() if v),
    )


def standard_cases() -> list[Case]:
    """Requests on `bench_data.persons` (and `enterprises` for the last) both tools support."""
    return [
        Case("count region x sex", "crosstab", ["region"], ["sex"]),
        Case("count municipality x age", "crosstab", ["municipality"], ["age_band"]),
        Case("count region,sex x education", "crosstab", ["region", "sex"], ["education"]),
        Case(
            "count municipality x education + margins",
            "crosstab",
            ["municipality"],
            ["education"],
            margins=True,
        ),
        Case(
            "mean earnings region x industry",
            "crosstab",
            ["region"],
            ["industry"],
            "earnings",
            "mean",
        ),
        Case(
            "sum earnings municipality x sex",
            "crosstab",
            ["municipality"],
            ["sex"],
            "earnings",
            "sum",
        ),
        Case(
            "sum earnings industry x region (pivot)",
            "pivot_table",
            ["industry"],
            ["region"],
            "earnings",
            "sum",
        ),
        Case(
            "median years education x age (pivot)",
            "pivot_table",
            ["education"],
            ["age_band"],
            "years",
            "median",
        ),
        Case(
            "mean earnings region,sex x education (pivot)",
            "pivot_table",
            ["region", "sex"],
            ["education"],
            "earnings",
            "mean",
        ),
        Case(
            "mean earnings age x education + margins",
            "crosstab",
            ["age_band"],
            ["education"],
            "earnings",
            "mean",
            True,
        ),
    ]


def enterprise_cases() -> list[Case]:
    return [
        Case(
            "sum turnover industry x region (enterprises)",
            "pivot_table",
            ["industry"],
            ["region"],
            "turnover",
            "sum",
        ),
        Case(
            "mean turnover industry x region + margins",
            "crosstab",
            ["industry"],
            ["region"],
            "turnover",
            "mean",
            True,
        ),
    ]
