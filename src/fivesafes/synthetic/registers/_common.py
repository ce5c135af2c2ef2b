"""Shared pieces of the register modules: metadata shorthands and the per-chunk context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from fivesafes.metadata.model import (
    CodeList,
    DataOwner,
    DataType,
    QualityDeclaration,
    Role,
    Sensitivity,
    Sentinel,
    Text,
    ValueDomain,
    Variable,
)
from fivesafes.synthetic.enterprises import Enterprises
from fivesafes.synthetic.people import People
from fivesafes.synthetic.writer import RegisterSink

VERSION = "1.0.0"
OFFICE = DataOwner(Text("Statistics office", "Statistikkontoret"), True)
HEALTH_AUTHORITY = DataOwner(Text("Health data authority", "Sundhedsdatamyndigheden"), False)
PNR_PATTERN = "^[0-9]{10}$"
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
    return QualityDeclaration(
        Text(*purpose),
        Text(*history),
        Text(*method),
        Text(*accuracy),
        Text(*reference),
        Text(*comparability),
    )


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
