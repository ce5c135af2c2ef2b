"""Extraction (issue 12), free of Django: from an approved request and the catalogue to a plan
(population, registers, years, approved variables, coarsening, sample, estimates), and from a
plan to a delivery folder written atomically by DuckDB or Spark, with every identifier replaced
by the project's pseudonym, a codebook and a manifest. See docs/delivery/extraction.md.
"""

from fivesafes.extraction.catalogue import Catalogue, load_catalogue
from fivesafes.extraction.errors import ExtractionError, PlanError
from fivesafes.extraction.output import remove_partials, verify_manifest
from fivesafes.extraction.plan import Plan, TablePlan, check_within, compile_plan
from fivesafes.extraction.request import ExtractionRequest, VariableRequest
from fivesafes.extraction.run import (
    DeliveredFile,
    DeliveryResult,
    Progress,
    population_of,
    run_plan,
)

__all__ = [
    "Catalogue",
    "DeliveredFile",
    "DeliveryResult",
    "ExtractionError",
    "ExtractionRequest",
    "PlanError",
    "Plan",
    "Progress",
    "TablePlan",
    "VariableRequest",
    "check_within",
    "compile_plan",
    "load_catalogue",
    "population_of",
    "remove_partials",
    "run_plan",
    "verify_manifest",
]
