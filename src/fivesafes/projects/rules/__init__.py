"""The rule engine of safe projects, free of Django: facts in, findings out (R3-R4, R11-R15, R19).

`evaluate(facts)` lists every finding for an application; `fast_track(facts, findings)` says
whether it may take the fast track; `scope.diff` compares an approved scope with a new one;
`population` holds the structured population definition and its validation.
"""

from fivesafes.metadata.population import (
    CatalogueEntry,
    Criterion,
    Operator,
    PopulationDefinition,
    PopulationError,
)
from fivesafes.projects.rules.engine import FastTrack, evaluate, fast_track, may_submit
from fivesafes.projects.rules.facts import (
    ApplicationFacts,
    ExternalDataFacts,
    MemberFacts,
    VariableFacts,
)
from fivesafes.projects.rules.findings import Finding, Severity

__all__ = [
    "ApplicationFacts",
    "CatalogueEntry",
    "Criterion",
    "ExternalDataFacts",
    "FastTrack",
    "Finding",
    "MemberFacts",
    "Operator",
    "PopulationDefinition",
    "PopulationError",
    "Severity",
    "VariableFacts",
    "evaluate",
    "fast_track",
    "may_submit",
]
