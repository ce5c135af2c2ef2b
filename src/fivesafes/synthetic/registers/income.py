"""INCOME: yearly wage, transfers, capital income and disposable income per person (ACCUMULATED).

Wages follow the days worked in EMPLOYMENT, the industry's pay level, age, education and a
persistent personal factor with a Pareto top; transfers are pensions, unemployment benefits
and student grants; capital income is mostly small, a few very large. Many rows are zero.
Amounts are nominal DKK.
"""

from __future__ import annotations

import numpy as np

from fivesafes.metadata.model import DataType, Role, SubjectArea, Temporality, Variable
from fivesafes.synthetic.registers._common import (
    Chunk,
    date_var,
    described,
    person_number,
    quality,
    register,
    var,
)
from fivesafes.synthetic.registers.employment import PAY_BY_EDU
from fivesafes.synthetic.timeline import DAYS_PER_YEAR, FIRST_YEAR, YEARS, day
from fivesafes.synthetic.writer import dates, fixed_strings, numbers

NAME = "INCOME"
DKK = ("DKK", "kr.")


def _amount(
    name: str, label: tuple[str, str], description: tuple[str, str], minimum: float | None = 0
) -> Variable:
    return var(
        name,
        label,
        description,
        DataType.DECIMAL,
        described(
            "Amount in Danish kroner, current prices",
            "Beløb i kroner, løbende priser",
            minimum=minimum,
        ),
        unit=DKK,
    )


METADATA = register(
    NAME,
    ("Personal income", "Personindkomst"),
    (
        "Yearly income of every person aged 15 or more resident at some time in the year: wages, public transfers, capital income and disposable income.",
        "Årlig indkomst for alle på 15 år og derover med bopæl i året: løn, offentlige overførsler, kapitalindkomst og disponibel indkomst.",
    ),
    subject_area=SubjectArea.INCOME,
    unit_type="person",
    temporality=Temporality.ACCUMULATED,
    quality=quality(
        (
            "Income distribution, inequality and the economic situation of households.",
            "Indkomstfordeling, ulighed og husstandenes økonomi.",
        ),
        (
            "Income statistics since 1980",
            "Indkomststatistik siden 1980",
        ),
        (
            "Tax returns and employers' and authorities' reports (administrative).",
            "Selvangivelser og indberetninger fra arbejdsgivere og myndigheder (administrativt).",
        ),
        (
            "Very precise for wages and transfers; capital income less so; some very large values.",
            "Meget præcis for løn og overførsler; kapitalindkomst mindre; enkelte meget store værdier.",
        ),
        ("Calendar year.", "Kalenderår."),
        (
            "Nominal amounts: deflate before comparing years.",
            "Nominelle beløb: deflatér før sammenligning over år.",
        ),
    ),
    variables=(
        person_number(),
        date_var(
            "period_start",
            ("Start of income year", "Indkomstårets start"),
            ("1 January of the income year.", "1. januar i indkomståret."),
            role=Role.START,
        ),
        date_var(
            "period_stop",
            ("End of income year", "Indkomstårets slut"),
            ("31 December of the income year.", "31. december i indkomståret."),
            role=Role.STOP,
        ),
        _amount(
            "wage_income",
            ("Wage income", "Lønindkomst"),
            ("Wages and salaries before tax.", "Løn før skat."),
        ),
        _amount(
            "transfer_income",
            ("Public transfers", "Offentlige overførsler"),
            (
                "Pensions, benefits and grants before tax.",
                "Pensioner, ydelser og stipendier før skat.",
            ),
        ),
        _amount(
            "capital_income",
            ("Capital income", "Kapitalindkomst"),
            (
                "Interest, dividends and gains, net; may be negative.",
                "Renter, udbytter og gevinster, netto; kan være negativ.",
            ),
            None,
        ),
        _amount(
            "disposable_income",
            ("Disposable income", "Disponibel indkomst"),
            ("Income after tax and interest.", "Indkomst efter skat og renter."),
            None,
        ),
    ),
)


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
                "pnr": fixed_strings(p.pnr[rows]),
                "period_start": dates(np.full(len(rows), jan1, dtype=np.int64)),
                "period_stop": dates(np.full(len(rows), dec31, dtype=np.int64)),
                "wage_income": numbers(np.round(wage)),
                "transfer_income": numbers(np.round(transfers)),
                "capital_income": numbers(np.round(capital)),
                "disposable_income": numbers(np.round(disposable)),
            },
            year=int(year),
        )
