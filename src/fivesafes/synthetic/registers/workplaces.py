"""WORKPLACES: every workplace with its enterprise, municipality and industry (FIXED)."""

from __future__ import annotations

from fivesafes.synthetic import codelists
from fivesafes.synthetic.enterprises import Enterprises
from fivesafes.synthetic.registers._common import leaf_positions, municipality_codes
from fivesafes.synthetic.registers._metadata import declare
from fivesafes.synthetic.writer import RegisterSink

METADATA = declare(
    __file__, [codelists.municipalities().code_list, codelists.industries().code_list]
)
NAME = METADATA.short_name

_MUNI = municipality_codes()
_IND_LEAF = leaf_positions(codelists.industries())


def generate(ent: Enterprises, sink: RegisterSink) -> None:
    e = ent.wp_enterprise
    sink.write(
        NAME,
        {
            "workplace_id": ent.wp_id,
            "enterprise_no": ent.number_str[e],
            "municipality": _MUNI.new[ent.wp_municipality],
            "industry": _IND_LEAF[ent.industry[e]],
        },
    )
