"""RESIDENCE: municipality, address, household and family of every resident on 1 January (STATUS).

Each person has an own address that changes when they move (young adults move most); a man
living in a couple shares his partner's address, a child under 18 its mother's. Before 2007 the
municipality is given in the codes valid then (the 2007 reform merged municipalities).
"""

from __future__ import annotations

import numpy as np

from fivesafes.metadata.model import SubjectArea, Temporality
from fivesafes.synthetic import codelists
from fivesafes.synthetic.registers._common import (
    Chunk,
    coded_var,
    id_number,
    municipality_codes,
    on_day,
    person_number,
    quality,
    reference_date,
    register,
)
from fivesafes.synthetic.registers.couples import FAMILY_OFFSET
from fivesafes.synthetic.timeline import DAYS_PER_YEAR, YEARS, day
from fivesafes.synthetic.writer import coded, fixed_strings, numbers

NAME = "RESIDENCE"
ADDRESS_BASE = 1_000_000_000

METADATA = register(
    NAME,
    ("Residence on 1 January", "Bopæl pr. 1. januar"),
    (
        "Municipality, address, household and family of every person resident on 1 January of each year.",
        "Kommune, adresse, husstand og familie for alle bosiddende personer pr. 1. januar hvert år.",
    ),
    subject_area=SubjectArea.POPULATION,
    unit_type="person",
    temporality=Temporality.STATUS,
    quality=quality(
        (
            "Where people live, who they live with: the basis of regional and household statistics.",
            "Hvor folk bor, og hvem de bor med: grundlaget for regional- og husstandsstatistik.",
        ),
        (
            "Yearly status since 1980. The 2007 reform merged municipalities; codes before 2007 are the old ones.",
            "Årlig status siden 1980. Kommunalreformen 2007 lagde kommuner sammen; koder før 2007 er de gamle.",
        ),
        (
            "Administrative register: addresses reported to the civil registration system.",
            "Administrativt register: adresser indberettet til CPR.",
        ),
        (
            "Complete for residents; a household is the persons at one address.",
            "Fuldstændig for bosiddende; en husstand er personerne på én adresse.",
        ),
        ("1 January each year.", "1. januar hvert år."),
        (
            "Municipalities change at 1 January 2007; use the code list's validity to map old to new codes.",
            "Kommuner ændres 1. januar 2007; brug kodelistens gyldighed til at omsætte gamle til nye koder.",
        ),
    ),
    variables=(
        person_number(),
        reference_date(("1 January of the year.", "1. januar i året.")),
        coded_var(
            "municipality",
            ("Municipality", "Kommune"),
            ("Municipality of residence.", "Bopælskommune."),
            codelists.municipalities().code_list,
        ),
        id_number(
            "address_id",
            ("Address", "Adresse"),
            ("Identifier of the dwelling address.", "Id for boligadressen."),
            links_to="address",
            particularly=True,
        ),
        id_number(
            "household_id",
            ("Household", "Husstand"),
            (
                "Identifier of the household (the persons at one address).",
                "Id for husstanden (personerne på én adresse).",
            ),
            links_to="household",
        ),
        id_number(
            "family_id",
            ("Family", "Familie"),
            (
                "Identifier of the family: a couple or a single adult and children under 18.",
                "Id for familien: et par eller en enlig voksen og børn under 18.",
            ),
            links_to="family",
        ),
    ),
)

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
                "pnr": fixed_strings(p.pnr[rows]),
                "ref_date": on_day(d, len(rows)),
                "municipality": coded(code_pos, _CODES.dictionary),
                "address_id": numbers(address_id),
                "household_id": numbers(address_id),
                "family_id": numbers(family[rows]),
            },
            year=int(year),
        )
