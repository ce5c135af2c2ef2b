"""EDUCATION: highest completed education (ISCED-like level) on 1 October each year (STATUS), age 15+."""

from __future__ import annotations

import numpy as np

from fivesafes.metadata.model import Sentinel, SubjectArea, Temporality
from fivesafes.synthetic import codelists
from fivesafes.synthetic.registers._common import (
    Chunk,
    coded_var,
    dictionary_of,
    on_day,
    person_number,
    quality,
    reference_date,
    register,
    t,
)
from fivesafes.synthetic.timeline import DAYS_PER_YEAR, YEARS, day
from fivesafes.synthetic.writer import coded, fixed_strings

NAME = "EDUCATION"
UNKNOWN = Sentinel(codelists.EDUCATION_UNKNOWN, t("Education not known", "Uddannelse uoplyst"))

METADATA = register(
    NAME,
    ("Highest completed education", "Højeste fuldførte uddannelse"),
    (
        "The highest completed education of every resident aged 15 or more on 1 October each year, as an ISCED-like level.",
        "Højeste fuldførte uddannelse for alle bosiddende på 15 år og derover pr. 1. oktober hvert år, som ISCED-lignende niveau.",
    ),
    subject_area=SubjectArea.EDUCATION,
    unit_type="person",
    temporality=Temporality.STATUS,
    quality=quality(
        ("Educational attainment of the population.", "Befolkningens uddannelsesniveau."),
        ("Yearly since 1980", "Årligt siden 1980"),
        (
            "Completions reported by educational institutions; surveys for immigrants.",
            "Fuldførelser indberettet af uddannelsesinstitutionerne; spørgeskemaer for indvandrere.",
        ),
        (
            "About 20 % of immigrants have unknown education (code 99).",
            "Ca. 20 % af indvandrerne har uoplyst uddannelse (kode 99).",
        ),
        ("1 October each year.", "1. oktober hvert år."),
        (
            "Levels are mapped to one ISCED-like scale for the whole period.",
            "Niveauer er omsat til én ISCED-lignende skala for hele perioden.",
        ),
    ),
    variables=(
        person_number(),
        reference_date(("1 October of the year.", "1. oktober i året.")),
        coded_var(
            "isced",
            ("Education level", "Uddannelsesniveau"),
            ("Highest completed level.", "Højeste fuldførte niveau."),
            codelists.education_code_list(),
            sentinels=[UNKNOWN],
        ),
    ),
)

_DICT, _POS = dictionary_of(codelists.education_code_list(), [codelists.EDUCATION_UNKNOWN])
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
                "pnr": fixed_strings(p.pnr[rows]),
                "ref_date": on_day(d, len(rows)),
                "isced": coded(pos, _DICT),
            },
            year=int(year),
        )
