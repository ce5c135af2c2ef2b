"""WORKPLACES: every workplace with its enterprise, municipality and industry (FIXED)."""

from __future__ import annotations

from fivesafes.metadata.model import DataType, SubjectArea, Temporality
from fivesafes.synthetic import codelists
from fivesafes.synthetic.enterprises import Enterprises
from fivesafes.synthetic.registers._common import (
    coded_var,
    described,
    id_number,
    leaf_positions,
    municipality_codes,
    quality,
    register,
    var,
)
from fivesafes.synthetic.writer import RegisterSink, coded, fixed_strings, numbers

NAME = "WORKPLACES"
METADATA = register(
    NAME,
    ("Workplaces", "Arbejdssteder"),
    (
        "Every workplace (local unit) with its enterprise, municipality (current codes) and industry.",
        "Alle arbejdssteder (lokale enheder) med virksomhed, kommune (nuværende koder) og branche.",
    ),
    subject_area=SubjectArea.BUSINESS,
    unit_type="workplace",
    temporality=Temporality.FIXED,
    quality=quality(
        (
            "Regional labour market statistics, commuting.",
            "Regional arbejdsmarkedsstatistik, pendling.",
        ),
        (
            "Business register local units",
            "Erhvervsregistrets lokale enheder",
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
        id_number(
            "workplace_id",
            ("Workplace", "Arbejdssted"),
            ("Identifier of the workplace.", "Id for arbejdsstedet."),
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
        coded_var(
            "municipality",
            ("Municipality", "Kommune"),
            ("Municipality of the workplace.", "Arbejdsstedets kommune."),
            codelists.municipalities().code_list,
            business=True,
        ),
        coded_var(
            "industry",
            ("Industry", "Branche"),
            ("Industry of the enterprise.", "Virksomhedens branche."),
            codelists.industries().code_list,
            business=True,
        ),
    ),
)

_MUNI = municipality_codes()
_IND_DICT, _IND_LEAF = leaf_positions(codelists.industries())


def generate(ent: Enterprises, sink: RegisterSink) -> None:
    e = ent.wp_enterprise
    sink.write(
        NAME,
        {
            "workplace_id": numbers(ent.wp_id),
            "enterprise_no": fixed_strings(ent.number_str[e]),
            "municipality": coded(_MUNI.new[ent.wp_municipality], _MUNI.dictionary),
            "industry": coded(_IND_LEAF[ent.industry[e]], _IND_DICT),
        },
    )
