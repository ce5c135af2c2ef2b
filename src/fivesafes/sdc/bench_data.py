"""Synthetic person-level microdata for tests and the benchmark (numpy, seeded).

Realistic where it matters to disclosure control: municipalities of very unequal size within
regions, rare categories (a tiny education group, a rare diagnosis), right-skewed incomes with
some zeros and losses, and employers whose size follows a power law, so that a few dominant
enterprises make up most of an industry's turnover in a region.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

REGIONS = ["R1", "R2", "R3", "R4", "R5"]
AGE_BANDS = ["0-17", "18-29", "30-44", "45-64", "65-79", "80+"]
EDUCATION = [
    "primary",
    "upper secondary",
    "vocational",
    "short tertiary",
    "bachelor",
    "master",
    "phd",
]
EDUCATION_P = [0.2, 0.25, 0.2, 0.1, 0.13, 0.115, 0.005]
INDUSTRIES = list("ABCDEFGHIJKLMNOPQRS")


def municipalities(per_region: int = 20) -> dict[str, list[str]]:
    return {r: [f"{r}-M{j:02d}" for j in range(per_region)] for r in REGIONS}


def persons(n: int, seed: int = 1, per_region: int = 20) -> pd.DataFrame:
    """`n` persons with region, municipality, sex, age band, education, industry, employer,
    income and a binary outcome. Columns of labels are pandas categoricals."""
    rng = np.random.default_rng(seed)
    munis = municipalities(per_region)
    all_munis = [m for r in REGIONS for m in munis[r]]
    # Zipf-like municipality sizes: a capital and many small places
    sizes = 1.0 / np.arange(1, len(all_munis) + 1) ** 1.1
    sizes = rng.permutation(sizes)
    sizes /= sizes.sum()
    muni_idx = rng.choice(len(all_munis), size=n, p=sizes)
    muni = np.asarray(all_munis, dtype=object)[muni_idx]
    region = np.asarray([m.split("-")[0] for m in all_munis], dtype=object)[muni_idx]
    sex = rng.choice(np.asarray(["F", "M"], dtype=object), size=n)
    age = rng.choice(
        np.asarray(AGE_BANDS, dtype=object), size=n, p=[0.2, 0.15, 0.2, 0.25, 0.15, 0.05]
    )
    edu = rng.choice(np.asarray(EDUCATION, dtype=object), size=n, p=EDUCATION_P)
    ind_p = rng.dirichlet(np.full(len(INDUSTRIES), 0.7))
    industry = rng.choice(np.asarray(INDUSTRIES, dtype=object), size=n, p=ind_p)
    # employers: power-law sizes, so a handful employ many
    n_emp = max(10, n // 40)
    emp_w = rng.pareto(1.2, size=n_emp) + 1
    emp_w /= emp_w.sum()
    employer = rng.choice(n_emp, size=n, p=emp_w).astype("int64")
    income = rng.lognormal(mean=12.4, sigma=0.8, size=n)
    income[age == "0-17"] *= 0.02
    income[rng.random(n) < 0.03] = 0.0
    losses = rng.random(n) < 0.002
    income[losses] = -rng.lognormal(10, 1, size=int(losses.sum()))
    top = rng.random(n) < 0.0005
    income[top] *= rng.uniform(20, 200, size=int(top.sum()))
    outcome = (rng.random(n) < 0.1 + 0.05 * (sex == "M")).astype("int64")
    years = rng.exponential(8.0, size=n).round(1)
    return pd.DataFrame(
        {
            "region": pd.Categorical(region),
            "municipality": pd.Categorical(muni),
            "sex": pd.Categorical(sex),
            "age_band": pd.Categorical(age),
            "education": pd.Categorical(edu),
            "industry": pd.Categorical(industry),
            "employer": employer,
            "income": income,
            "earnings": np.maximum(income, 0.0),
            "outcome": outcome,
            "years": years,
        }
    )


def enterprises(n: int, seed: int = 2) -> pd.DataFrame:
    """`n` enterprises with industry, region and power-law turnover (some with losses)."""
    rng = np.random.default_rng(seed)
    industry = rng.choice(np.asarray(INDUSTRIES[:8], dtype=object), size=n)
    region = rng.choice(np.asarray(REGIONS, dtype=object), size=n)
    turnover = (rng.pareto(1.1, size=n) + 1) * 1e5
    profit = turnover * rng.normal(0.05, 0.1, size=n)
    return pd.DataFrame(
        {
            "industry": pd.Categorical(industry),
            "region": pd.Categorical(region),
            "turnover": turnover,
            "profit": profit,
            "enterprise": np.arange(n),
        }
    )
