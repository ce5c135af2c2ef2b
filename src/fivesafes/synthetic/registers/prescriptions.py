"""PRESCRIPTIONS: drugs dispensed at pharmacies from 1995 (EVENT per dispensing), ATC-like codes.

Each person has one to three regular drugs, most dispensings are of those; the rest are drawn from
all drugs by their frequency, so common drugs dominate and rare ones occur a handful of times.
"""

from __future__ import annotations

import numpy as np

from fivesafes.synthetic import codelists
from fivesafes.synthetic.registers._common import Chunk, leaf_positions
from fivesafes.synthetic.registers._events import draw_events
from fivesafes.synthetic.registers._metadata import declare
from fivesafes.synthetic.timeline import day

METADATA = declare(__file__, [codelists.atc().code_list])
NAME = METADATA.short_name
FIRST = METADATA.time_coverage.first_year  # dispensings are recorded from 1995

_ATC = codelists.atc()
_LEAF_POS = leaf_positions(_ATC)
_PACK_DDD = np.random.default_rng(21).choice(
    [7.0, 10.0, 14.0, 20.0, 28.0, 30.0, 50.0, 98.0, 100.0], size=len(_ATC.leaves)
)


def generate(c: Chunk) -> None:
    p, rng = c.people, c.rng
    person, when = draw_events(rng, p, day(FIRST), 0.15, 0.025, 0.7)
    regular = rng.choice(len(_ATC.leaves), size=(p.n, 3), p=_ATC.weights)
    n_regular = rng.integers(1, 4, p.n)
    use_regular = rng.random(len(person)) < 0.6
    which = (rng.random(len(person)) * n_regular[person]).astype(np.int64)
    leaf = np.where(
        use_regular,
        regular[person, which],
        rng.choice(len(_ATC.leaves), size=len(person), p=_ATC.weights),
    )
    packages = 1 + rng.poisson(0.4, len(person))
    ddd = np.round(
        packages * _PACK_DDD[leaf] * rng.choice([0.5, 1.0, 1.0, 2.0], size=len(person)), 1
    )
    c.sink.write_by_year(
        NAME,
        {
            "prescription_id": c.next_ids("prescription", len(person)),
            "pnr": p.pnr[person],
            "dispensing_date": when,
            "atc": _LEAF_POS[leaf],
            "packages": packages.astype(np.int64),
            "ddd": ddd,
        },
        when,
    )
