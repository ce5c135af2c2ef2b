"""CAUSES_OF_DEATH: underlying cause of every death in the country (FIXED per deceased person).

The cause depends on age: external causes dominate among the young, circulatory diseases,
cancers and dementia among the old; rare causes occur a handful of times.
"""

from __future__ import annotations

import numpy as np

from fivesafes.metadata.model import SubjectArea, Temporality
from fivesafes.synthetic import codelists
from fivesafes.synthetic.people import NEVER
from fivesafes.synthetic.registers._common import (
    HEALTH_AUTHORITY,
    Chunk,
    coded_var,
    cumulative_draw,
    date_var,
    leaf_positions,
    leaves_within,
    person_number,
    quality,
    register,
)
from fivesafes.synthetic.timeline import DAYS_PER_YEAR
from fivesafes.synthetic.writer import coded, dates, fixed_strings

NAME = "CAUSES_OF_DEATH"
METADATA = register(
    NAME,
    ("Causes of death", "Dødsårsager"),
    (
        "Underlying cause of death of every person who died in the country.",
        "Den underliggende dødsårsag for alle døde i landet.",
    ),
    subject_area=SubjectArea.HEALTH,
    data_owner=HEALTH_AUTHORITY,
    unit_type="person",
    temporality=Temporality.FIXED,
    quality=quality(
        ("Mortality by cause.", "Dødelighed efter årsag."),
        (
            "Cause of death register",
            "Dødsårsagsregistret",
        ),
        ("Death certificates filled in by physicians.", "Dødsattester udfyldt af læger."),
        (
            "The underlying cause is uncertain for the oldest; some are coded as ill-defined (chapter XVIII).",
            "Den underliggende årsag er usikker for de ældste; nogle kodes som mangelfuldt defineret (kapitel XVIII).",
        ),
        ("Date of death.", "Dødsdato."),
        ("Coding practice changes over time.", "Kodepraksis ændres over tid."),
    ),
    variables=(
        person_number(),
        date_var(
            "death_date",
            ("Date of death", "Dødsdato"),
            ("Date of death.", "Dødsdato."),
            particularly=True,
        ),
        coded_var(
            "cause",
            ("Underlying cause of death", "Underliggende dødsårsag"),
            (
                "ICD-10-like code of the underlying cause.",
                "ICD-10-lignende kode for den underliggende årsag.",
            ),
            codelists.icd10().code_list,
            special=True,
        ),
    ),
)

_ICD = codelists.icd10()
_DICT, _LEAF_POS = leaf_positions(_ICD)
_CHAPTERS = ["II", "IX", "X", "V", "VI", "IV", "XI", "XX", "XVIII", "I"]
_YOUNG = np.array([0.15, 0.08, 0.03, 0.08, 0.06, 0.04, 0.05, 0.45, 0.04, 0.02])
_OLD = np.array([0.3, 0.3, 0.1, 0.08, 0.05, 0.04, 0.05, 0.03, 0.04, 0.01])


def generate(c: Chunk) -> None:
    p, rng = c.people, c.rng
    dead = np.flatnonzero(p.death != NEVER)
    age = (p.death[dead] - p.birth[dead]) / DAYS_PER_YEAR
    t_old = np.clip((age - 20) / 50, 0, 1)[:, None]
    probs = (1 - t_old) * _YOUNG + t_old * _OLD
    chapter = cumulative_draw(rng, probs)
    groups = [codelists.icd_chapter_index(roman) for roman in _CHAPTERS]
    leaf = leaves_within(rng, _ICD, chapter, groups)
    c.sink.write(
        NAME,
        {
            "pnr": fixed_strings(p.pnr[dead]),
            "death_date": dates(p.death[dead]),
            "cause": coded(_LEAF_POS[leaf], _DICT),
        },
    )
