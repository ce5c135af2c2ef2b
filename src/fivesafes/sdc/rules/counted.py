"""What a values column counts: indicators, counts, values everyone in a cell shares.

The mean of a 0/1 indicator is a share and its sum a count. Whatever the number of rows
with a value, the contributors with the attribute and those without are the two cells of a
frequency table the output implies: each is held to the frequency rule (1..threshold-1 is a
small cell), and a share of 0 % or 100 % tells the attribute of everyone in the group (class
disclosure; an implied zero cell). The sum of a count column (whole numbers 0..max_count)
is a number of events: a sum of 4 is a small cell. In any values column a cell whose
contributors all have one value (all zero, say) tells each one's value (`uniform_values`).
Column kinds are read from every value (`CellStats.value_kind`), not cell by cell.
"""

from __future__ import annotations

import numpy as np

from ..aggregate import CellStats
from ..config import RuleSet
from ..findings import Finding
from .base import CellFinding, findings_at, labels_of, num

# statistics that show what the values count (a share or a number of events)
COUNTING_STATS = ("sum", "mean")


def check_counted(stats: CellStats, rules: RuleSet) -> list[CellFinding]:
    r = rules.value_columns
    if stats.values is None or not r.enabled or "n_nonzero" not in stats.frame:
        return []
    shown = [f for f in stats.aggfuncs if f != "count"]
    if not shown:
        return []
    t = rules.frequency.threshold
    frame = stats.frame
    n = frame["n"].to_numpy()
    nonzero = frame["n_nonzero"].to_numpy()
    out: list[CellFinding] = []
    counting = [f for f in shown if f in COUNTING_STATS]
    kind = stats.value_kind
    if kind == "indicator" and counting:
        statistic = "/".join(counting)
        without = n - nonzero
        live = n > 0
        for mask, rule in (
            (live & (((nonzero > 0) & (nonzero < t)) | ((without > 0) & (without < t))), "f"),
            (live & ((nonzero == 0) | (without == 0)), "c"),
        ):
            idx = np.flatnonzero(mask)
            for pos, cell in zip(idx, labels_of(stats, idx), strict=True):
                have, lack = int(nonzero[pos]), int(without[pos])
                if rule == "f":
                    small = have if 0 < have < t else lack
                    who = "have" if 0 < have < t else "do not have"
                    finding = Finding(
                        rule="indicator_frequency",
                        severity=r.severity,
                        cell=cell,
                        statistic=statistic,
                        values={"with": have, "without": lack, "threshold": t},
                        reason=(
                            f"{stats.values} is a 0/1 indicator, so this {statistic} counts "
                            f"people: {small} contributors {who} it, fewer than the minimum "
                            f"of {t}"
                        ),
                    )
                else:
                    share = "100 %" if lack == 0 else "0 %"
                    finding = Finding(
                        rule="indicator_class_disclosure",
                        severity=r.severity,
                        cell=cell,
                        statistic=statistic,
                        values={"with": have, "without": lack},
                        reason=(
                            f"{stats.values} is a 0/1 indicator with a share of {share} here: "
                            f"it tells that all {int(n[pos])} contributors "
                            f"{'have' if lack == 0 else 'do not have'} it"
                        ),
                    )
                out.append(CellFinding(int(pos), finding))
    if kind == "count" and "abs_total" in frame and counting:
        # (a mean of counts times the contributors is their sum: both show the events)
        statistic = "/".join(counting)
        total = np.nan_to_num(frame["abs_total"].to_numpy(dtype="float64"))
        idx = np.flatnonzero((n > 0) & (total > 0) & (total < t))
        out += findings_at(
            stats,
            idx,
            "indicator_frequency",
            r.severity,
            statistic=statistic,
            values=lambda pos: {"events": int(total[pos]), "threshold": t},
            reason=lambda pos: (
                f"{stats.values} holds whole numbers (a count), so this cell "
                f"counts {num(total[pos])} events, fewer than the minimum of {t}"
            ),
        )
    # an indicator's sum and mean were judged above; its min, max or median of a cell where
    # everyone has (or lacks) it is the same class disclosure
    uniform = [f for f in shown if not (kind == "indicator" and f in COUNTING_STATS)]
    if uniform:
        vmin = frame["vmin"].to_numpy(dtype="float64")
        vmax = frame["vmax"].to_numpy(dtype="float64")
        idx = np.flatnonzero((n > 0) & (vmin == vmax))
        statistic = "/".join(uniform)
        out += findings_at(
            stats,
            idx,
            "uniform_values",
            r.severity,
            statistic=statistic,
            values=lambda pos: {"contributors": int(n[pos]), "value": float(vmin[pos])},
            reason=lambda pos: (
                f"all {int(n[pos])} contributors of this cell have "
                f"{stats.values} = {num(vmin[pos])}: the cell tells each one's value"
            ),
        )
    return out


def check_spread_dof(stats: CellStats, rules: RuleSet) -> list[CellFinding]:
    """A standard deviation or variance needs `spread.min_dof` degrees of freedom (n - 1),
    as ACRO's degrees-of-freedom check asks of such tables."""
    shown = [f for f in stats.aggfuncs if f in ("std", "var")]
    if not shown:
        return []
    r = rules.spread
    n = stats.frame["n"].to_numpy()
    # below the frequency threshold the frequency rule already fails the cell
    idx = np.flatnonzero((n >= rules.frequency.threshold) & (n - 1 < r.min_dof))
    return [
        CellFinding(
            int(pos),
            Finding(
                rule="spread_dof",
                severity=r.severity,
                cell=cell,
                statistic="/".join(shown),
                values={"degrees_of_freedom": int(n[pos]) - 1, "minimum": r.min_dof},
                reason=(
                    f"a {'/'.join(shown)} of {int(n[pos])} values has {int(n[pos]) - 1} "
                    f"degrees of freedom, fewer than {r.min_dof}"
                ),
            ),
        )
        for pos, cell in zip(idx, labels_of(stats, idx), strict=True)
    ]
