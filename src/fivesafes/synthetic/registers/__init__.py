"""The synthetic registers, one module each: METADATA (a Register, declared in the TOML file of
the module's name beside it, see `_metadata`) and a generate function.

PERSON_REGISTERS are generated per chunk of persons, in this order (EMPLOYMENT before INCOME,
which uses its days worked); ENTERPRISE_REGISTERS (business, workplaces) once at the end of a run.
"""

from __future__ import annotations

from fivesafes.metadata.model import Register
from fivesafes.synthetic.registers import (
    business,
    causes_of_death,
    couples,
    education,
    employment,
    hospital,
    income,
    parents,
    population,
    prescriptions,
    residence,
    workplaces,
)

PERSON_REGISTERS = [
    population,
    parents,
    couples,
    residence,
    education,
    employment,
    income,
    hospital,
    prescriptions,
    causes_of_death,
]
ENTERPRISE_REGISTERS = [business, workplaces]


def all_metadata() -> dict[str, Register]:
    """Every register's metadata by short name."""
    mods = [*PERSON_REGISTERS, *ENTERPRISE_REGISTERS]
    return {m.METADATA.short_name: m.METADATA for m in mods}
