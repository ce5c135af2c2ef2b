"""POPULATION: one row per person ever resident 1980-2025 (FIXED): birth, sex, origin, migration, death."""

from __future__ import annotations

import numpy as np

from fivesafes.metadata.model import Code, CodeList, Role, Sentinel, SubjectArea, Temporality
from fivesafes.synthetic import codelists
from fivesafes.synthetic.people import NEVER
from fivesafes.synthetic.registers._common import (
    Chunk,
    coded_var,
    date_var,
    dictionary_of,
    person_number,
    quality,
    register,
    t,
)
from fivesafes.synthetic.timeline import EPOCH_DATE
from fivesafes.synthetic.writer import coded, dates, fixed_strings

NAME = "POPULATION"
SEX = CodeList(
    "sex", (Code("1", t("Male", "Mand"), EPOCH_DATE), Code("2", t("Female", "Kvinde"), EPOCH_DATE))
)
ORIGIN = CodeList(
    "origin",
    (
        Code("1", t("Danish origin", "Dansk oprindelse"), EPOCH_DATE),
        Code("2", t("Immigrant", "Indvandrer"), EPOCH_DATE),
        Code("3", t("Descendant of immigrants", "Efterkommer"), EPOCH_DATE),
    ),
)
COUNTRY_UNKNOWN = Sentinel(codelists.COUNTRY_UNKNOWN, t("Unknown country", "Ukendt land"))

METADATA = register(
    NAME,
    ("Population register: persons", "Befolkningsregister: personer"),
    (
        "Every person resident in the country at some time from 1980 to 2025, with birth date, sex, origin, country of birth, immigration, emigration and death.",
        "Alle personer med bopæl i landet på et tidspunkt 1980-2025 med fødselsdato, køn, herkomst, fødeland, indvandring, udvandring og død.",
    ),
    subject_area=SubjectArea.POPULATION,
    unit_type="person",
    temporality=Temporality.FIXED,
    quality=quality(
        (
            "Basic demographic facts for every person, the frame all person registers link to.",
            "Grundlæggende demografiske oplysninger om alle personer; rammen alle personregistre kobles til.",
        ),
        (
            "Built from the civil registration system since its start",
            "Dannet fra CPR siden dets start",
        ),
        (
            "Administrative register: municipalities report births, moves, migrations and deaths.",
            "Administrativt register: kommunerne indberetter fødsler, flytninger, vandringer og dødsfald.",
        ),
        (
            "Complete coverage of residents; deaths abroad after emigration are not known.",
            "Fuld dækning af bosiddende; dødsfald i udlandet efter udvandring kendes ikke.",
        ),
        ("Status at the end of 2025.", "Status ved udgangen af 2025."),
        (
            "Comparable over the whole period; origin is derived from the parents' country of birth.",
            "Sammenlignelig over hele perioden; herkomst er afledt af forældrenes fødeland.",
        ),
    ),
    variables=(
        person_number(),
        date_var(
            "birth_date",
            ("Birth date", "Fødselsdato"),
            ("Date of birth.", "Fødselsdato."),
            particularly=True,
        ),
        coded_var(
            "sex",
            ("Sex", "Køn"),
            ("Sex as registered at birth.", "Køn som registreret ved fødslen."),
            SEX,
        ),
        coded_var(
            "origin",
            ("Origin", "Herkomst"),
            (
                "Danish origin, immigrant (born abroad) or descendant (born here to immigrant parents).",
                "Dansk oprindelse, indvandrer (født i udlandet) eller efterkommer (født her af indvandrere).",
            ),
            ORIGIN,
            special=True,
        ),
        coded_var(
            "birth_country",
            ("Country of birth", "Fødeland"),
            ("Country of birth.", "Fødeland."),
            codelists.country_code_list(),
            sentinels=[COUNTRY_UNKNOWN],
            special=True,
        ),
        date_var(
            "immigration_date",
            ("Immigration date", "Indvandringsdato"),
            (
                "Date of (first) immigration for persons born abroad.",
                "Dato for (første) indvandring for personer født i udlandet.",
            ),
            nullable=True,
        ),
        date_var(
            "emigration_date",
            ("Emigration date", "Udvandringsdato"),
            (
                "Date of emigration, if the person left before the end of 2025.",
                "Udvandringsdato, hvis personen udvandrede før udgangen af 2025.",
            ),
            nullable=True,
        ),
        date_var(
            "death_date",
            ("Date of death", "Dødsdato"),
            ("Date of death in the country.", "Dødsdato i landet."),
            nullable=True,
            particularly=True,
        ),
    ),
)
assert METADATA.identifier.role is Role.IDENTIFIER

_SEX, _SEX_POS = dictionary_of(SEX)
_ORIGIN, _ = dictionary_of(ORIGIN)
_COUNTRY, _COUNTRY_POS = dictionary_of(codelists.country_code_list(), [codelists.COUNTRY_UNKNOWN])


def generate(c: Chunk) -> None:
    p = c.people
    country_idx = _country_index(p.country)
    c.sink.write(
        NAME,
        {
            "pnr": fixed_strings(p.pnr),
            "birth_date": dates(p.birth),
            "sex": coded(np.where(p.male, 0, 1), _SEX),
            "origin": coded(p.origin, _ORIGIN),
            "birth_country": coded(country_idx, _COUNTRY),
            "immigration_date": dates(p.immigration, p.immigration != NEVER),
            "emigration_date": dates(p.emigration, p.emigration != NEVER),
            "death_date": dates(p.death, p.death != NEVER),
        },
    )


def _country_index(country: np.ndarray) -> np.ndarray:
    uniq, inverse = np.unique(country.astype(str), return_inverse=True)
    lookup = np.array([_COUNTRY_POS[u] for u in uniq], dtype=np.int32)
    return lookup[inverse]
