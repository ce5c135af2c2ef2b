"""Run every rule over an application, and decide the fast track (R17)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fivesafes.projects.rules.checks import ALL_CHECKS
from fivesafes.projects.rules.facts import ApplicationFacts
from fivesafes.projects.rules.findings import Finding, Severity, ordered
from fivesafes.shared.labels import translated as _


def evaluate(facts: ApplicationFacts) -> list[Finding]:
    """Every finding, strongest first. The same list the researcher and the staff see."""
    findings: list[Finding] = []
    for check in ALL_CHECKS:
        findings.extend(check(facts))
    return ordered(findings)


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == Severity.BLOCKING]


def may_submit(findings: list[Finding]) -> bool:
    return not blocking(findings)


@dataclass(frozen=True)
class FastTrack:
    """Whether the application may go through the fast track, and if not, why not."""

    eligible: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """In the active language (the reasons were worded when the verdict was made)."""
        if self.eligible:
            return _(
                "Fast track: no findings above advice and only the office's standard registers."
            )
        return _("Ordinary review: %(reasons)s") % {"reasons": "; ".join(self.reasons)}


def fast_track(facts: ApplicationFacts, findings: list[Finding]) -> FastTrack:
    """R17: no findings above advice and only standard registers. Still decided by a person."""
    reasons = []
    above = [f for f in findings if f.severity != Severity.ADVICE]
    if above:
        rules = sorted({f.rule for f in above})
        reasons.append(
            _("%(count)s finding(s) above advice (%(rules)s)")
            % {"count": len(above), "rules": ", ".join(rules)}
        )
    other = sorted(
        {v.register for v in facts.variables if not v.standard_register}
        | {e.label.split(".")[0] for e in facts.population_entries() if not e.standard_register}
    )
    if other:
        reasons.append(
            _("registers outside the standard ones: %(registers)s")
            % {"registers": ", ".join(other)}
        )
    if facts.external_data:
        reasons.append(_("external data to be linked"))
    return FastTrack(eligible=not reasons, reasons=reasons)
