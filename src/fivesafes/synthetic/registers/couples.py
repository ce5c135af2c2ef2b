"""COUPLES: cohabiting couples with a child together (EVENT per family): who, from when, until when."""

from __future__ import annotations

import numpy as np

from fivesafes.synthetic.people import NEVER
from fivesafes.synthetic.registers._common import Chunk
from fivesafes.synthetic.registers._metadata import declare
from fivesafes.synthetic.timeline import END, START

FAMILY_OFFSET = 10_000_000_000  # family ids are the woman's person index plus this offset

METADATA = declare(__file__)
NAME = METADATA.short_name


def generate(c: Chunk) -> None:
    p = c.people
    w = np.flatnonzero((p.couple_start < NEVER) & (p.couple_stop > START) & (p.couple_start <= END))
    start = np.maximum(p.couple_start[w], START)
    stop = p.couple_stop[w] - 1  # inclusive last day
    c.sink.write_by_year(
        NAME,
        {
            "family_id": p.gid[w] + FAMILY_OFFSET,
            "woman_pnr": p.pnr[w],
            "man_pnr": p.pnr[p.partner[w]],
            "start_date": start,
            "stop_date": (stop, stop < END),
            "start_censored": p.couple_start[w] < START,
        },
        start,
    )
