"""WORKPLACES: every workplace with its enterprise, municipality and industry (FIXED)."""

from __future__ import annotations

import numpy as np

from fivesafes.metadata.model import (
    DataType,
    Register,
    Role,
    SubjectArea,
    Temporality,
    TimeCoverage,
    UpdateFrequency,
)
from fivesafes.synthetic import codelists
from fivesafes.synthetic.enterprises import Enterprises
from fivesafes.synthetic.registers._common import (
    OFFICE,
    SYNTHETIC_NOTE,
    VERSION,
    code_domain,
    described,
    dictionary_of,
    quality,
    t,
    var,
)
from fivesafes.synthetic.writer import RegisterSink, coded, fixed_strings, numbers

NAME = "WORKPLACES"
METADATA = Register(
    short_name=NAME,
    version=VERSION,
    title=t("Workplaces", "Arbejdssteder"),
    description=t(
        "Every workplace (local unit) with its enterprise, municipality (current codes) and industry.",
        "Alle arbejdssteder (lokale enheder) med virksomhed, kommune (nuværende koder) og branche.",
    ),
    subject_area=SubjectArea.BUSINESS,
    data_owner=OFFICE,
    unit_type="workplace",
    temporality=Temporality.FIXED,
    time_coverage=TimeCoverage(1980, 2025),
    update_frequency=UpdateFrequency.YEARLY,
    quality=quality(
        (
            "Regional labour market statistics, commuting.",
            "Regional arbejdsmarkedsstatistik, pendling.",
        ),
        (
            "Business register local units; " + SYNTHETIC_NOTE.en,
            "Erhvervsregistrets lokale enheder; " + SYNTHETIC_NOTE.da,
        ),
        (
            "Central business register (administrative).",
            "Det centrale virksomhedsregister (administrativt).",
        ),
        (
            "Location is that of the latest known address.",
            "Beliggenhed er den senest kendte adresse.",
        ),
        ("End of 2025.", "Udgangen af 2025."),
        ("Municipality in the codes valid from 2007.", "Kommune i koderne gyldige fra 2007."),
    ),
    variables=(
        var(
            "workplace_id",
            ("Workplace", "Arbejdssted"),
            ("Identifier of the workplace.", "Id for arbejdsstedet."),
            DataType.INTEGER,
            described("Positive integer", "Positivt heltal", minimum=1),
            role=Role.IDENTIFIER,
            business=True,
        ),
        var(
            "enterprise_no",
            ("Enterprise number", "Virksomhedsnummer"),
            ("Enterprise the workplace belongs to.", "Virksomheden arbejdsstedet hører til."),
            DataType.STRING,
            described("Eight digits", "Otte cifre", pattern="^[1-9][0-9]{7}$"),
            links_to="enterprise",
            business=True,
        ),
        var(
            "municipality",
            ("Municipality", "Kommune"),
            ("Municipality of the workplace.", "Arbejdsstedets kommune."),
            DataType.STRING,
            code_domain(codelists.municipalities().code_list),
            business=True,
        ),
        var(
            "industry",
            ("Industry", "Branche"),
            ("Industry of the enterprise.", "Virksomhedens branche."),
            DataType.STRING,
            code_domain(codelists.industries().code_list),
            business=True,
        ),
    ),
)

_MUNI = codelists.municipalities()
_IND = codelists.industries()
_MUNI_DICT, _MUNI_POS = dictionary_of(_MUNI.code_list)
_IND_DICT, _IND_POS = dictionary_of(_IND.code_list)
_NEW = np.array([_MUNI_POS[c] for c in _MUNI.new_codes], dtype=np.int32)
_IND_LEAF = np.array([_IND_POS[x] for x in _IND.leaves], dtype=np.int32)


def generate(ent: Enterprises, sink: RegisterSink) -> None:
    e = ent.wp_enterprise
    sink.write(
        NAME,
        {
            "workplace_id": numbers(ent.wp_id),
            "enterprise_no": fixed_strings(ent.number_str[e]),
            "municipality": coded(_NEW[ent.wp_municipality], _MUNI_DICT),
            "industry": coded(_IND_LEAF[ent.industry[e]], _IND_DICT),
        },
    )
