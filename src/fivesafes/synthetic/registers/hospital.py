"""HOSPITAL: hospital contacts with ICD-10-like main diagnosis, admission and discharge (EVENT)."""

from __future__ import annotations

import numpy as np

from fivesafes.metadata.model import Code, CodeList, Text
from fivesafes.synthetic import codelists
from fivesafes.synthetic.registers._common import Chunk, leaf_positions
from fivesafes.synthetic.registers._events import draw_events
from fivesafes.synthetic.registers._metadata import declare
from fivesafes.synthetic.timeline import DAYS_PER_YEAR, END, EPOCH_DATE, START

CONTACT_TYPE = CodeList(
    "contact_type",
    (
        Code("1", Text("Inpatient", "Indlagt"), EPOCH_DATE),
        Code("2", Text("Outpatient", "Ambulant"), EPOCH_DATE),
        Code("3", Text("Emergency room", "Skadestue"), EPOCH_DATE),
    ),
)

METADATA = declare(__file__, [CONTACT_TYPE, codelists.icd10().code_list])
NAME = METADATA.short_name

_ICD = codelists.icd10()
_ICD_LEAF_POS = leaf_positions(_ICD)
_PREGNANCY = codelists.icd_chapter_index("XV")
_Z = codelists.icd_chapter_index("XXI")
_Z_LEAVES = np.flatnonzero(_ICD.leaf_group == _Z)


def generate(c: Chunk) -> None:
    p, rng = c.people, c.rng
    person, admit = draw_events(rng, p, START, 0.03, 0.003, 0.6)
    leaf = rng.choice(len(_ICD.leaves), size=len(person), p=_ICD.weights)
    age = (admit - p.birth[person]) / DAYS_PER_YEAR
    not_pregnant = (_ICD.leaf_group[leaf] == _PREGNANCY) & (
        p.male[person] | (age < 14) | (age > 50)
    )
    leaf[not_pregnant] = _Z_LEAVES[rng.integers(0, len(_Z_LEAVES), int(not_pregnant.sum()))]
    kind = rng.choice(3, size=len(person), p=[0.3, 0.55, 0.15])
    stay = np.where(kind == 0, rng.geometric(0.22, len(person)), 0)
    discharge = np.minimum.reduce([admit + stay, p.exit[person] - 1, np.full(len(person), END)])
    discharge = np.maximum(discharge, admit)
    c.sink.write_by_year(
        NAME,
        {
            "contact_id": c.next_ids("contact", len(person)),
            "pnr": p.pnr[person],
            "admission_date": admit,
            "discharge_date": discharge,
            "contact_type": kind,
            "diagnosis": _ICD_LEAF_POS[leaf],
        },
        admit,
    )
