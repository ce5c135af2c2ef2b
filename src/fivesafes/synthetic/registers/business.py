"""BUSINESS: enterprises on 30 November each year (STATUS): industry, municipality, employees, turnover.

Employees are counted from the job spells of EMPLOYMENT, so the two registers agree; turnover
follows employees and the industry's productivity with a heavy tail, and each industry has two
dominant enterprises. Written once after all persons, from counts gathered on the way.
"""

from __future__ import annotations

import numpy as np

from fivesafes.synthetic import codelists
from fivesafes.synthetic.enterprises import Enterprises
from fivesafes.synthetic.registers._common import leaf_positions, municipality_codes
from fivesafes.synthetic.registers._metadata import declare
from fivesafes.synthetic.timeline import FIRST_YEAR, YEARS, day
from fivesafes.synthetic.writer import RegisterSink

METADATA = declare(
    __file__, [codelists.industries().code_list, codelists.municipalities().code_list]
)
NAME = METADATA.short_name

_MUNI = municipality_codes()
_IND_LEAF = leaf_positions(codelists.industries())


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
                "enterprise_no": ent.number_str[rows],
                "ref_date": d,
                "industry": _IND_LEAF[ent.industry[rows]],
                "municipality": muni,
                "employees": emp.astype(np.int64),
                "turnover": np.round(turnover, 1),
            },
            year=int(year),
        )
