"""EMPLOYMENT: IDA-like job spells (EVENT per job) linking persons to workplaces and enterprises.

Each person of working age gets up to six consecutive spells between the end of education and
retirement, with gaps of non-employment that are longer for the less educated. Spells still
running at the end of 2025 have no stop date. While drawing spells this module counts each
enterprise's employees on 30 November and each person's days worked per year (for INCOME).
"""

from __future__ import annotations

import numpy as np

from fivesafes.synthetic import codelists
from fivesafes.synthetic.enterprises import pick_employers
from fivesafes.synthetic.people import Y
from fivesafes.synthetic.registers._common import (
    Chunk,
    cumulative_draw,
    leaf_positions,
    leaves_within,
)
from fivesafes.synthetic.registers._metadata import declare
from fivesafes.synthetic.timeline import END, FIRST_YEAR, START, YEARS, year_of, year_start

SPELLS = 6
EMPLOYMENT_RATE = np.array([0.55, 0.65, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92])  # by final ISCED index
PAY_BY_EDU = np.array([0.75, 0.8, 0.9, 0.95, 1.05, 1.15, 1.45, 1.6])
MAJOR_BY_EDU = np.array(
    [  # occupation major group 1..9 by final education
        [0.01, 0.0, 0.02, 0.06, 0.25, 0.05, 0.2, 0.2, 0.21],
        [0.02, 0.01, 0.04, 0.1, 0.25, 0.04, 0.18, 0.16, 0.2],
        [0.05, 0.08, 0.15, 0.2, 0.25, 0.02, 0.1, 0.07, 0.08],
        [0.04, 0.02, 0.1, 0.12, 0.22, 0.04, 0.28, 0.12, 0.06],
        [0.1, 0.1, 0.4, 0.15, 0.12, 0.01, 0.07, 0.03, 0.02],
        [0.1, 0.45, 0.3, 0.07, 0.05, 0.0, 0.02, 0.005, 0.005],
        [0.2, 0.65, 0.1, 0.03, 0.02, 0.0, 0.0, 0.0, 0.0],
        [0.15, 0.8, 0.05, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    ]
)

METADATA = declare(__file__, [codelists.industries().code_list, codelists.occupations().code_list])
NAME = METADATA.short_name

_IND = codelists.industries()
_OCC = codelists.occupations()
_IND_LEAF_POS = leaf_positions(_IND)
_OCC_LEAF_POS = leaf_positions(_OCC)
_INDUSTRY_PAY = np.random.default_rng(62).uniform(0.8, 1.35, len(_IND.leaves))


def _occupations(rng: np.random.Generator, final_edu: np.ndarray) -> np.ndarray:
    """An occupation leaf per person: a major group by final education, then a unit group in it."""
    major = cumulative_draw(rng, MAJOR_BY_EDU[final_edu])
    return leaves_within(rng, _OCC, major, range(9))


def generate(c: Chunk) -> None:
    p, rng, ent = c.people, c.rng, c.enterprises
    n = p.n
    done = np.where(np.isfinite(p.edu_ages), p.edu_ages, 0).max(axis=1)
    work_from = p.birth + (
        np.maximum(np.maximum(done, 16.0), 18.0 * (rng.random(n) < 0.8)) * Y
    ).astype(np.int64)
    w0 = np.maximum(np.maximum(work_from, p.entry), START)
    retire = p.birth + (rng.uniform(60, 68, n) * Y).astype(np.int64)
    w1 = np.minimum(np.minimum(retire, p.exit), END + 1)  # exclusive
    rate = EMPLOYMENT_RATE[p.edu_final] * np.where(p.male, 1.0, 0.93)
    mean_gap = 2.0 * (1 - rate) / rate
    gaps = (rng.exponential(1.0, (n, SPELLS)) * mean_gap[:, None] * Y).astype(np.int64)
    already = (w0 == START) & (work_from < START) & (rng.random(n) < rate)
    gaps[already, 0] = 0
    durations = (rng.exponential(6.0, (n, SPELLS)) * Y).astype(np.int64) + 30
    starts = w0[:, None] + np.cumsum(
        gaps + np.c_[np.zeros(n, dtype=np.int64), durations[:, :-1]], axis=1
    )
    stops = starts + durations - 1
    valid = (starts < w1[:, None]) & (w0 < w1)[:, None]
    person, k = np.nonzero(valid)
    by_year = np.argsort(year_of(starts[person, k]).astype(np.int16), kind="stable")
    person, k = person[by_year], k[by_year]  # ordered by start year, so the writer need not reorder
    start = starts[person, k]
    stop = np.minimum(stops[person, k], w1[person] - 1)
    employer = pick_employers(rng, ent, start)
    stop = np.minimum(stop, ent.closed[employer] - 1)
    workplace = ent.wp_first[employer] + (
        rng.random(len(employer)) * ent.wp_count[employer]
    ).astype(np.int64)
    occupation = _occupations(rng, p.edu_final[person])
    c.sink.write_by_year(
        NAME,
        {
            "job_id": c.next_ids("job", len(start)),
            "pnr": p.pnr[person],
            "workplace_id": ent.wp_id[workplace],
            "enterprise_no": ent.number_str[employer],
            "industry": _IND_LEAF_POS[ent.industry[employer]],
            "occupation": _OCC_LEAF_POS[occupation],
            "start_date": start,
            "stop_date": (stop, stop < END),
        },
        start,
    )
    _count(c, person, employer, start, np.minimum(stop, END))


def _count(
    c: Chunk, person: np.ndarray, employer: np.ndarray, start: np.ndarray, stop: np.ndarray
) -> None:
    """Employees on 30 November per enterprise-year; days worked and pay-weighted days per person-year."""
    n_years = len(YEARS)
    y0, y1 = year_of(start), year_of(stop)
    span = y1 - y0 + 1
    rep = np.repeat(np.arange(len(start)), span)
    years = y0[rep] + (np.arange(len(rep)) - np.repeat(np.cumsum(span) - span, span))
    jan1 = year_start(years)
    dec31 = year_start(years + 1) - 1
    days = np.minimum(stop[rep], dec31) - np.maximum(start[rep], jan1) + 1
    yi = years - FIRST_YEAR
    n = c.people.n
    key = person[rep] * n_years + yi
    c.work_days = np.bincount(key, weights=days, minlength=n * n_years).reshape(n, n_years)
    pay = _INDUSTRY_PAY[c.enterprises.industry[employer[rep]]] * days
    c.pay_factor = np.bincount(key, weights=pay, minlength=n * n_years).reshape(n, n_years)
    nov30 = dec31 - 31
    on_nov30 = (start[rep] <= nov30) & (nov30 <= stop[rep])
    ekey = employer[rep][on_nov30] * n_years + yi[on_nov30]
    np.add.at(c.enterprises.employees.reshape(-1), ekey, 1)  # a view: the counts land in the matrix
