"""The plain description of an application the rules read: no models, only values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from fivesafes.metadata.population import CatalogueEntry, PopulationDefinition


@dataclass(frozen=True)
class VariableFacts:
    """One requested variable with its years, flags from the catalogue and the applicant's text."""

    register: str
    name: str
    first_year: int
    last_year: int
    justification: str = ""
    identifying_justification: str = ""
    coarsening: str = ""
    directly_identifying: bool = False
    particularly_identifying: bool = False
    special_category: bool = False
    business_data: bool = False
    subject_area: str = ""
    standard_register: bool = True
    available_from: int | None = None
    available_to: int | None = None

    @property
    def label(self) -> str:
        return f"{self.register}.{self.name}"


@dataclass(frozen=True)
class MemberFacts:
    """A member as the rules see them: attached to an authorised institution, certified."""

    name: str
    attached: bool
    certified: bool


@dataclass(frozen=True)
class ExternalDataFacts:
    """Data from another source to be linked in (R15)."""

    source: str
    approval_reference: str = ""


@dataclass(frozen=True)
class ApplicationFacts:
    today: date
    institution_name: str = ""
    institution_kind: str = ""
    institution_authorised: bool = False
    # The last day of the institution's current authorisation (None: open-ended or unknown).
    institution_authorised_until: date | None = None
    business_data_exemption: bool = False
    title: str = ""
    purpose: str = ""
    description: str = ""
    has_protocol: bool = False
    legal_basis_art6: str = ""
    legal_basis_art9: str = ""
    has_dpia: bool = False
    no_dpia_reason: str = ""
    population_definition: str = ""
    population: PopulationDefinition = field(default_factory=PopulationDefinition)
    # What the catalogue says about each variable the population's criteria refer to.
    population_catalogue: Mapping[str, CatalogueEntry] = field(default_factory=dict)
    starts_on: date | None = None
    ends_on: date | None = None
    total_population: bool = False
    total_population_reason: str = ""
    sample_size: int | None = None
    sample_reason: str = ""
    variables: tuple[VariableFacts, ...] = field(default_factory=tuple)
    external_data: tuple[ExternalDataFacts, ...] = field(default_factory=tuple)
    members: tuple[MemberFacts, ...] = field(default_factory=tuple)

    def population_entries(self) -> list[CatalogueEntry]:
        """The catalogue entries of the variables the population selects on."""
        return [
            self.population_catalogue[name]
            for name in self.population.variables
            if name in self.population_catalogue
        ]
