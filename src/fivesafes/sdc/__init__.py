"""fivesafes.sdc: disclosure control of research outputs, free of any web framework.

Rules (frequency, zeros, class disclosure, dominance, models, histograms, survival tables),
an ACRO-shaped API over DataFrames and Parquet with DuckDB aggregation, plain-table checks,
secondary suppression with an independent LP audit, controlled rounding and differencing.
"""

from __future__ import annotations

from .api import (
    crosstab,
    hist,
    logit,
    logitr,
    ols,
    olsr,
    pivot_table,
    probit,
    probitr,
    surv_func,
    survival_table,
)
from .config import ACRO_COMPATIBLE_RULES, DEFAULT_RULES, RuleSet, load_rules
from .errors import SdcInputError
from .findings import Finding, Verdict
from .output import CheckedOutput

__all__ = [
    "ACRO_COMPATIBLE_RULES",
    "DEFAULT_RULES",
    "CheckedOutput",
    "Finding",
    "RuleSet",
    "SdcInputError",
    "Verdict",
    "crosstab",
    "hist",
    "load_rules",
    "logit",
    "logitr",
    "ols",
    "olsr",
    "pivot_table",
    "probit",
    "probitr",
    "surv_func",
    "survival_table",
]
