"""PARENTS: each person's mother and father (FIXED), the fertility links of the register base."""

from __future__ import annotations

from fivesafes.synthetic.registers._common import Chunk
from fivesafes.synthetic.registers._metadata import declare

METADATA = declare(__file__)
NAME = METADATA.short_name


def generate(c: Chunk) -> None:
    p = c.people
    c.sink.write(
        NAME,
        {
            "pnr": p.pnr,
            "mother_pnr": (p.pnr[p.mother.clip(0)], p.mother >= 0),
            "father_pnr": (p.pnr[p.father.clip(0)], p.father >= 0),
        },
    )
