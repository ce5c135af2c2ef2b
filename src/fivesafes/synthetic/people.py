"""The persons of one chunk: births, sex, migration, deaths, parents, partners and education paths.

Everything is drawn with vectorised numpy over the chunk. A chunk is a closed population: a
child's parents are persons of the same chunk, so the register base stays consistent whatever the
chunk size. Dates are day numbers (see `timeline`); NEVER marks "does not happen before the end".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fivesafes.synthetic import codelists
from fivesafes.synthetic.pnr import SerialAllocator, encode
from fivesafes.synthetic.timeline import (
    DAYS_PER_YEAR,
    END,
    FIRST_YEAR,
    LAST_YEAR,
    START,
    day,
    year_of,
)

NEVER = np.int64(2**40)  # a day number after every real date
Y = DAYS_PER_YEAR
STOCK, BORN, IMMIGRANT = 0, 1, 2
ORIGIN_DANISH, ORIGIN_IMMIGRANT, ORIGIN_DESCENDANT = 0, 1, 2

_B = 0.095  # Gompertz slope of mortality by age


@dataclass
class People:
    gid: np.ndarray  # global person index, 0..N-1
    birth: np.ndarray
    male: np.ndarray
    kind: np.ndarray
    arrived: np.ndarray  # birth, or immigration day for the foreign-born
    immigration: np.ndarray  # NEVER when not an immigrant
    emigration: np.ndarray  # NEVER when none (before the end)
    death: np.ndarray  # NEVER when none, or when it happened abroad after emigration
    entry: np.ndarray  # first day in the register base: max(arrived, 1980-01-01)
    exit: np.ndarray  # first day no longer present: min(death, emigration, END + 1)
    pnr: np.ndarray  # S10
    origin: np.ndarray
    country: np.ndarray  # object array of country codes
    mother: np.ndarray  # local index or -1
    father: np.ndarray
    partner: np.ndarray  # for women: local index of the partner man, or -1
    couple_start: np.ndarray  # for women with a partner; NEVER otherwise
    couple_stop: np.ndarray
    edu_codes: np.ndarray  # (n, 5) index into ISCED of each completed step
    edu_ages: np.ndarray  # (n, 5) age in years when the step is completed; inf if never
    edu_unknown: np.ndarray  # education not known (some immigrants)
    edu_final: np.ndarray

    @property
    def n(self) -> int:
        return len(self.birth)


def _pick_weighted(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    cum = np.cumsum(weights)
    return np.minimum(
        np.searchsorted(cum, rng.random(size) * cum[-1], side="right"), len(weights) - 1
    )


def _gompertz_death(
    rng: np.random.Generator, birth: np.ndarray, male: np.ndarray, from_day: np.ndarray
) -> np.ndarray:
    """Day of death for persons alive on `from_day`, by sex and cohort (improving mortality)."""
    cohort = year_of(birth)
    a = np.where(male, 3.6e-5, 2.2e-5) * np.exp(-0.01 * (cohort - 1940))
    a0 = np.maximum(from_day - birth, 0) / Y
    u = rng.random(len(birth))
    age = np.log(np.exp(_B * a0) - _B * np.log(u) / a) / _B
    return birth + np.ceil(age * Y).astype(np.int64)


def _stock_ages(rng: np.random.Generator, n: int) -> np.ndarray:
    ages = np.arange(0, 105)
    cohort = FIRST_YEAR - ages
    size = np.ones(len(ages))
    size[(cohort >= 1942) & (cohort <= 1948)] = 1.3
    size[(cohort >= 1964) & (cohort <= 1969)] = 1.2
    size[cohort <= 1920] = 0.85
    survival = np.exp(-2.8e-5 / _B * (np.exp(_B * ages) - 1))
    return ages[_pick_weighted(rng, size * survival, n)] + rng.random(n)


_BIRTHS = {
    1980: 57,
    1983: 51,
    1990: 63,
    1995: 70,
    2000: 67,
    2008: 65,
    2013: 56,
    2016: 61,
    2020: 61,
    2025: 58,
}


def _birth_years(rng: np.random.Generator, n: int) -> np.ndarray:
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    known = np.array(sorted(_BIRTHS))
    w = np.interp(years, known, [_BIRTHS[y] for y in known])
    return years[_pick_weighted(rng, w, n)]


def _year_start_days(years: np.ndarray) -> np.ndarray:
    return (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


def _education(
    rng: np.random.Generator, birth: np.ndarray, male: np.ndarray, kind: np.ndarray
) -> tuple[np.ndarray, ...]:
    n = len(birth)
    t = np.clip((year_of(birth) - 1910) / 85.0, 0, 1)[:, None]
    old = np.array([0.45, 0.15, 0.03, 0.25, 0.04, 0.06, 0.02, 0.0])
    new_m = np.array([0.05, 0.14, 0.12, 0.33, 0.07, 0.15, 0.12, 0.02])
    new_f = np.array([0.04, 0.10, 0.14, 0.22, 0.06, 0.27, 0.15, 0.02])
    p = (1 - t) * old + t * np.where(male[:, None], new_m, new_f)
    final = (rng.random(n)[:, None] > np.cumsum(p, axis=1)).sum(axis=1).clip(0, 7)
    delay = np.maximum(rng.normal(0, 1.0, n), 0) + np.where(
        rng.random(n) < 0.1, rng.uniform(0, 15, n), 0
    )
    inf = np.inf
    codes = np.zeros((n, 5), dtype=np.int64)
    ages = np.full((n, 5), inf)
    codes[:, 0], ages[:, 0] = 1, np.where(final >= 1, 16.0, inf)
    upper = np.where(final == 3, 3, 2)  # vocational or general upper secondary
    codes[:, 1] = upper
    ages[:, 1] = np.where(final >= 2, np.where(final == 3, 21.0, 19.0) + delay, inf)
    tertiary = np.select([final == 4, final >= 5], [4, 5], 4)
    codes[:, 2] = tertiary
    ages[:, 2] = np.where(final >= 4, np.where(final == 4, 22.0, 23.5) + delay, inf)
    codes[:, 3], ages[:, 3] = 6, np.where(final >= 6, 25.5 + delay, inf)
    codes[:, 4], ages[:, 4] = 7, np.where(final >= 7, 29.0 + delay * 1.5, inf)
    unknown = (kind == IMMIGRANT) & (rng.random(n) < 0.2)
    return codes, ages, unknown, final


def _link_mothers(rng: np.random.Generator, p: dict[str, np.ndarray]) -> np.ndarray:
    """For children born in Denmark, a mother of the chunk aged 15-46, present and alive at the birth."""
    n = len(p["birth"])
    mother = np.full(n, -1, dtype=np.int64)
    women = np.flatnonzero(~p["male"])
    if len(women) == 0:
        return mother
    order = women[np.argsort(p["birth"][women], kind="stable")]
    wbirth = p["birth"][order]
    native = (p["kind"] == BORN) | (
        (p["kind"] == STOCK) & (p["immigration"] == NEVER) & (p["birth"] >= day(1950))
    )
    todo = np.flatnonzero(native)
    for _attempt in range(4):
        if len(todo) == 0:
            break
        cb = p["birth"][todo]
        mean_age = 25.5 + 5.0 * np.clip((year_of(cb) - 1975) / 50, 0, 1)
        mage = np.clip(rng.normal(mean_age, 4.8), 15.5, 45.5)
        pos = np.searchsorted(wbirth, cb - (mage * Y).astype(np.int64)) + rng.integers(
            -3, 4, len(todo)
        )
        cand = order[np.clip(pos, 0, len(order) - 1)]
        age_days = cb - p["birth"][cand]
        ok = (
            (age_days >= 15 * Y)
            & (age_days <= 50 * Y)
            & (p["arrived"][cand] <= cb)
            & (cb < p["death"][cand])
            & (cb < p["emigration"][cand])
        )
        mother[todo[ok]] = cand[ok]
        todo = todo[~ok]
    return mother


def _pair_partners(rng: np.random.Generator, p: dict[str, np.ndarray]) -> np.ndarray:
    """A partner man for each woman: rank-matched on birth date, the man about 2.5 years older."""
    n = len(p["birth"])
    partner = np.full(n, -1, dtype=np.int64)
    women, men = np.flatnonzero(~p["male"]), np.flatnonzero(p["male"])
    if len(women) == 0 or len(men) == 0:
        return partner
    target = p["birth"][women] - (rng.normal(2.5, 3.0, len(women)) * Y).astype(np.int64)
    w_sorted = women[np.argsort(target, kind="stable")]
    m_sorted = men[np.argsort(p["birth"][men], kind="stable")]
    ranks = (np.arange(len(w_sorted)) * len(m_sorted)) // len(w_sorted)
    partner[w_sorted] = m_sorted[ranks]
    return partner


def make_people(
    rng: np.random.Generator, first_gid: int, n: int, serials: SerialAllocator
) -> People:
    """Draw `n` persons with global indexes first_gid.. and their life courses."""
    kind = _pick_weighted(rng, np.array([0.58, 0.30, 0.12]), n)
    male = rng.random(n) < 0.512
    birth = np.empty(n, dtype=np.int64)
    immigration = np.full(n, NEVER, dtype=np.int64)
    s = kind == STOCK
    birth[s] = START - (_stock_ages(rng, int(s.sum())) * Y).astype(np.int64) - 1
    b = kind == BORN
    by = _birth_years(rng, int(b.sum()))
    birth[b] = _year_start_days(by) + (rng.random(int(b.sum())) * 365).astype(np.int64)
    im = kind == IMMIGRANT
    k = int(im.sum())
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    imm_year = years[_pick_weighted(rng, np.linspace(0.6, 2.0, len(years)), k)]
    imm_day = _year_start_days(imm_year) + (rng.random(k) * 365).astype(np.int64)
    age_at = np.where(
        rng.random(k) < 0.7, np.clip(rng.normal(27, 7, k), 16, 70), rng.uniform(0, 16, k)
    )
    immigration[im] = np.minimum(imm_day, END)
    birth[im] = immigration[im] - (age_at * Y).astype(np.int64) - 1
    # stock persons born abroad, arrived before 1980
    abroad = s & (rng.random(n) < 0.035) & (birth < START - int(Y))
    immigration[abroad] = birth[abroad] + (
        rng.random(int(abroad.sum())) * (START - birth[abroad])
    ).astype(np.int64)
    arrived = np.where(immigration == NEVER, birth, immigration)
    entry = np.maximum(arrived, START)

    death = _gompertz_death(rng, birth, male, entry)
    infant = b & (rng.random(n) < 0.005)
    death[infant] = birth[infant] + (rng.random(int(infant.sum())) * 365).astype(np.int64)
    death = np.maximum(death, entry)  # nobody dies before being present
    foreign = immigration != NEVER
    emigration = np.full(n, NEVER, dtype=np.int64)
    emig_f = foreign & (rng.random(n) < np.where(im, 0.4, 0.1))
    emigration[emig_f] = (
        np.maximum(entry[emig_f], immigration[emig_f])
        + 30
        + (rng.exponential(4.0, int(emig_f.sum())) * Y).astype(np.int64)
    )
    emig_n = ~foreign & (rng.random(n) < 0.07)
    emigration[emig_n] = birth[emig_n] + (rng.uniform(20, 45, int(emig_n.sum())) * Y).astype(
        np.int64
    )
    emigration[(emigration <= entry) | (emigration > END) | (emigration >= death)] = NEVER
    death[(death > END) | (death > emigration)] = NEVER
    exit_ = np.minimum(np.minimum(death, emigration), END + 1)

    serial = serials.allocate(birth, male)
    pnr = encode(birth, male, serial)

    parts = {
        "birth": birth,
        "male": male,
        "kind": kind,
        "immigration": immigration,
        "arrived": arrived,
        "death": death,
        "emigration": emigration,
    }
    mother = _link_mothers(rng, parts)
    partner = _pair_partners(rng, parts)
    father = np.full(n, -1, dtype=np.int64)
    has_mother = np.flatnonzero(mother >= 0)
    cand = partner[mother[has_mother]]
    cb = birth[has_mother]
    valid = cand >= 0
    c = np.where(valid, cand, 0)
    valid &= (
        (cb - birth[c] >= 15 * Y)
        & (arrived[c] <= cb)
        & (cb - 280 < np.minimum(death[c], emigration[c]))
    )
    valid &= rng.random(len(has_mother)) > 0.06  # father not recorded
    father[has_mother[valid]] = c[valid]

    # couples: a woman and her partner, if they have a child together
    couple_start = np.full(n, NEVER, dtype=np.int64)
    couple_stop = np.full(n, NEVER, dtype=np.int64)
    kids = has_mother[valid]
    first_child = np.full(n, NEVER, dtype=np.int64)
    np.minimum.at(first_child, mother[kids], birth[kids])
    w = np.flatnonzero(first_child < NEVER)
    m = partner[w]
    start = first_child[w] - (rng.uniform(0.5, 4.0, len(w)) * Y).astype(np.int64)
    start = np.maximum.reduce(
        [start, birth[w] + int(18 * Y), birth[m] + int(18 * Y), arrived[w], arrived[m]]
    )
    start = np.minimum(start, first_child[w])
    stop = np.minimum.reduce([death[w], death[m], emigration[w], emigration[m]])
    split = rng.random(len(w)) < 0.35
    stop = np.where(
        split,
        np.minimum(stop, first_child[w] + (rng.uniform(1, 20, len(w)) * Y).astype(np.int64)),
        stop,
    )
    couple_start[w], couple_stop[w] = start, np.maximum(stop, start + 1)

    origin = np.full(n, ORIGIN_DANISH, dtype=np.int64)
    origin[foreign] = ORIGIN_IMMIGRANT
    has_m = mother >= 0
    origin[has_m & (immigration[np.where(has_m, mother, 0)] != NEVER) & ~foreign] = (
        ORIGIN_DESCENDANT
    )
    countries, cw = codelists.immigrant_countries()
    country = np.full(n, "DNK", dtype=object)
    country[foreign] = countries[_pick_weighted(rng, cw, int(foreign.sum()))]

    edu_codes, edu_ages, edu_unknown, edu_final = _education(rng, birth, male, kind)
    return People(
        gid=np.arange(first_gid, first_gid + n, dtype=np.int64),
        birth=birth,
        male=male,
        kind=kind,
        arrived=arrived,
        immigration=immigration,
        emigration=emigration,
        death=death,
        entry=entry,
        exit=exit_,
        pnr=pnr,
        origin=origin,
        country=country,
        mother=mother,
        father=father,
        partner=partner,
        couple_start=couple_start,
        couple_stop=couple_stop,
        edu_codes=edu_codes,
        edu_ages=edu_ages,
        edu_unknown=edu_unknown,
        edu_final=edu_final,
    )
