"""PARENTS: each person's mother and father (FIXED), the fertility links of the register base."""

from __future__ import annotations

from fivesafes.metadata.model import Role, SubjectArea, Temporality
from fivesafes.synthetic.registers._common import (
    Chunk,
    person_number,
    quality,
    register,
)
from fivesafes.synthetic.writer import fixed_strings

NAME = "PARENTS"
METADATA = register(
    NAME,
    (
        "Parents: links from children to mother and father",
        "Forældre: kobling fra børn til mor og far",
    ),
    (
        "For every person, the person numbers of the mother and the father where they are known (born in the country, parents resident at the birth).",
        "For alle personer moderens og faderens personnumre, hvor de kendes (født i landet, forældre bosiddende ved fødslen).",
    ),
    subject_area=SubjectArea.FAMILY,
    unit_type="person",
    temporality=Temporality.FIXED,
    quality=quality(
        (
            "Fertility and intergenerational research: who is whose child.",
            "Fertilitets- og generationsforskning: hvem er barn af hvem.",
        ),
        (
            "Links recorded at birth registration",
            "Koblinger registreret ved fødselsregistrering",
        ),
        (
            "Administrative register, from birth notifications.",
            "Administrativt register, fra fødselsanmeldelser.",
        ),
        (
            "Mothers are known for nearly all children born in the country from 1950; fathers for about 94 %. Immigrants' parents are not known.",
            "Mødre kendes for næsten alle børn født i landet fra 1950, fædre for ca. 94 %. Indvandreres forældre kendes ikke.",
        ),
        ("Links as of the end of 2025.", "Koblinger pr. udgangen af 2025."),
        (
            "Coverage of links is lower for persons born before 1960.",
            "Dækningen af koblinger er lavere for personer født før 1960.",
        ),
    ),
    variables=(
        person_number(),
        person_number(
            "mother_pnr",
            role=Role.MEASURE,
            label=("Mother's person number", "Moderens personnummer"),
            nullable=True,
        ),
        person_number(
            "father_pnr",
            role=Role.MEASURE,
            label=("Father's person number", "Faderens personnummer"),
            nullable=True,
        ),
    ),
)


def generate(c: Chunk) -> None:
    p = c.people
    has_m, has_f = p.mother >= 0, p.father >= 0
    c.sink.write(
        NAME,
        {
            "pnr": fixed_strings(p.pnr),
            "mother_pnr": fixed_strings(p.pnr[p.mother.clip(0)], has_m),
            "father_pnr": fixed_strings(p.pnr[p.father.clip(0)], has_f),
        },
    )
