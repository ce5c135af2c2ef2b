"""Which version bump a metadata revision needs, and why.

The rule: removing a variable or changing what existing data mean (type, role, unit, link, code
list codes or validity, temporality, unit type, sensitivity, shorter coverage) is a MAJOR change;
adding variables, adding codes or extending the time coverage is MINOR; changes of documentation
only (titles, descriptions, labels, quality declaration, owner, frequency) are PATCH; identical
content is NONE.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import IntEnum

from fivesafes.metadata.model import Code, Register, Variable


class Bump(IntEnum):
    NONE = 0
    PATCH = 1
    MINOR = 2
    MAJOR = 3


@dataclass(frozen=True)
class VersionChange:
    bump: Bump
    reasons: tuple[str, ...] = field(default=())


def _parse(version: str) -> tuple[int, int, int]:
    major, minor, patch = (int(p) for p in version.split("."))
    return major, minor, patch


def next_version(version: str, bump: Bump) -> str:
    """The version after `version` for a change of size `bump`."""
    major, minor, patch = _parse(version)
    if bump is Bump.MAJOR:
        return f"{major + 1}.0.0"
    if bump is Bump.MINOR:
        return f"{major}.{minor + 1}.0"
    if bump is Bump.PATCH:
        return f"{major}.{minor}.{patch + 1}"
    return version


def _code_key(c: Code) -> tuple[str, object, object]:
    return (c.code, c.valid_from, c.valid_until)


def _variable_changes(old: Variable, new: Variable) -> list[tuple[Bump, str]]:
    out: list[tuple[Bump, str]] = []
    name = old.name
    for attr in ("data_type", "role", "links_to", "nullable", "sensitivity", "unit_of_measure"):
        if getattr(old, attr) != getattr(new, attr):
            out.append((Bump.MAJOR, f"variable {name!r}: {attr} changed"))
    od, nd = old.value_domain, new.value_domain
    if (od.code_list is None) != (nd.code_list is None):
        out.append(
            (Bump.MAJOR, f"variable {name!r}: value domain changed between described and code list")
        )
    elif od.code_list is not None and nd.code_list is not None:
        old_codes = {_code_key(c) for c in od.code_list.codes}
        new_codes = {_code_key(c) for c in nd.code_list.codes}
        removed = old_codes - new_codes
        if removed:
            out.append(
                (
                    Bump.MAJOR,
                    f"variable {name!r}: {len(removed)} code(s) removed or their validity changed",
                )
            )
        added = new_codes - old_codes  # new codes, or a withdrawn code valid again
        if added:
            out.append(
                (Bump.MINOR, f"variable {name!r}: {len(added)} code(s) or validity period(s) added")
            )
        old_labels = {
            (c.code, c.valid_from): (c.label, c.level, c.parent) for c in od.code_list.codes
        }
        if any(
            old_labels.get((c.code, c.valid_from), (c.label, c.level, c.parent))
            != (c.label, c.level, c.parent)
            for c in nd.code_list.codes
        ):
            out.append((Bump.PATCH, f"variable {name!r}: code labels or hierarchy changed"))
    for attr in ("minimum", "maximum", "pattern"):
        if getattr(od, attr) != getattr(nd, attr):
            out.append((Bump.MAJOR, f"variable {name!r}: value domain {attr} changed"))
    if {s.code for s in od.sentinels} != {s.code for s in nd.sentinels}:
        out.append((Bump.MAJOR, f"variable {name!r}: sentinel codes changed"))
    if (old.label, old.description, od.description, od.sentinels) != (
        new.label,
        new.description,
        nd.description,
        nd.sentinels,
    ) and not any(b is Bump.MAJOR and "sentinel" in r for b, r in out):
        out.append((Bump.PATCH, f"variable {name!r}: labels or descriptions changed"))
    return out


def version_change(old: Register, new: Register) -> VersionChange:
    """The bump needed from `old` to `new` (the version fields themselves are ignored)."""
    if replace(old, version="") == replace(new, version=""):
        return VersionChange(Bump.NONE)
    found: list[tuple[Bump, str]] = []
    for attr in ("short_name", "unit_type", "temporality"):
        if getattr(old, attr) != getattr(new, attr):
            found.append((Bump.MAJOR, f"{attr} changed"))
    old_vars = {v.name: v for v in old.variables}
    new_vars = {v.name: v for v in new.variables}
    for name in old_vars.keys() - new_vars.keys():
        found.append((Bump.MAJOR, f"variable {name!r} removed"))
    for name in new_vars.keys() - old_vars.keys():
        found.append((Bump.MINOR, f"variable {name!r} added"))
    for name in old_vars.keys() & new_vars.keys():
        found.extend(_variable_changes(old_vars[name], new_vars[name]))
    oc, nc = old.time_coverage, new.time_coverage
    if nc.first_year > oc.first_year or nc.last_year < oc.last_year:
        found.append((Bump.MAJOR, "time coverage shortened"))
    elif nc != oc:
        found.append((Bump.MINOR, "time coverage extended"))
    for attr in (
        "title",
        "description",
        "subject_area",
        "data_owner",
        "update_frequency",
        "quality",
    ):
        if getattr(old, attr) != getattr(new, attr):
            found.append((Bump.PATCH, f"{attr} changed"))
    if not found:  # e.g. only the order of variables changed
        found.append((Bump.PATCH, "order of variables or codes changed"))
    bump = max(b for b, _ in found)
    return VersionChange(bump, tuple(sorted(r for _b, r in found)))


def check_new_version(old: Register, new: Register) -> list[str]:
    """Problems with the version `new` declares, as texts; empty when it is acceptable.

    The declared version must be at least `next_version(old.version, bump)` and must not repeat
    the old version number for different content.
    """
    change = version_change(old, new)
    problems: list[str] = []
    if change.bump is Bump.NONE:
        if new.version != old.version:
            problems.append(
                f"content unchanged but version changed from {old.version} to {new.version}"
            )
        return problems
    need = next_version(old.version, change.bump)
    if _parse(new.version) < _parse(need):
        problems.append(
            f"{change.bump.name.lower()} change ({'; '.join(change.reasons)}) needs version {need} or later, not {new.version}"
        )
    return problems
