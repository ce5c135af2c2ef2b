"""The refusals of extraction: each names the field it is about and says why in words."""

from __future__ import annotations


class PlanError(ValueError):
    """A request that cannot be planned (or a plan that asks more than was approved).

    `field` names what is wrong, e.g. "variables:INCOME.wage_income", "population:2",
    "sample_size"; `message` says why.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ExtractionError(PlanError):
    """Found while running a plan (a population that matches nobody, a sample larger than the
    population, an existing output folder, ...); nothing is delivered."""
