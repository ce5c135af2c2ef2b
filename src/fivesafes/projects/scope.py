"""The approved scope of a project (R16) as a typed value, free of Django: what the decision
granted and what the later rooms (data delivery, the workspace, output release) read.

A `Scope` holds the variables with their years and coarsening, the population (its words,
unit, criteria over catalogue variables, total or sample size), the members, the period, the
external data linked and the terms the decision weighed. It is stored as today's JSON
(`Project.approved_scope`): `Scope.from_dict(stored).as_dict() == stored` for every scope
the service writes, and `project.scope` reads it. `rules/scope.py` compares two scopes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class VariableScope:
    """One approved variable: `label` is REGISTER.NAME; years inclusive."""

    label: str
    first_year: int
    last_year: int
    coarsening: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "first_year": self.first_year,
            "last_year": self.last_year,
            "coarsening": self.coarsening,
        }


@dataclass(frozen=True)
class PopulationScope:
    """The approved population: all `criteria` hold (see `metadata/population.py`)."""

    definition: str = ""
    unit: str = "person"
    criteria: tuple[Mapping[str, Any], ...] = ()
    total: bool = False
    sample_size: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "definition": self.definition,
            "unit": self.unit,
            "criteria": [dict(c) for c in self.criteria],
            "total": self.total,
            "sample_size": self.sample_size,
        }


@dataclass(frozen=True)
class Member:
    person_id: int
    username: str


@dataclass(frozen=True)
class Period:
    starts_on: date | None = None
    ends_on: date | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "starts_on": self.starts_on.isoformat() if self.starts_on else None,
            "ends_on": self.ends_on.isoformat() if self.ends_on else None,
        }


@dataclass(frozen=True)
class Scope:
    """What a decision granted (see the module docstring). `terms` is None for scopes recorded
    before the terms were part of them."""

    variables: tuple[VariableScope, ...] = ()
    population: PopulationScope = field(default_factory=PopulationScope)
    members: tuple[Member, ...] = ()
    period: Period = field(default_factory=Period)
    external_data: tuple[str, ...] = ()
    terms: Mapping[str, str] | None = None

    def variable(self, label: str) -> VariableScope | None:
        return next((v for v in self.variables if v.label == label), None)

    @property
    def variable_labels(self) -> list[str]:
        return [v.label for v in self.variables]

    @property
    def member_ids(self) -> set[int]:
        return {m.person_id for m in self.members}

    def as_dict(self) -> dict[str, Any]:
        """The stored JSON form."""
        stored: dict[str, Any] = {
            "variables": {v.label: v.as_dict() for v in self.variables},
            "population": self.population.as_dict(),
            "members": {str(m.person_id): m.username for m in self.members},
            "period": self.period.as_dict(),
            "external_data": list(self.external_data),
        }
        if self.terms is not None:
            stored["terms"] = dict(self.terms)
        return stored

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any] | None) -> Scope:
        """Read the stored JSON; missing parts are empty (an old or an empty scope)."""
        stored = stored or {}
        population = stored.get("population") or {}
        period = stored.get("period") or {}
        terms = stored.get("terms")
        return cls(
            variables=tuple(
                VariableScope(
                    label=label,
                    first_year=int(entry["first_year"]),
                    last_year=int(entry["last_year"]),
                    coarsening=entry.get("coarsening") or "",
                )
                for label, entry in (stored.get("variables") or {}).items()
            ),
            population=PopulationScope(
                definition=population.get("definition") or "",
                unit=population.get("unit") or "person",
                criteria=tuple(dict(c) for c in population.get("criteria") or ()),
                total=bool(population.get("total")),
                sample_size=population.get("sample_size"),
            ),
            members=tuple(
                Member(person_id=int(key), username=str(name))
                for key, name in (stored.get("members") or {}).items()
            ),
            period=Period(
                starts_on=_day(period.get("starts_on")),
                ends_on=_day(period.get("ends_on")),
            ),
            external_data=tuple(str(s) for s in stored.get("external_data") or ()),
            terms=None if terms is None else {str(k): str(v) for k, v in terms.items()},
        )


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None
