"""Differencing: a new table against the project's earlier checked tables.

Two tables over the same variables whose populations are nested (e.g. "all ages" and
"age 18-64") can be subtracted cell by cell; the difference counts the contributors in the
part of the larger population outside the smaller one ("under 18 or over 64"). A cell where
that difference is between 1 and `frequency.threshold - 1` discloses a small group even when
both tables pass on their own, so the new table's cell fails.

When the two tables are declared over the same population (or neither declares one) but every
cell of one is at most the same cell of the other, one population may well be part of the
other although nobody said so; small differences then ask for review.

Populations are declared as filters, `{"age_band": ["18-29", "30-44", "45-64"]}`: a variable
not named is unrestricted. Population A contains B when every filter of A is also in B with
B's labels a subset of A's. Earlier tables are given as JSON records (record-format.md) or
`CheckedOutput`s; their `input.population` holds the filter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from .config import RuleSet
from .errors import SdcInputError
from .findings import Finding, verdict_from
from .output import CheckedOutput
from .source import dim_key

Population = Mapping[str, Iterable[str]]


def normalise(pop: Population | None) -> dict[str, frozenset[str]]:
    if pop is None:
        return {}
    if not isinstance(pop, Mapping):
        raise SdcInputError("a population is a mapping of variable to labels", field="population")
    return {str(k): frozenset(str(x) for x in v) for k, v in pop.items()}


def contains(big: Population | None, small: Population | None) -> bool:
    """True when every member of `small` is in `big`."""
    b, s = normalise(big), normalise(small)
    return all(var in s and s[var] <= labels for var, labels in b.items())


def _dims(record: Mapping[str, Any]) -> list[str]:
    return [*record["table"]["rows"], *record["table"]["columns"]]


def _cells(record: Mapping[str, Any], dims: list[str]) -> pd.DataFrame:
    """Cells with known contributors: labels in `dim:i` (in the order of `dims`), and `_n`."""
    rows = [
        [*(c["labels"][d] for d in dims), c["contributors"]]
        for c in record["table"]["cells"]
        if c.get("contributors") is not None
    ]
    return pd.DataFrame(rows, columns=[*(dim_key(i) for i in range(len(dims))), "_n"])


def differencing_findings(
    new: Mapping[str, Any], earlier: Iterable[Mapping[str, Any]], rules: RuleSet
) -> list[Finding]:
    """Findings for the cells of `new` that differencing against `earlier` exposes."""
    t = rules.frequency.threshold
    new_pop = new["input"].get("population")
    dims = _dims(new)
    cells = _cells(new, dims)
    keys = [dim_key(i) for i in range(len(dims))]
    found: list[Finding] = []
    for k, old in enumerate(earlier):
        if sorted(_dims(old)) != sorted(dims):
            continue
        old_cells = _cells(old, dims)
        name = old.get("name") or old.get("checksums", {}).get("record_sha256", f"#{k}")[:12]
        if cells.empty or old_cells.empty:
            # a table without contributor counts cannot be compared: the check fails closed
            which = "this table" if cells.empty else f"the earlier table {name}"
            found.append(
                Finding(
                    rule="differencing",
                    severity="review",
                    values={"earlier_table": str(name), "compared": False},
                    reason=(
                        f"{which} has no contributor counts, so differencing against the "
                        f"earlier table {name} (same variables) could not be checked"
                    ),
                )
            )
            continue
        old_pop = old["input"].get("population")
        merged = cells.merge(old_cells, on=keys, suffixes=("_new", "_old"))
        raw = merged["_n_old"] - merged["_n_new"]
        declared = True
        severity = rules.frequency.severity
        if normalise(new_pop) == normalise(old_pop):
            # declared alike (often: not declared at all), yet one table may still count a
            # subset of the other's population: every cell at most the other's, some less
            if (raw >= 0).all() and (raw > 0).any():
                sign = 1
            elif (raw <= 0).all() and (raw < 0).any():
                sign = -1
            else:
                continue
            declared = False
            severity = "review"
        elif contains(old_pop, new_pop):
            sign = 1  # old is the larger population
        elif contains(new_pop, old_pop):
            sign = -1
        else:
            continue
        diff = raw * sign
        hit = merged[(diff > 0) & (diff < t)]
        nested = (
            "a nested population"
            if declared
            else "declared as the same population, but every cell of one is at most the "
            "other's, as if its population were a part of the other's"
        )
        for row, d in zip(hit.to_dict(orient="records"), diff[hit.index], strict=True):
            cell = {dim: str(row[key]) for dim, key in zip(dims, keys, strict=True)}
            found.append(
                Finding(
                    rule="differencing",
                    severity=severity,
                    cell=cell,
                    values={
                        "difference": int(d),
                        "threshold": t,
                        "earlier_table": str(name),
                        "contributors_new": int(row["_n_new"]),
                        "contributors_earlier": int(row["_n_old"]),
                        "populations_declared_nested": declared,
                    },
                    reason=(
                        f"this cell and the same cell of the earlier table {name} "
                        f"({'larger' if sign > 0 else 'smaller'}; {nested}) differ by {int(d)} "
                        f"contributors, fewer than {t}: subtracting one from the other shows "
                        "that small group"
                    ),
                )
            )
    return found


def check_against(
    out: CheckedOutput,
    earlier: Iterable[Mapping[str, Any] | CheckedOutput],
    population: Population | None = None,
) -> CheckedOutput:
    """`out` with differencing findings added and its verdict recomputed."""
    request = dict(out.request)
    if population is not None:
        request["population"] = {k: sorted(v) for k, v in normalise(population).items()}
    current = replace(out, request=request)
    records = [e.record() if isinstance(e, CheckedOutput) else e for e in earlier]
    found = differencing_findings(current.record(), records, out.rules)
    if not found:
        return current
    findings = out.findings.copy()
    stats = out.stats
    for f in found:
        if f.cell is None:
            continue  # about the whole output: no cell to mark
        if stats is None:
            break
        row_key = tuple(f.cell[d] for d in stats.rows)
        col_key = tuple(f.cell[d] for d in stats.columns)
        rk: Any = row_key[0] if len(row_key) == 1 else row_key
        ck: Any = col_key[0] if len(col_key) == 1 else col_key
        str_index = [tuple(map(str, x)) if isinstance(x, tuple) else str(x) for x in findings.index]
        cols = list(findings.columns)
        for j, c in enumerate(cols):
            c_key = c[1:] if isinstance(c, tuple) and len(stats.aggfuncs) > 1 else c
            c_str = tuple(map(str, c_key)) if isinstance(c_key, tuple) else str(c_key)
            if c_str != (ck if not isinstance(ck, tuple) else tuple(ck)):
                continue
            for i, r in enumerate(str_index):
                if r == rk:
                    old = str(findings.iat[i, j])
                    findings.iat[i, j] = "differencing" if old == "ok" else old + "; differencing"
    all_found = [*out.finding_list, *found]
    return replace(
        current, findings=findings, finding_list=all_found, verdict=verdict_from(all_found)
    )
