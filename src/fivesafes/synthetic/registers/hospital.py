"""HOSPITAL: hospital contacts with ICD-10-like main diagnosis, admission and discharge (EVENT)."""

from __future__ import annotations

import numpy as np

from fivesafes.metadata.model import Code, CodeList, Role, SubjectArea, Temporality, UpdateFrequency
from fivesafes.synthetic import codelists
from fivesafes.synthetic.registers._common import (
    HEALTH_AUTHORITY,
    Chunk,
    coded_var,
    date_var,
    dictionary_of,
    id_number,
    leaf_positions,
    person_number,
    quality,
    register,
    t,
)
from fivesafes.synthetic.registers._events import draw_events
from fivesafes.synthetic.timeline import DAYS_PER_YEAR, END, EPOCH_DATE, START
from fivesafes.synthetic.writer import coded, dates, fixed_strings, numbers

NAME = "HOSPITAL"
CONTACT_TYPE = CodeList(
    "contact_type",
    (
        Code("1", t("Inpatient", "Indlagt"), EPOCH_DATE),
        Code("2", t("Outpatient", "Ambulant"), EPOCH_DATE),
        Code("3", t("Emergency room", "Skadestue"), EPOCH_DATE),
    ),
)

METADATA = register(
    NAME,
    ("Hospital contacts", "Sygehuskontakter"),
    (
        "Contacts with public hospitals: admission and discharge dates, type of contact and main diagnosis.",
        "Kontakter med offentlige sygehuse: indlæggelses- og udskrivningsdato, kontakttype og aktionsdiagnose.",
    ),
    subject_area=SubjectArea.HEALTH,
    data_owner=HEALTH_AUTHORITY,
    unit_type="hospital_contact",
    temporality=Temporality.EVENT,
    update_frequency=UpdateFrequency.MONTHLY,
    quality=quality(
        (
            "Morbidity, use of hospitals, health services research.",
            "Sygelighed, brug af sygehuse, sundhedstjenesteforskning.",
        ),
        (
            "National patient register; the synthetic base uses ICD-10-like codes for the whole period.",
            "Landspatientregistret; den syntetiske base bruger ICD-10-lignende koder for hele perioden.",
        ),
        (
            "Hospitals report every contact (administrative).",
            "Sygehusene indberetter alle kontakter (administrativt).",
        ),
        (
            "Main diagnoses are reliable at chapter level; subcategories less so.",
            "Aktionsdiagnoser er pålidelige på kapitelniveau, underkategorier mindre.",
        ),
        ("Contacts by admission date.", "Kontakter efter indlæggelsesdato."),
        (
            "Outpatient contacts are fully covered only from 1995 in the real register.",
            "Ambulante kontakter er i det virkelige register kun fuldt dækket fra 1995.",
        ),
    ),
    variables=(
        id_number(
            "contact_id",
            ("Contact", "Kontakt"),
            ("Identifier of the hospital contact.", "Id for sygehuskontakten."),
        ),
        person_number(
            "pnr", role=Role.MEASURE, label=("Patient's person number", "Patientens personnummer")
        ),
        date_var(
            "admission_date",
            ("Admission date", "Indlæggelsesdato"),
            ("First day of the contact.", "Kontaktens første dag."),
            role=Role.START,
        ),
        date_var(
            "discharge_date",
            ("Discharge date", "Udskrivningsdato"),
            ("Last day of the contact.", "Kontaktens sidste dag."),
            role=Role.STOP,
        ),
        coded_var(
            "contact_type",
            ("Type of contact", "Kontakttype"),
            ("Inpatient, outpatient or emergency room.", "Indlagt, ambulant eller skadestue."),
            CONTACT_TYPE,
        ),
        coded_var(
            "diagnosis",
            ("Main diagnosis", "Aktionsdiagnose"),
            ("ICD-10-like main diagnosis of the contact.", "ICD-10-lignende aktionsdiagnose."),
            codelists.icd10().code_list,
            special=True,
        ),
    ),
)

_ICD = codelists.icd10()
_ICD_DICT, _ICD_LEAF_POS = leaf_positions(_ICD)
_TYPE_DICT, _ = dictionary_of(CONTACT_TYPE)
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
            "contact_id": numbers(c.next_ids("contact", len(person))),
            "pnr": fixed_strings(p.pnr[person]),
            "admission_date": dates(admit),
            "discharge_date": dates(discharge),
            "contact_type": coded(kind, _TYPE_DICT),
            "diagnosis": coded(_ICD_LEAF_POS[leaf], _ICD_DICT),
        },
        admit,
    )
