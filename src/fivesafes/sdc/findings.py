"""Findings (one rule's judgement on one cell or on the whole output) and the verdict."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["pass", "fail", "review"]


@dataclass(frozen=True)
class Finding:
    """A rule's judgement on one cell (or on the whole output when `cell` is None).

    `cell` maps each dimension to its label, e.g. {"region": "North", "sex": "F"};
    `statistic` names the table statistic (count, mean, ...) when a table shows several.
    `values` are the figures behind the judgement (contributors, shares); `reason` is a
    sentence an output checker or researcher can read.
    """

    rule: str
    severity: Literal["fail", "review", "info"]
    reason: str
    cell: dict[str, str] | None = None
    statistic: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "cell": self.cell,
            "statistic": self.statistic,
            "values": {k: _plain(v) for k, v in self.values.items()},
            "reason": self.reason,
        }


def _plain(value: Any) -> Any:
    """Numbers as JSON numbers, everything else as text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    try:
        import numpy as np

        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            value = float(value)
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


@dataclass(frozen=True)
class Verdict:
    """pass, fail (with the failing cells) or review (with why)."""

    status: Status
    reasons: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.status

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return self.status == other
        if isinstance(other, Verdict):
            return self.status == other.status and self.reasons == other.reasons
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.status, self.reasons))

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "reasons": list(self.reasons)}


def verdict_from(findings: Iterable[Finding]) -> Verdict:
    """fail if any finding fails, review if any asks for review, otherwise pass."""
    fails: list[str] = []
    reviews: list[str] = []
    for f in findings:
        where = ""
        if f.cell is not None:
            where = " at " + ", ".join(f"{k}={v}" for k, v in f.cell.items())
            if f.statistic:
                where += f" ({f.statistic})"
        if f.severity == "fail":
            fails.append(f"{f.rule}{where}: {f.reason}")
        elif f.severity == "review":
            reviews.append(f"{f.rule}{where}: {f.reason}")
    if fails:
        return Verdict("fail", tuple(fails + reviews))
    if reviews:
        return Verdict("review", tuple(reviews))
    return Verdict("pass")
