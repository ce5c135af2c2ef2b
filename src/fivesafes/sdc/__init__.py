"""fivesafes.sdc: disclosure control of research outputs, free of any web framework.

Rules (frequency, zeros, class disclosure, dominance, models, histograms, survival tables),
an ACRO-shaped API over DataFrames and Parquet with DuckDB aggregation, plain-table checks,
secondary suppression with an independent LP audit, controlled rounding and differencing.
"""

from __future__ import annotations

from . import api
from .api import *  # noqa: F403 (the ACRO-shaped calls, listed once in api.__all__)
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
    "load_rules",
]
__all__ += api.__all__
