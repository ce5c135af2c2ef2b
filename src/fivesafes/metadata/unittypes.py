"""The unit types registers may describe, each with the kind of identifier it carries.

The list is fixed in code: a register naming any other unit type is refused by the loader. A new
unit type is a code change (and a migration of the catalogue's table), on purpose.
"""

from __future__ import annotations

from fivesafes.metadata.model import Text, UnitType

UNIT_TYPES: dict[str, UnitType] = {
    u.name: u
    for u in (
        UnitType("person", Text("Person", "Person"), "person_number"),
        UnitType("family", Text("Family", "Familie"), "family_id"),
        UnitType("household", Text("Household", "Husstand"), "household_id"),
        UnitType("address", Text("Address", "Adresse"), "address_id"),
        UnitType("building", Text("Building", "Bygning"), "building_id"),
        UnitType("workplace", Text("Workplace", "Arbejdssted"), "workplace_id"),
        UnitType("enterprise", Text("Enterprise", "Virksomhed"), "enterprise_number"),
        UnitType("job", Text("Job", "Job"), "job_id"),
        UnitType("hospital_contact", Text("Hospital contact", "Sygehuskontakt"), "contact_id"),
        UnitType("prescription", Text("Prescription", "Recept"), "prescription_id"),
    )
}


def unit_type(name: str) -> UnitType:
    """The unit type called `name`; KeyError names the known ones."""
    try:
        return UNIT_TYPES[name]
    except KeyError:
        raise KeyError(
            f"unknown unit type {name!r}; known: {', '.join(sorted(UNIT_TYPES))}"
        ) from None
