"""EDUCATION: highest completed education (ISCED-like level) on 1 October each year (STATUS), age 15+."""

from __future__ import annotations

import numpy as np

from fivesafes.metadata.model import Sentinel, Text
from fivesafes.synthetic import codelists
from fivesafes.synthetic.registers._common import Chunk
from fivesafes.synthetic.registers._metadata import declare
from fivesafes.synthetic.timeline import DAYS_PER_YEAR, YEARS, day
from fivesafes.synthetic.writer import dictionary_of

UNKNOWN = Sentinel(codelists.EDUCATION_UNKNOWN, Text("Education not known", "Uddannelse uoplyst"))

METADATA = declare(__file__, [codelists.education_code_list()], sentinels=[UNKNOWN])
NAME = METADATA.short_name

_, _POS = dictionary_of(codelists.education_code_list(), [codelists.EDUCATION_UNKNOWN])
_LEVEL_POS = np.array([_POS[c] for c, *_ in codelists.ISCED], dtype=np.int32)


def level_at(c: Chunk, age: np.ndarray) -> np.ndarray:
    """Index into ISCED of each person's highest completed level at `age` (years, per person)."""
    p = c.people
    done = (p.edu_ages <= age[:, None]).sum(axis=1)
    return np.where(done > 0, p.edu_codes[np.arange(p.n), np.maximum(done - 1, 0)], 0)


def generate(c: Chunk) -> None:
    p = c.people
    for year in YEARS:
        d = day(int(year), 10, 1)
        age = (d - p.birth) / DAYS_PER_YEAR
        rows = np.flatnonzero((p.entry <= d) & (d < p.exit) & (age >= 15))
        level = level_at(c, age)[rows]
        pos = np.where(p.edu_unknown[rows], _POS[codelists.EDUCATION_UNKNOWN], _LEVEL_POS[level])
        c.sink.write(
            NAME,
            {
                "pnr": p.pnr[rows],
                "ref_date": d,
                "isced": pos,
            },
            year=int(year),
        )
