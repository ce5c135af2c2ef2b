"""Drawing event dates for persons: counts by exposure and age, dates uniform in the exposure."""

from __future__ import annotations

import numpy as np

from fivesafes.synthetic.people import People
from fivesafes.synthetic.timeline import DAYS_PER_YEAR, year_of


def draw_events(
    rng: np.random.Generator,
    p: People,
    first_day: int,
    rate_base: float,
    rate_per_age: float,
    frailty_shape: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(person index, event day) for events in each person's presence from `first_day` on,
    ordered by year.

    The yearly rate is rate_base + rate_per_age * mean age in the exposure, times a gamma frailty
    (mean 1), so a few persons have many events and many have none.
    """
    lo = np.maximum(p.entry, first_day)
    hi = p.exit  # exclusive
    exposure = np.maximum(hi - lo, 0)
    mid_age = ((lo + hi) / 2 - p.birth) / DAYS_PER_YEAR
    frailty = rng.gamma(frailty_shape, 1 / frailty_shape, p.n)
    lam = exposure / DAYS_PER_YEAR * (rate_base + rate_per_age * np.maximum(mid_age, 0)) * frailty
    counts = rng.poisson(lam)
    person = np.repeat(np.arange(p.n), counts)
    when = lo[person] + (rng.random(len(person)) * exposure[person]).astype(np.int64)
    by_year = np.argsort(year_of(when).astype(np.int16), kind="stable")  # the writer splits by year
    return person[by_year], when[by_year]
