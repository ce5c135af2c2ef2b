"""The enterprises and workplaces persons work at, drawn once per run before the persons.

Enterprise numbers are CVR-like: eight digits, the last a modulus-11 check digit. Sizes are
heavy-tailed and each industry has two dominant enterprises, so dominance rules bite in business
tables. Employee counts are filled in while the persons' job spells are generated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fivesafes.synthetic import codelists
from fivesafes.synthetic.people import NEVER, Y
from fivesafes.synthetic.timeline import END, START, YEARS

_CVR_WEIGHTS = np.array([2, 7, 6, 5, 4, 3, 2, 1])


def cvr_valid(numbers: np.ndarray) -> np.ndarray:
    """Whether 8-digit numbers pass the modulus-11 check."""
    digits = (numbers[:, None] // 10 ** np.arange(7, -1, -1)) % 10
    return np.asarray((digits * _CVR_WEIGHTS).sum(axis=1) % 11 == 0, dtype=bool)


def _cvr_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    prefixes = rng.choice(np.arange(1_000_000, 10_000_000), size=int(n * 1.2) + 20, replace=False)
    check = (
        -(((prefixes[:, None] // 10 ** np.arange(6, -1, -1)) % 10) * _CVR_WEIGHTS[:7]).sum(axis=1)
    ) % 11
    ok = check < 10
    numbers = prefixes[ok] * 10 + check[ok]
    return numbers[:n]


@dataclass
class Enterprises:
    number: np.ndarray  # int64 CVR-like numbers
    number_str: np.ndarray  # S8
    industry: np.ndarray  # index into industries().leaves
    municipality: np.ndarray  # index of the new municipality
    old_sub: np.ndarray  # which predecessor municipality (before 2007)
    weight: np.ndarray  # attractiveness as employer
    founded: np.ndarray
    closed: np.ndarray  # NEVER if still active
    productivity: np.ndarray  # turnover per employee-year in 1,000 DKK (2025 prices)
    wp_first: np.ndarray  # first workplace index
    wp_count: np.ndarray
    wp_id: np.ndarray  # workplace ids (int64)
    wp_enterprise: np.ndarray  # enterprise index per workplace
    wp_municipality: np.ndarray  # new municipality index per workplace
    employees: np.ndarray  # (n, years) employees on 30 November, filled in by the job spells
    cum_weight: np.ndarray
    long_lived: np.ndarray
    long_cum: np.ndarray

    @property
    def n(self) -> int:
        return len(self.number)


def make_enterprises(rng: np.random.Generator, persons: int) -> Enterprises:
    n = max(60, persons // 20)
    ind = codelists.industries()
    industry = rng.choice(len(ind.leaves), size=n, p=ind.weights)
    weight = (rng.pareto(1.1, n) + 0.05) * rng.uniform(0.5, 1.5, n)
    long_lived = rng.random(n) < 0.5
    founded = np.where(
        long_lived,
        START - (rng.uniform(0, 60, n) * Y).astype(np.int64),
        START + (rng.random(n) * (END - START)).astype(np.int64),
    )
    closed = founded + (rng.exponential(15, n) * Y).astype(np.int64)
    closed = np.where(long_lived | (closed > END), NEVER, closed)
    for i in range(len(ind.leaves)):  # two dominant enterprises per industry
        members = np.flatnonzero(industry == i)
        if len(members):
            top = members[np.argsort(-weight[members])[:2]]
            weight[top] *= 30
            long_lived[top], closed[top], founded[top] = True, NEVER, START - int(40 * Y)
    weight[~long_lived] *= 0.4
    muni = codelists.municipalities()
    municipality = rng.choice(len(muni.weight), size=n, p=muni.weight)
    old_sub = rng.integers(0, 4, n) % np.maximum(muni.n_old[municipality], 1)
    sector_productivity = rng.uniform(600, 2500, len(ind.leaves))
    productivity = sector_productivity[industry] * rng.lognormal(0, 0.5, n)
    wp_count = np.minimum(1 + rng.poisson(np.sqrt(weight)), 25)
    wp_first = np.r_[0, np.cumsum(wp_count)[:-1]]
    wp_enterprise = np.repeat(np.arange(n), wp_count)
    wp_municipality = np.where(
        rng.random(len(wp_enterprise)) < 0.7,
        municipality[wp_enterprise],
        rng.choice(len(muni.weight), size=len(wp_enterprise), p=muni.weight),
    )
    number = _cvr_numbers(rng, n)
    return Enterprises(
        number=number,
        number_str=np.char.zfill(number.astype(str), 8).astype("S8"),
        industry=industry,
        municipality=municipality,
        old_sub=old_sub,
        weight=weight,
        founded=founded,
        closed=closed,
        productivity=productivity,
        wp_first=wp_first,
        wp_count=wp_count,
        wp_id=np.arange(1, len(wp_enterprise) + 1, dtype=np.int64) + 100_000_000,
        wp_enterprise=wp_enterprise,
        wp_municipality=wp_municipality,
        employees=np.zeros((n, len(YEARS)), dtype=np.int64),
        cum_weight=np.cumsum(weight),
        long_lived=np.flatnonzero(long_lived),
        long_cum=np.cumsum(weight[long_lived]),
    )


def pick_employers(rng: np.random.Generator, ent: Enterprises, start: np.ndarray) -> np.ndarray:
    """An enterprise active on each start day, chosen with probability by its weight."""

    def draw(cum: np.ndarray, k: int) -> np.ndarray:
        return np.minimum(np.searchsorted(cum, rng.random(k) * cum[-1], side="right"), len(cum) - 1)

    chosen = draw(ent.cum_weight, len(start))
    for _ in range(4):
        bad = np.flatnonzero((ent.founded[chosen] > start) | (ent.closed[chosen] <= start))
        if len(bad) == 0:
            break
        chosen[bad] = draw(ent.cum_weight, len(bad))
    bad = np.flatnonzero((ent.founded[chosen] > start) | (ent.closed[chosen] <= start))
    chosen[bad] = ent.long_lived[draw(ent.long_cum, len(bad))]
    return chosen
