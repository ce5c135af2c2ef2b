"""What a delivery asks for: approved variables with their years and coarsening, the population,
the sample size, the file formats and any linked external tables. Plain JSON both ways."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fivesafes.linkage.tables import ExternalTable
from fivesafes.metadata.population import PopulationDefinition, PopulationError
from fivesafes.metadata.population import from_dict as population_from_dict

from .errors import PlanError

COARSENINGS = ("", "year", "month", "municipality", "groups")
FORMATS = ("parquet", "csv", "dta", "sav")


@dataclass(frozen=True)
class VariableRequest:
    """One approved variable: "REGISTER.name", its years and its coarsening."""

    label: str
    first_year: int
    last_year: int
    coarsening: str = ""

    @property
    def register(self) -> str:
        return self.label.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.label.split(".", 1)[-1]

    @property
    def field(self) -> str:
        return f"variables:{self.label}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "first_year": self.first_year,
            "last_year": self.last_year,
            "coarsening": self.coarsening,
        }


@dataclass(frozen=True)
class ExtractionRequest:
    """What the delivery asks; the delivery room builds it from the project's approved scope."""

    project: str
    delivery: int
    variables: tuple[VariableRequest, ...]
    population: PopulationDefinition
    sample_size: int | None = None
    formats: tuple[str, ...] = ("parquet",)
    external: tuple[ExternalTable, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "delivery": self.delivery,
            "variables": [v.as_dict() for v in self.variables],
            "population": self.population.as_dict(),
            "sample_size": self.sample_size,
            "formats": list(self.formats),
            "external": [
                {"name": e.name, "path": str(e.path), "description": e.description}
                for e in self.external
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ExtractionRequest:
        try:
            population = population_from_dict(data.get("population"))
        except PopulationError as exc:
            raise PlanError(exc.field, exc.message) from None
        try:
            variables = tuple(
                VariableRequest(
                    label=str(v["label"]),
                    first_year=int(v["first_year"]),
                    last_year=int(v["last_year"]),
                    coarsening=str(v.get("coarsening") or ""),
                )
                for v in data.get("variables") or []
            )
            sample = data.get("sample_size")
            return cls(
                project=str(data["project"]),
                delivery=int(data["delivery"]),
                variables=variables,
                population=population,
                sample_size=None if sample is None else int(sample),
                formats=tuple(str(f) for f in data.get("formats") or ("parquet",)),
                external=tuple(
                    ExternalTable(str(e["name"]), Path(e["path"]), str(e.get("description", "")))
                    for e in data.get("external") or []
                ),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PlanError("request", f"The request is not well formed ({exc}).") from None
