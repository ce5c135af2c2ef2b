"""The register metadata model as plain typed Python (no framework).

A register (a dataset) describes one kind of unit over time: its identifier, its time variables
(chosen by its temporality) and its measures. Each variable has a value domain (described, or a
code list with validity periods) and sensitivity flags that later steps of the service act on:
directly identifying variables are removed at extraction, particularly identifying ones need a
separate justification (R11), special-category ones are GDPR art. 9 data, business data falls
under R3, R4 and the one-year embargo of R13.

Objects are immutable; `fivesafes.metadata.codec` turns them into and out of the JSON format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Temporality(StrEnum):
    """How a register's values relate to time (after microdata.no's four kinds)."""

    FIXED = "FIXED"  # one value per unit for all time (birth date)
    STATUS = "STATUS"  # value at a measurement date (municipality on 1 January)
    ACCUMULATED = "ACCUMULATED"  # summed over a period (yearly income)
    EVENT = "EVENT"  # something with a start and an optional stop (hospital admission)


class DataType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    BOOLEAN = "boolean"


class Role(StrEnum):
    """What a variable is for within its register."""

    IDENTIFIER = "identifier"  # identifies the register's unit
    START = "start"  # measurement date (STATUS) or start of the period (ACCUMULATED, EVENT)
    STOP = "stop"  # end of the period, inclusive (ACCUMULATED, EVENT)
    MEASURE = "measure"  # everything else, including links to other units


class SubjectArea(StrEnum):
    POPULATION = "population"
    FAMILY = "family"
    LABOUR_MARKET = "labour_market"
    EARNINGS = "earnings"
    INCOME = "income"
    HEALTH = "health"
    EDUCATION = "education"
    BUSINESS = "business"
    HOUSING = "housing"
    SOCIAL = "social"
    OTHER = "other"


class UpdateFrequency(StrEnum):
    DAILY = "daily"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    IRREGULAR = "irregular"
    DISCONTINUED = "discontinued"


@dataclass(frozen=True)
class Text:
    """A text in English and Danish; both are required in the catalogue."""

    en: str
    da: str


@dataclass(frozen=True)
class UnitType:
    """A kind of unit a register can describe, with the kind of identifier it carries."""

    name: str
    label: Text
    identifier_kind: str


@dataclass(frozen=True)
class Sensitivity:
    directly_identifying: bool = False
    particularly_identifying: bool = False
    special_category: bool = False
    business_data: bool = False

    def flags(self) -> list[str]:
        """The names of the flags that are set, in the JSON spelling."""
        names = {
            "directlyIdentifying": self.directly_identifying,
            "particularlyIdentifying": self.particularly_identifying,
            "specialCategory": self.special_category,
            "businessData": self.business_data,
        }
        return [name for name, value in names.items() if value]


@dataclass(frozen=True)
class Code:
    """One category of a code list, valid from a date and optionally until a date (inclusive)."""

    code: str
    label: Text
    valid_from: dt.date
    valid_until: dt.date | None = None
    level: int | None = None
    parent: str | None = None

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class Sentinel:
    """A special value meaning missing, unknown or not applicable; not part of the code list."""

    code: str
    label: Text


@dataclass(frozen=True)
class CodeList:
    name: str
    codes: tuple[Code, ...]

    def code_values(self) -> set[str]:
        return {c.code for c in self.codes}


@dataclass(frozen=True)
class ValueDomain:
    """Either a described domain (text, optional bounds/pattern) or a code list."""

    description: Text | None = None
    code_list: CodeList | None = None
    sentinels: tuple[Sentinel, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None

    @property
    def is_code_list(self) -> bool:
        return self.code_list is not None


@dataclass(frozen=True)
class Variable:
    name: str
    label: Text
    description: Text
    data_type: DataType
    value_domain: ValueDomain
    role: Role = Role.MEASURE
    unit_of_measure: Text | None = None
    links_to: str | None = None  # the unit type a measure variable identifies (mother -> person)
    nullable: bool = False
    sensitivity: Sensitivity = field(default_factory=Sensitivity)


@dataclass(frozen=True)
class TimeCoverage:
    first_year: int
    last_year: int

    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


@dataclass(frozen=True)
class QualityDeclaration:
    """The quality declaration R26 asks for, per statistic."""

    purpose: Text
    history: Text
    collection_method: Text
    accuracy: Text
    reference_period: Text
    comparability: Text


@dataclass(frozen=True)
class DataOwner:
    name: Text
    is_statistics_office: bool


@dataclass(frozen=True)
class Register:
    short_name: str
    version: str
    title: Text
    description: Text
    subject_area: SubjectArea
    data_owner: DataOwner
    unit_type: str
    temporality: Temporality
    time_coverage: TimeCoverage
    update_frequency: UpdateFrequency
    quality: QualityDeclaration
    variables: tuple[Variable, ...]

    def variable(self, name: str) -> Variable:
        for var in self.variables:
            if var.name == name:
                return var
        raise KeyError(name)

    def by_role(self, role: Role) -> Variable | None:
        for var in self.variables:
            if var.role is role:
                return var
        return None

    @property
    def identifier(self) -> Variable:
        var = self.by_role(Role.IDENTIFIER)
        if var is None:  # the loader refuses such registers; constructed ones may lack it
            raise ValueError(f"register {self.short_name} has no identifier variable")
        return var

    @property
    def start(self) -> Variable | None:
        return self.by_role(Role.START)

    @property
    def stop(self) -> Variable | None:
        return self.by_role(Role.STOP)

    @property
    def partitioned_by_year(self) -> bool:
        """Temporal registers are stored in one folder per year of their start variable."""
        return self.temporality is not Temporality.FIXED
