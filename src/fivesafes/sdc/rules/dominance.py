"""Dominance on magnitude tables (sums and means): the (n,k) rule and the p% rule.

(n,k): a cell is sensitive when its `n` largest contributions make up at least k of the
cell total. p%: a cell is sensitive when the total less its two largest contributions is
below p of the largest, since the second-largest contributor could then estimate the largest
within p%. Both are applied to absolute values; cells with negative contributions are also
flagged for review, because the rules are only defined for non-negative contributions.
"""

from __future__ import annotations

import numpy as np

from ..aggregate import CellStats
from ..config import RuleSet
from ..findings import Finding
from .base import CellFinding, labels_of, num

MAGNITUDE_STATS = ("sum", "mean")


def _top(stats: CellStats, k: int) -> np.ndarray:
    """Sum of the k largest absolute contributions per cell."""
    tops = stats.frame["top"].tolist()
    return np.asarray([float(sum(t[:k])) for t in tops], dtype="float64")


def check_dominance(stats: CellStats, rules: RuleSet) -> list[CellFinding]:
    shown = [f for f in stats.aggfuncs if f in MAGNITUDE_STATS]
    if stats.values is None or not shown:
        return []
    r = rules.dominance
    frame = stats.frame
    n = frame["n"].to_numpy()
    abs_total = frame["abs_total"].to_numpy(dtype="float64")
    top1 = _top(stats, 1)
    top2 = _top(stats, 2)
    topn = _top(stats, r.nk_n)
    live = (n > 0) & (abs_total > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(live, topn / np.where(abs_total > 0, abs_total, 1.0), 0.0)
    nk_hit = live & (share >= r.nk_k)
    rest = abs_total - top2
    p_hit = live & (top1 > 0) & (rest < r.p * top1)
    neg = frame["n_neg"].to_numpy() > 0
    statistic = "/".join(shown)
    out: list[CellFinding] = []
    for mask, rule in ((nk_hit, "dominance_nk"), (p_hit, "dominance_p"), (neg, "negative_values")):
        idx = np.flatnonzero(mask)
        for pos, cell in zip(idx, labels_of(stats, idx), strict=True):
            if rule == "dominance_nk":
                values = {"n": r.nk_n, "k": r.nk_k, "top_share": round(float(share[pos]), 4)}
                reason = (
                    f"the {r.nk_n} largest contributions make up {share[pos]:.0%} of this cell, "
                    f"at least the limit of {r.nk_k:.0%}: the cell shows what they contribute"
                )
                sev = r.severity
            elif rule == "dominance_p":
                gap = float(rest[pos] / top1[pos]) if top1[pos] else 0.0
                values = {"p": r.p, "remainder_share_of_largest": round(gap, 4)}
                reason = (
                    "the contributions other than the two largest add up to "
                    f"{gap:.1%} of the largest, under {r.p:.0%}: the second-largest "
                    "contributor could estimate the largest closely"
                )
                sev = r.severity
            else:
                values = {"negative_contributions": int(frame["n_neg"].iloc[pos])}
                reason = (
                    f"{num(values['negative_contributions'])} contributions are below zero; "
                    "dominance was judged on absolute values and needs a person to confirm it"
                )
                sev = r.negative_severity
            out.append(
                CellFinding(
                    int(pos),
                    Finding(
                        rule=rule,
                        severity=sev,
                        cell=cell,
                        statistic=statistic,
                        values=values,
                        reason=reason,
                    ),
                )
            )
    return out
