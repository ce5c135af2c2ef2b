"""BUSINESS: enterprises on 30 November each year (STATUS): industry, municipality, employees, turnover.

Employees are counted from the job spells of EMPLOYMENT, so the two registers agree; turnover
follows employees and the industry's productivity with a heavy tail, and each industry has two
dominant enterprises. Written once after all persons, from counts gathered on the way.
"""

from __future__ import annotations

import numpy as np

from fivesafes.metadata.model import DataType, Role, SubjectArea, Temporality
from fivesafes.synthetic import codelists
from fivesafes.synthetic.enterprises import Enterprises
from fivesafes.synthetic.registers._common import (
    coded_var,
    described,
    leaf_positions,
    municipality_codes,
    on_day,
    quality,
    reference_date,
    register,
    var,
)
from fivesafes.synthetic.timeline import FIRST_YEAR, YEARS, day
from fivesafes.synthetic.writer import RegisterSink, coded, fixed_strings, numbers

NAME = "BUSINESS"
METADATA = register(
    NAME,
    ("Business register: enterprises", "Erhvervsregister: virksomheder"),
    (
        "Active enterprises on 30 November each year with industry, municipality, number of employees and turnover.",
        "Aktive virksomheder pr. 30. november hvert år med branche, kommune, antal ansatte og omsætning.",
    ),
    subject_area=SubjectArea.BUSINESS,
    unit_type="enterprise",
    temporality=Temporality.STATUS,
    quality=quality(
        (
            "Business demography and structure; frame for business statistics.",
            "Erhvervsdemografi og -struktur; ramme for erhvervsstatistik.",
        ),
        ("Business register since 1980", "Erhvervsregistret siden 1980"),
        (
            "Central business register and tax data (administrative).",
            "Det centrale virksomhedsregister og skattedata (administrativt).",
        ),
        (
            "Turnover of the smallest enterprises is partly imputed.",
            "Omsætning for de mindste virksomheder er delvist imputeret.",
        ),
        (
            "30 November each year; turnover for the calendar year.",
            "30. november hvert år; omsætning for kalenderåret.",
        ),
        (
            "Municipality codes change at the 2007 reform.",
            "Kommunekoder ændres ved reformen i 2007.",
        ),
    ),
    variables=(
        var(
            "enterprise_no",
            ("Enterprise number", "Virksomhedsnummer"),
            ("CVR-like enterprise number.", "CVR-lignende virksomhedsnummer."),
            DataType.STRING,
            described(
                "Eight digits with a modulus-11 check digit",
                "Otte cifre med modulus-11-kontrolciffer",
                pattern="^[1-9][0-9]{7}$",
            ),
            role=Role.IDENTIFIER,
            business=True,
        ),
        reference_date(("30 November of the year.", "30. november i året.")),
        coded_var(
            "industry",
            ("Industry", "Branche"),
            ("Main industry.", "Hovedbranche."),
            codelists.industries().code_list,
            business=True,
        ),
        coded_var(
            "municipality",
            ("Municipality", "Kommune"),
            ("Municipality of the head office.", "Hovedkontorets kommune."),
            codelists.municipalities().code_list,
            business=True,
        ),
        var(
            "employees",
            ("Employees", "Ansatte"),
            ("Employees on 30 November.", "Ansatte pr. 30. november."),
            DataType.INTEGER,
            described("Count", "Antal", minimum=0),
            unit=("persons", "personer"),
            business=True,
        ),
        var(
            "turnover",
            ("Turnover", "Omsætning"),
            ("Turnover in the year, 1,000 DKK.", "Omsætning i året, 1.000 kr."),
            DataType.DECIMAL,
            described(
                "Amount in 1,000 DKK, current prices",
                "Beløb i 1.000 kr., løbende priser",
                minimum=0,
            ),
            unit=("1,000 DKK", "1.000 kr."),
            business=True,
        ),
    ),
)

_MUNI = municipality_codes()
_IND_DICT, _IND_LEAF = leaf_positions(codelists.industries())


def generate(rng: np.random.Generator, ent: Enterprises, sink: RegisterSink) -> None:
    for yi, year in enumerate(YEARS):
        d = day(int(year), 11, 30)
        rows = np.flatnonzero((ent.founded <= d) & (d < ent.closed))
        emp = ent.employees[rows, yi]
        price = 1.025 ** (year - FIRST_YEAR) * 0.35
        turnover = (emp + 0.3) * ent.productivity[rows] * price * rng.lognormal(0, 0.25, len(rows))
        muni = _MUNI.in_year(int(year), ent.municipality[rows], ent.old_sub[rows])
        sink.write(
            NAME,
            {
                "enterprise_no": fixed_strings(ent.number_str[rows]),
                "ref_date": on_day(d, len(rows)),
                "industry": coded(_IND_LEAF[ent.industry[rows]], _IND_DICT),
                "municipality": coded(muni, _MUNI.dictionary),
                "employees": numbers(emp.astype(np.int64)),
                "turnover": numbers(np.round(turnover, 1)),
            },
            year=int(year),
        )
