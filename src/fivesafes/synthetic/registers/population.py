"""POPULATION: one row per person ever resident 1980-2025 (FIXED): birth, sex, origin, migration, death."""

from __future__ import annotations

import numpy as np

from fivesafes.metadata.model import Code, CodeList, Role, Sentinel, Text
from fivesafes.synthetic import codelists
from fivesafes.synthetic.people import NEVER
from fivesafes.synthetic.registers._common import Chunk
from fivesafes.synthetic.registers._metadata import declare
from fivesafes.synthetic.timeline import EPOCH_DATE
from fivesafes.synthetic.writer import dictionary_of

SEX = CodeList(
    "sex",
    (Code("1", Text("Male", "Mand"), EPOCH_DATE), Code("2", Text("Female", "Kvinde"), EPOCH_DATE)),
)
ORIGIN = CodeList(
    "origin",
    (
        Code("1", Text("Danish origin", "Dansk oprindelse"), EPOCH_DATE),
        Code("2", Text("Immigrant", "Indvandrer"), EPOCH_DATE),
        Code("3", Text("Descendant of immigrants", "Efterkommer"), EPOCH_DATE),
    ),
)
COUNTRY_UNKNOWN = Sentinel(codelists.COUNTRY_UNKNOWN, Text("Unknown country", "Ukendt land"))

METADATA = declare(
    __file__, [SEX, ORIGIN, codelists.country_code_list()], sentinels=[COUNTRY_UNKNOWN]
)
NAME = METADATA.short_name
assert METADATA.identifier.role is Role.IDENTIFIER

_, _COUNTRY_POS = dictionary_of(codelists.country_code_list(), [codelists.COUNTRY_UNKNOWN])


def generate(c: Chunk) -> None:
    p = c.people
    c.sink.write(
        NAME,
        {
            "pnr": p.pnr,
            "birth_date": p.birth,
            "sex": np.where(p.male, 0, 1),
            "origin": p.origin,
            "birth_country": _country_index(p.country),
            "immigration_date": (p.immigration, p.immigration != NEVER),
            "emigration_date": (p.emigration, p.emigration != NEVER),
            "death_date": (p.death, p.death != NEVER),
        },
    )


def _country_index(country: np.ndarray) -> np.ndarray:
    uniq, inverse = np.unique(country.astype(str), return_inverse=True)
    lookup = np.array([_COUNTRY_POS[u] for u in uniq], dtype=np.int32)
    return lookup[inverse]
