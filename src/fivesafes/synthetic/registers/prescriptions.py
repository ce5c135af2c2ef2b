"""PRESCRIPTIONS: drugs dispensed at pharmacies from 1995 (EVENT per dispensing), ATC-like codes.

Each person has one to three regular drugs, most dispensings are of those; the rest are drawn from
all drugs by their frequency, so common drugs dominate and rare ones occur a handful of times.
"""

from __future__ import annotations

import numpy as np

from fivesafes.metadata.model import DataType, Role, SubjectArea, Temporality, UpdateFrequency
from fivesafes.synthetic import codelists
from fivesafes.synthetic.registers._common import (
    HEALTH_AUTHORITY,
    Chunk,
    coded_var,
    date_var,
    described,
    id_number,
    leaf_positions,
    person_number,
    quality,
    register,
    var,
)
from fivesafes.synthetic.registers._events import draw_events
from fivesafes.synthetic.timeline import day
from fivesafes.synthetic.writer import coded, dates, fixed_strings, numbers

NAME = "PRESCRIPTIONS"
FIRST = 1995

METADATA = register(
    NAME,
    ("Dispensed prescription drugs", "Receptindløste lægemidler"),
    (
        "Every prescription drug dispensed at a pharmacy to a resident: drug (ATC-like), date, packages and defined daily doses.",
        "Alle receptpligtige lægemidler udleveret på apotek til bosiddende: lægemiddel (ATC-lignende), dato, pakninger og definerede døgndoser.",
    ),
    subject_area=SubjectArea.HEALTH,
    data_owner=HEALTH_AUTHORITY,
    unit_type="prescription",
    temporality=Temporality.EVENT,
    first_year=FIRST,
    update_frequency=UpdateFrequency.MONTHLY,
    quality=quality(
        (
            "Drug use, pharmacoepidemiology and drug safety.",
            "Lægemiddelforbrug, farmakoepidemiologi og lægemiddelsikkerhed.",
        ),
        (
            "Prescription register since 1995",
            "Lægemiddelstatistikregistret siden 1995",
        ),
        (
            "Pharmacies report every dispensing electronically.",
            "Apotekerne indberetter hver udlevering elektronisk.",
        ),
        (
            "Complete for pharmacy sales; drugs given in hospital are not included.",
            "Fuldstændig for apotekssalg; lægemidler givet på sygehus er ikke med.",
        ),
        ("Dispensing date.", "Udleveringsdato."),
        (
            "Comparable from 1995; ATC codes are given in one version for the whole period.",
            "Sammenlignelig fra 1995; ATC-koder er givet i én version for hele perioden.",
        ),
    ),
    variables=(
        id_number(
            "prescription_id",
            ("Dispensing", "Udlevering"),
            ("Identifier of the dispensing.", "Id for udleveringen."),
        ),
        person_number(
            "pnr", role=Role.MEASURE, label=("Patient's person number", "Patientens personnummer")
        ),
        date_var(
            "dispensing_date",
            ("Dispensing date", "Udleveringsdato"),
            ("Day the drug was dispensed.", "Dagen lægemidlet blev udleveret."),
            role=Role.START,
        ),
        coded_var(
            "atc",
            ("Drug (ATC)", "Lægemiddel (ATC)"),
            ("ATC-like code of the substance.", "ATC-lignende kode for stoffet."),
            codelists.atc().code_list,
            special=True,
        ),
        var(
            "packages",
            ("Packages", "Pakninger"),
            ("Number of packages dispensed.", "Antal udleverede pakninger."),
            DataType.INTEGER,
            described("Positive count", "Positivt antal", minimum=1),
            unit=("packages", "pakninger"),
        ),
        var(
            "ddd",
            ("Defined daily doses", "Definerede døgndoser"),
            (
                "Amount dispensed in defined daily doses.",
                "Udleveret mængde i definerede døgndoser.",
            ),
            DataType.DECIMAL,
            described("Positive amount", "Positiv mængde", minimum=0),
            unit=("DDD", "DDD"),
        ),
    ),
)

_ATC = codelists.atc()
_DICT, _LEAF_POS = leaf_positions(_ATC)
_PACK_DDD = np.random.default_rng(21).choice(
    [7.0, 10.0, 14.0, 20.0, 28.0, 30.0, 50.0, 98.0, 100.0], size=len(_ATC.leaves)
)


def generate(c: Chunk) -> None:
    p, rng = c.people, c.rng
    person, when = draw_events(rng, p, day(FIRST), 0.15, 0.025, 0.7)
    regular = rng.choice(len(_ATC.leaves), size=(p.n, 3), p=_ATC.weights)
    n_regular = rng.integers(1, 4, p.n)
    use_regular = rng.random(len(person)) < 0.6
    which = (rng.random(len(person)) * n_regular[person]).astype(np.int64)
    leaf = np.where(
        use_regular,
        regular[person, which],
        rng.choice(len(_ATC.leaves), size=len(person), p=_ATC.weights),
    )
    packages = 1 + rng.poisson(0.4, len(person))
    ddd = np.round(
        packages * _PACK_DDD[leaf] * rng.choice([0.5, 1.0, 1.0, 2.0], size=len(person)), 1
    )
    c.sink.write_by_year(
        NAME,
        {
            "prescription_id": numbers(c.next_ids("prescription", len(person))),
            "pnr": fixed_strings(p.pnr[person]),
            "dispensing_date": dates(when),
            "atc": coded(_LEAF_POS[leaf], _DICT),
            "packages": numbers(packages.astype(np.int64)),
            "ddd": numbers(ddd),
        },
        when,
    )
