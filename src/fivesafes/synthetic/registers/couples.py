"""COUPLES: cohabiting couples with a child together (EVENT per family): who, from when, until when."""

from __future__ import annotations

import numpy as np

from fivesafes.metadata.model import DataType, Role, SubjectArea, Temporality
from fivesafes.synthetic.people import NEVER
from fivesafes.synthetic.registers._common import (
    Chunk,
    date_var,
    described,
    id_number,
    person_number,
    quality,
    register,
    var,
)
from fivesafes.synthetic.timeline import END, START
from fivesafes.synthetic.writer import dates, fixed_strings, numbers

NAME = "COUPLES"
FAMILY_OFFSET = 10_000_000_000  # family ids are the woman's person index plus this offset

METADATA = register(
    NAME,
    ("Couples", "Par"),
    (
        "Periods in which a woman and a man with a child together live as a couple; the family id is the one used in RESIDENCE.",
        "Perioder hvor en kvinde og en mand med fælles barn bor sammen som par; familie-id er det samme som i RESIDENCE.",
    ),
    subject_area=SubjectArea.FAMILY,
    unit_type="family",
    temporality=Temporality.EVENT,
    quality=quality(
        ("Family formation and dissolution.", "Familiedannelse og -opløsning."),
        (
            "Derived from common children and common address",
            "Afledt af fælles børn og fælles adresse",
        ),
        (
            "Derived statistics from the population register.",
            "Afledt statistik fra befolkningsregistret.",
        ),
        ("Couples without common children are not included.", "Par uden fælles børn er ikke med."),
        (
            "Periods; couples formed before 1980 start on 1980-01-01 with start_censored true.",
            "Perioder; par dannet før 1980 starter 1980-01-01 med start_censored sand.",
        ),
        ("Comparable over the period.", "Sammenlignelig over perioden."),
    ),
    variables=(
        id_number(
            "family_id",
            ("Family id", "Familie-id"),
            ("Identifier of the family.", "Familiens id."),
        ),
        person_number(
            "woman_pnr", role=Role.MEASURE, label=("Woman's person number", "Kvindens personnummer")
        ),
        person_number(
            "man_pnr", role=Role.MEASURE, label=("Man's person number", "Mandens personnummer")
        ),
        date_var(
            "start_date",
            ("Start of couple", "Parets start"),
            ("First day living together.", "Første dag som samboende."),
            role=Role.START,
        ),
        date_var(
            "stop_date",
            ("End of couple", "Parets ophør"),
            (
                "Last day living together; empty while the couple lasts.",
                "Sidste dag som samboende; tom mens parret består.",
            ),
            role=Role.STOP,
            nullable=True,
        ),
        var(
            "start_censored",
            ("Start before 1980", "Start før 1980"),
            (
                "True when the couple was formed before 1980 and start_date is 1980-01-01.",
                "Sand når parret blev dannet før 1980, og start_date er 1980-01-01.",
            ),
            DataType.BOOLEAN,
            described("True or false", "Sand eller falsk"),
        ),
    ),
)


def generate(c: Chunk) -> None:
    p = c.people
    w = np.flatnonzero((p.couple_start < NEVER) & (p.couple_stop > START) & (p.couple_start <= END))
    start = np.maximum(p.couple_start[w], START)
    stop = p.couple_stop[w] - 1  # inclusive last day
    open_ = stop >= END
    c.sink.write_by_year(
        NAME,
        {
            "family_id": numbers(p.gid[w] + FAMILY_OFFSET),
            "woman_pnr": fixed_strings(p.pnr[w]),
            "man_pnr": fixed_strings(p.pnr[p.partner[w]]),
            "start_date": dates(start),
            "stop_date": dates(stop, ~open_),
            "start_censored": numbers(p.couple_start[w] < START),
        },
        start,
    )
