"""RESIDENCE: municipality, address, household and family of every resident on 1 January (STATUS).

Each person has an own address that changes when they move (young adults move most); a man
living in a couple shares his partner's address, a child under 18 its mother's. Before 2007 the
municipality is given in the codes valid then (the 2007 reform merged municipalities).
"""

from __future__ import annotations

import numpy as np

from fivesafes.synthetic import codelists
from fivesafes.synthetic.registers._common import Chunk, municipality_codes
from fivesafes.synthetic.registers._metadata import declare
from fivesafes.synthetic.registers.couples import FAMILY_OFFSET
from fivesafes.synthetic.timeline import DAYS_PER_YEAR, YEARS, day

ADDRESS_BASE = 1_000_000_000

METADATA = declare(__file__, [codelists.municipalities().code_list])
NAME = METADATA.short_name

_MUNI = codelists.municipalities()
_CODES = municipality_codes()


def _addresses_per_municipality(persons_total: int) -> np.ndarray:
    return np.ceil(_MUNI.weight * persons_total * 1.5).astype(np.int64) + 20


def generate(c: Chunk) -> None:
    p, rng = c.people, c.rng
    n_addr = _addresses_per_municipality(c.persons_total)
    n_muni = len(_MUNI.weight)
    muni = rng.choice(n_muni, size=p.n, p=_MUNI.weight)
    addr = (rng.random(p.n) * n_addr[muni]).astype(np.int64)
    has_partner = np.flatnonzero(p.partner >= 0)
    for year in YEARS:
        d = day(int(year))
        age = (d - p.birth) / DAYS_PER_YEAR
        move_p = np.where((age >= 18) & (age < 30), 0.2, 0.07)
        movers = rng.random(p.n) < move_p
        far = movers & (rng.random(p.n) < 0.3)
        muni[far] = rng.choice(n_muni, size=int(far.sum()), p=_MUNI.weight)
        addr[movers] = (rng.random(int(movers.sum())) * n_addr[muni[movers]]).astype(np.int64)
        present = (p.entry <= d) & (d < p.exit)
        eff_muni, eff_addr = muni.copy(), addr.copy()
        family = p.gid + FAMILY_OFFSET
        in_couple = has_partner[
            (p.couple_start[has_partner] <= d) & (d < p.couple_stop[has_partner])
        ]
        men = p.partner[in_couple]
        eff_muni[men], eff_addr[men], family[men] = (
            eff_muni[in_couple],
            eff_addr[in_couple],
            family[in_couple],
        )
        kids = np.flatnonzero((p.mother >= 0) & (age < 18))
        kids = kids[present[p.mother[kids]]]
        mothers = p.mother[kids]
        for _generation in range(
            2
        ):  # twice, so that a teenage mother's child follows her to her mother
            eff_muni[kids], eff_addr[kids], family[kids] = (
                eff_muni[mothers],
                eff_addr[mothers],
                family[mothers],
            )
        rows = np.flatnonzero(present)
        m, a = eff_muni[rows], eff_addr[rows]
        code_pos = _CODES.in_year(int(year), m, a % np.maximum(_MUNI.n_old[m], 1))
        address_id = ADDRESS_BASE + m * 10_000_000 + a
        c.sink.write(
            NAME,
            {
                "pnr": p.pnr[rows],
                "ref_date": d,
                "municipality": code_pos,
                "address_id": address_id,
                "household_id": address_id,
                "family_id": family[rows],
            },
            year=int(year),
        )
