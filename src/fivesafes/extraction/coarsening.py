"""The coarsening a variable can get, decided from its metadata alone, with the defaults in words.

- "year" / "month": a date to its year (an integer) or to the first day of its month;
- "municipality": an address-like variable (links to an address or building, or named like an
  address or post code) replaced by the municipality of the same register row, when the register
  has a municipality code list;
- "groups": amounts and counts top-coded at the 99th percentile of the delivered rows and then
  rounded to two significant digits of that top code; dates to the year; hierarchical codes to
  their ancestor one level above the finest level of the code list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fivesafes.metadata.model import DataType, Register, Role, Variable

from .errors import PlanError

TOP_PERCENTILE = 0.99
SIGNIFICANT_DIGITS = 3
ADDRESS_UNITS = frozenset({"address", "building"})
ADDRESS_NAME = re.compile(r"(address|post_?code|postal|zip)", re.IGNORECASE)
MUNICIPALITY = "municipality"


@dataclass(frozen=True)
class Coarsened:
    """How one requested variable is delivered: the output column, its type and the words."""

    name: str
    variable: str
    how: str  # "", "year", "month", "municipality", "top_code", "code_group"
    note: str
    codes: tuple[tuple[str, str], ...] = ()  # code -> group, only the codes that change
    level: int | None = None


def _group_codes(var: Variable) -> tuple[tuple[tuple[str, str], ...], int]:
    code_list = var.value_domain.code_list
    assert code_list is not None
    levels = [c.level for c in code_list.codes if c.level is not None]
    parents = {c.code: c.parent for c in code_list.codes}
    if not levels or max(levels) < 2 or not any(parents.values()):
        raise PlanError(
            f"variables:{var.name}",
            f"{var.name} has a flat code list; there is no coarser level to group it to.",
        )
    target = max(levels) - 1
    level_of = {c.code: c.level for c in code_list.codes}
    mapping: dict[str, str] = {}
    for code in sorted(level_of):
        level, ancestor = level_of[code], code
        while level is not None and level > target and parents.get(ancestor):
            ancestor = parents[ancestor] or ancestor
            level = level_of.get(ancestor)
        if ancestor != code:
            mapping[code] = ancestor
    return tuple(sorted(mapping.items())), target


def coarsen(register: Register, var: Variable, how: str, label: str) -> Coarsened:
    """The coarsening `how` of `var`, or a PlanError naming the variable and the reason."""
    field = f"variables:{label}"
    if how == "":
        return Coarsened(var.name, var.name, "", "")
    is_id = var.role is Role.IDENTIFIER or var.links_to is not None
    if how in ("year", "month"):
        if var.data_type is not DataType.DATE:
            raise PlanError(field, f"{label} is not a date; only dates are coarsened to the {how}.")
        note = "the year" if how == "year" else "the first day of the month"
        return Coarsened(var.name, var.name, how, f"{label} delivered as {note}")
    if how == MUNICIPALITY:
        address_like = var.links_to in ADDRESS_UNITS or bool(ADDRESS_NAME.search(var.name))
        target = next((v for v in register.variables if v.name == MUNICIPALITY), None)
        if not address_like or var.name == MUNICIPALITY:
            raise PlanError(
                field, f"{label} is not an address or post code; it cannot go to municipality."
            )
        if target is None or target.value_domain.code_list is None:
            raise PlanError(
                field,
                f"{register.short_name} has no municipality code list in the same row, so "
                f"{label} cannot be coarsened to municipality.",
            )
        return Coarsened(
            MUNICIPALITY,
            MUNICIPALITY,
            MUNICIPALITY,
            f"{label} replaced by the municipality of the same row "
            f"({register.short_name}.{MUNICIPALITY})",
        )
    if how == "groups":
        if is_id:
            raise PlanError(field, f"{label} is an identifier; it is pseudonymised, not grouped.")
        if var.data_type in (DataType.INTEGER, DataType.DECIMAL) and not (
            var.value_domain.code_list
        ):
            pct = round(TOP_PERCENTILE * 100)
            return Coarsened(
                var.name,
                var.name,
                "top_code",
                f"{label} top-coded at the {pct}th percentile of the delivered rows, then "
                f"rounded to {SIGNIFICANT_DIGITS} significant digits of that top code",
            )
        if var.data_type is DataType.DATE:
            return Coarsened(var.name, var.name, "year", f"{label} grouped to the year")
        if var.value_domain.code_list is not None:
            try:
                mapping, level = _group_codes(var)
            except PlanError as exc:
                raise PlanError(field, exc.message) from None
            return Coarsened(
                var.name,
                var.name,
                "code_group",
                f"{label} codes grouped to level {level} of the code list",
                codes=mapping,
                level=level,
            )
        raise PlanError(field, f"{label} is {var.data_type.value} text; it has no groups.")
    raise PlanError(field, f"'{how}' is not a coarsening (year, month, municipality, groups).")
