"""CAUSES_OF_DEATH: underlying cause of every death in the country (FIXED per deceased person).

The cause depends on age: external causes dominate among the young, circulatory diseases,
cancers and dementia among the old; rare causes occur a handful of times.
"""

from __future__ import annotations

import numpy as np

from fivesafes.synthetic import codelists
from fivesafes.synthetic.people import NEVER
from fivesafes.synthetic.registers._common import (
    Chunk,
    cumulative_draw,
    leaf_positions,
    leaves_within,
)
from fivesafes.synthetic.registers._metadata import declare
from fivesafes.synthetic.timeline import DAYS_PER_YEAR

METADATA = declare(__file__, [codelists.icd10().code_list])
NAME = METADATA.short_name

_ICD = codelists.icd10()
_LEAF_POS = leaf_positions(_ICD)
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
            "pnr": p.pnr[dead],
            "death_date": p.death[dead],
            "cause": _LEAF_POS[leaf],
        },
    )
