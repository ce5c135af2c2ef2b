"""INCOME: yearly wage, transfers, capital income and disposable income per person (ACCUMULATED).

Wages follow the days worked in EMPLOYMENT, the industry's pay level, age, education and a
persistent personal factor with a Pareto top; transfers are pensions, unemployment benefits
and student grants; capital income is mostly small, a few very large. Many rows are zero.
Amounts are nominal DKK.
"""

from __future__ import annotations

import numpy as np

from fivesafes.synthetic.registers._common import Chunk
from fivesafes.synthetic.registers._metadata import declare
from fivesafes.synthetic.registers.employment import PAY_BY_EDU
from fivesafes.synthetic.timeline import DAYS_PER_YEAR, FIRST_YEAR, YEARS, day

METADATA = declare(__file__)
NAME = METADATA.short_name


def _tax(gross: np.ndarray) -> np.ndarray:
    return (
        0.08 * gross + 0.3 * np.maximum(gross - 50_000, 0) + 0.15 * np.maximum(gross - 550_000, 0)
    )


def generate(c: Chunk) -> None:
    p, rng = c.people, c.rng
    n = p.n
    person_factor = rng.lognormal(0, 0.35, n)
    top = rng.random(n) < 0.004
    person_factor[top] *= 3 + rng.pareto(1.3, int(top.sum())) * 3
    edu_pay = PAY_BY_EDU[p.edu_final]
    rich = rng.random(n) < 0.003
    for yi, year in enumerate(YEARS):
        jan1, dec31 = day(int(year)), day(int(year), 12, 31)
        age = (dec31 - p.birth) / DAYS_PER_YEAR
        rows = np.flatnonzero((p.entry <= dec31) & (jan1 < p.exit) & (age >= 15))
        if len(rows) == 0:
            continue
        a = age[rows]
        level = 90_000 * 1.04 ** (year - FIRST_YEAR)  # average full-time wage
        age_curve = np.clip(0.5 + 0.035 * (a - 18) - 0.0006 * (a - 18) ** 2, 0.35, 1.1)
        wage = (
            level * c.pay_factor[rows, yi] / 365 * age_curve * edu_pay[rows] * person_factor[rows]
        )
        wage *= rng.lognormal(0, 0.08, len(rows))
        present_days = np.minimum(p.exit[rows], dec31 + 1) - np.maximum(p.entry[rows], jan1)
        idle = np.clip(present_days - c.work_days[rows, yi], 0, 366) / 365
        pension = np.where(a >= 65, level * 0.45 * rng.lognormal(0, 0.3, len(rows)) * idle, 0)
        student = (
            (a >= 18)
            & (a < 26)
            & (p.edu_ages[rows].max(axis=1, initial=0, where=np.isfinite(p.edu_ages[rows])) > a)
        )
        benefit = np.where(
            (a >= 18) & (a < 65) & (rng.random(len(rows)) < 0.55), level * 0.6 * idle, 0
        )
        grant = np.where(student, level * 0.2 * idle, 0)
        transfers = np.where(a >= 65, pension, np.where(student, grant, benefit))
        capital = np.where(rng.random(len(rows)) < 0.6, rng.normal(0, 0.02, len(rows)) * level, 0)
        big = rich[rows] & (rng.random(len(rows)) < 0.5)
        capital[big] = level * 4 * (1 + rng.pareto(1.1, int(big.sum())))  # a few very large values
        gross = wage + transfers
        disposable = gross - _tax(gross) + capital * 0.58
        c.sink.write(
            NAME,
            {
                "pnr": p.pnr[rows],
                "period_start": jan1,
                "period_stop": dec31,
                "wage_income": np.round(wage),
                "transfer_income": np.round(transfers),
                "capital_income": np.round(capital),
                "disposable_income": np.round(disposable),
            },
            year=int(year),
        )
