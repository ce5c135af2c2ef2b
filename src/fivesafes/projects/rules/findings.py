"""A finding: one rule an application does not (yet) meet, its severity and a plain reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from fivesafes.shared.labels import Labelled, gettext_noop
from fivesafes.shared.refusals import cited


class Severity(Labelled):
    """How much a finding weighs, strongest first.

    BLOCKING: the application cannot be submitted (or approved) until it changes.
    NEEDS_JUSTIFICATION: allowed by the rules, but only on a justification a person must weigh;
    the case goes to ordinary review, not the fast track.
    ADVICE: worth knowing; nothing stops.
    """

    BLOCKING = "blocking", gettext_noop("Blocking")
    NEEDS_JUSTIFICATION = "needs_justification", gettext_noop("Needs justification")
    ADVICE = "advice", gettext_noop("Advice")

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self]


SEVERITY_RANK = {Severity.BLOCKING: 0, Severity.NEEDS_JUSTIFICATION: 1, Severity.ADVICE: 2}


@dataclass(frozen=True)
class Finding:
    """`rule` (e.g. "R11"), the application `field` it concerns, and what to do, in words."""

    severity: Severity
    rule: str
    field: str
    message: str

    def __str__(self) -> str:
        return cited(self.message, f"{self.rule}, {self.severity.label.lower()}")

    @property
    def text(self) -> str:
        """The words, then the rule: what a page shows beside the finding's severity."""
        return cited(self.message, self.rule)

    def as_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["severity"] = self.severity.value
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Finding:
        return cls(
            severity=Severity(values["severity"]),
            rule=str(values["rule"]),
            field=str(values["field"]),
            message=str(values["message"]),
        )


def ordered(findings: list[Finding]) -> list[Finding]:
    """Strongest first, then by rule, keeping the order within one rule."""
    return sorted(findings, key=lambda f: (f.severity.rank, _rule_number(f.rule)))


def _rule_number(rule: str) -> int:
    digits = "".join(ch for ch in rule if ch.isdigit())
    return int(digits) if digits else 0
