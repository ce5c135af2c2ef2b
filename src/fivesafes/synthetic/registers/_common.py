"""Shared pieces of the register modules: metadata shorthands, code positions, the per-chunk context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TypedDict, Unpack

import numpy as np
import pyarrow as pa

from fivesafes.metadata.model import (
    CodeList,
    DataOwner,
    DataType,
    QualityDeclaration,
    Register,
    Role,
    Sensitivity,
    Sentinel,
    SubjectArea,
    Temporality,
    Text,
    TimeCoverage,
    UpdateFrequency,
    ValueDomain,
    Variable,
)
from fivesafes.synthetic import codelists
from fivesafes.synthetic.enterprises import Enterprises
from fivesafes.synthetic.people import People
from fivesafes.synthetic.writer import RegisterSink, dates

VERSION = "1.0.0"
OFFICE = DataOwner(Text("Statistics office", "Statistikkontoret"), True)
HEALTH_AUTHORITY = DataOwner(Text("Health data authority", "Sundhedsdatamyndigheden"), False)
PNR_PATTERN = "^[0-9]{10}$"
REFORM_YEAR = 2007  # the municipal reform: codes before it are the old municipalities'
SYNTHETIC_NOTE = Text(
    "Synthetic data drawn by the fivesafes generator; no real person or enterprise is described.",
    "Syntetiske data dannet af fivesafes-generatoren; ingen virkelige personer eller virksomheder er beskrevet.",
)


def t(en: str, da: str) -> Text:
    return Text(en, da)


def described(
    en: str,
    da: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    pattern: str | None = None,
    sentinels: Sequence[Sentinel] = (),
) -> ValueDomain:
    return ValueDomain(
        description=Text(en, da),
        minimum=minimum,
        maximum=maximum,
        pattern=pattern,
        sentinels=tuple(sentinels),
    )


def code_domain(code_list: CodeList, sentinels: Sequence[Sentinel] = ()) -> ValueDomain:
    return ValueDomain(code_list=code_list, sentinels=tuple(sentinels))


class Flags(TypedDict, total=False):
    """The sensitivity flags of a variable, as `var` takes them (all False unless given)."""

    directly: bool
    particularly: bool
    special: bool
    business: bool


def var(
    name: str,
    label: tuple[str, str],
    description: tuple[str, str],
    data_type: DataType,
    domain: ValueDomain,
    *,
    role: Role = Role.MEASURE,
    unit: tuple[str, str] | None = None,
    links_to: str | None = None,
    nullable: bool = False,
    directly: bool = False,
    particularly: bool = False,
    special: bool = False,
    business: bool = False,
) -> Variable:
    return Variable(
        name=name,
        label=Text(*label),
        description=Text(*description),
        data_type=data_type,
        value_domain=domain,
        role=role,
        unit_of_measure=None if unit is None else Text(*unit),
        links_to=links_to,
        nullable=nullable,
        sensitivity=Sensitivity(directly, particularly, special, business),
    )


def person_number(
    name: str = "pnr",
    *,
    role: Role = Role.IDENTIFIER,
    label: tuple[str, str] | None = None,
    nullable: bool = False,
) -> Variable:
    """A person number column: directly identifying, removed or pseudonymised at extraction."""
    return var(
        name,
        label or ("Person number", "Personnummer"),
        (
            "CPR-like person number: birth date (DDMMYY), a century digit and a serial whose last digit is odd for men.",
            "CPR-lignende personnummer: fødselsdato (DDMMÅÅ), et århundredeciffer og et løbenummer, hvis sidste ciffer er ulige for mænd.",
        ),
        DataType.STRING,
        described("Ten digits", "Ti cifre", pattern=PNR_PATTERN),
        role=role,
        links_to="person" if role is Role.MEASURE else None,
        nullable=nullable,
        directly=True,
    )


def date_var(
    name: str,
    label: tuple[str, str],
    description: tuple[str, str],
    *,
    role: Role = Role.MEASURE,
    nullable: bool = False,
    particularly: bool = False,
) -> Variable:
    return var(
        name,
        label,
        description,
        DataType.DATE,
        described("A calendar date", "En kalenderdato"),
        role=role,
        nullable=nullable,
        particularly=particularly,
    )


def quality(
    purpose: tuple[str, str],
    history: tuple[str, str],
    method: tuple[str, str],
    accuracy: tuple[str, str],
    reference: tuple[str, str],
    comparability: tuple[str, str],
) -> QualityDeclaration:
    """A quality declaration; the history is followed by the note that the data are synthetic
    (after a space when the history ends a sentence, after "; " when it does not)."""
    return QualityDeclaration(
        Text(*purpose),
        Text(
            _then_synthetic(history[0], SYNTHETIC_NOTE.en),
            _then_synthetic(history[1], SYNTHETIC_NOTE.da),
        ),
        Text(*method),
        Text(*accuracy),
        Text(*reference),
        Text(*comparability),
    )


def _then_synthetic(history: str, note: str) -> str:
    return history + (" " if history.endswith(".") else "; ") + note


def register(
    name: str,
    title: tuple[str, str],
    description: tuple[str, str],
    *,
    subject_area: SubjectArea,
    unit_type: str,
    temporality: Temporality,
    quality: QualityDeclaration,
    variables: tuple[Variable, ...],
    data_owner: DataOwner = OFFICE,
    first_year: int = 1980,
    update_frequency: UpdateFrequency = UpdateFrequency.YEARLY,
) -> Register:
    """A synthetic register's metadata: this generator's version, covering `first_year` to 2025."""
    return Register(
        short_name=name,
        version=VERSION,
        title=Text(*title),
        description=Text(*description),
        subject_area=subject_area,
        data_owner=data_owner,
        unit_type=unit_type,
        temporality=temporality,
        time_coverage=TimeCoverage(first_year, 2025),
        update_frequency=update_frequency,
        quality=quality,
        variables=variables,
    )


def id_number(
    name: str,
    label: tuple[str, str],
    description: tuple[str, str],
    *,
    links_to: str | None = None,
    **flags: Unpack[Flags],
) -> Variable:
    """A positive integer id: the register's identifier, or with `links_to` a link to that unit."""
    role = Role.IDENTIFIER if links_to is None else Role.MEASURE
    domain = described("Positive integer", "Positivt heltal", minimum=1)
    return var(
        name, label, description, DataType.INTEGER, domain, role=role, links_to=links_to, **flags
    )


def coded_var(
    name: str,
    label: tuple[str, str],
    description: tuple[str, str],
    code_list: CodeList,
    *,
    sentinels: Sequence[Sentinel] = (),
    **flags: Unpack[Flags],
) -> Variable:
    """A code column whose values come from `code_list` (and the sentinels)."""
    return var(
        name, label, description, DataType.STRING, code_domain(code_list, sentinels), **flags
    )


def reference_date(description: tuple[str, str]) -> Variable:
    """The `ref_date` of a STATUS register: the day of the year the status describes."""
    return date_var("ref_date", ("Reference date", "Opgørelsesdato"), description, role=Role.START)


def on_day(day: int, count: int) -> pa.Array:
    """A date column holding the same day `count` times (a status register's reference date)."""
    return dates(np.full(count, day, dtype=np.int64))


def dictionary_of(
    code_list: CodeList, extra: Sequence[str] = ()
) -> tuple[pa.Array, dict[str, int]]:
    """The Arrow dictionary of a code list's codes (plus sentinels) and each code's position."""
    codes = list(dict.fromkeys([c.code for c in code_list.codes] + list(extra)))
    return pa.array(codes, type=pa.string()), {c: i for i, c in enumerate(codes)}


@dataclass
class Chunk:
    """What one chunk's register modules share."""

    rng: np.random.Generator
    people: People
    enterprises: Enterprises
    sink: RegisterSink
    persons_total: int
    ids: dict[str, int]  # next free id per event kind, carried across chunks
    work_days: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0))
    )  # (n, years) days employed
    pay_factor: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0))
    )  # (n, years) pay-weighted days

    def next_ids(self, kind: str, count: int) -> np.ndarray:
        first = self.ids.get(kind, 1)
        self.ids[kind] = first + count
        return np.arange(first, first + count, dtype=np.int64)


def leaf_positions(hierarchy: codelists.Hierarchy) -> tuple[pa.Array, np.ndarray]:
    """The Arrow dictionary of a hierarchy's code list and the position in it of each leaf."""
    dictionary, positions = dictionary_of(hierarchy.code_list)
    return dictionary, np.array([positions[x] for x in hierarchy.leaves], dtype=np.int32)


@dataclass(frozen=True)
class MunicipalityCodes:
    """The municipality code list as an Arrow dictionary, with the position of each municipality's
    code valid from the reform (`new`) and of its predecessors' codes valid before (`old`)."""

    dictionary: pa.Array
    new: np.ndarray  # (municipalities,)
    old: np.ndarray  # (municipalities, 4); a municipality without predecessors repeats its new code
    n_old: np.ndarray  # predecessors per municipality

    def in_year(self, year: int, municipality: np.ndarray, predecessor: np.ndarray) -> np.ndarray:
        """Dictionary positions of the codes valid in `year`: before the reform, each
        municipality's `predecessor`-th old code (taken modulo its number of predecessors
        by the caller), after it the new code."""
        if year >= REFORM_YEAR:
            return self.new[municipality]
        return np.where(
            self.n_old[municipality] > 0,
            self.old[municipality, predecessor],
            self.new[municipality],
        )


@cache
def municipality_codes() -> MunicipalityCodes:
    """The positions of the synthetic municipality codes (see `MunicipalityCodes`)."""
    munis = codelists.municipalities()
    dictionary, pos = dictionary_of(munis.code_list)
    old = [
        [pos[c] if c else pos[munis.new_codes[i]] for c in row]
        for i, row in enumerate(munis.old_codes)
    ]
    return MunicipalityCodes(
        dictionary,
        np.array([pos[c] for c in munis.new_codes], dtype=np.int32),
        np.array(old, dtype=np.int32),
        munis.n_old,
    )


def cumulative_draw(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One category per row of `probabilities` (rows, categories), each row normalised first."""
    cum = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
    drawn = (rng.random(len(probabilities))[:, None] > cum).sum(axis=1)
    return drawn.clip(0, probabilities.shape[1] - 1)


def leaves_within(
    rng: np.random.Generator,
    hierarchy: codelists.Hierarchy,
    choice: np.ndarray,
    groups: Sequence[int],
) -> np.ndarray:
    """A leaf per row, drawn by the leaves' weights from top-level group `groups[choice[row]]`."""
    leaf = np.zeros(len(choice), dtype=np.int64)
    for i, group in enumerate(groups):
        rows = np.flatnonzero(choice == i)
        members = np.flatnonzero(hierarchy.leaf_group == group)
        w = hierarchy.weights[members]
        leaf[rows] = members[rng.choice(len(members), size=len(rows), p=w / w.sum())]
    return leaf
