"""The scope of a decision and the difference between two scopes (R16), free of Django.

A scope is a plain dict: variables (label -> years and coarsening), population, members
(id -> name), period and external data sources. `diff` lists each change and whether it widens
the scope; only a change that widens it needs a change application and a decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    part: str  # variables, population, members, period, external_data
    item: str
    description: str
    widens: bool


def _years(entry: dict[str, Any]) -> str:
    return f"{entry['first_year']}-{entry['last_year']}"


def _variables(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes = []
    for label in sorted(set(old) | set(new)):
        before, after = old.get(label), new.get(label)
        if before is None and after is not None:
            changes.append(Change("variables", label, f"add {label} {_years(after)}", True))
        elif after is None and before is not None:
            changes.append(Change("variables", label, f"remove {label}", False))
        elif before is not None and after is not None:
            if (before["first_year"], before["last_year"]) != (
                after["first_year"],
                after["last_year"],
            ):
                wider = (
                    after["first_year"] < before["first_year"]
                    or after["last_year"] > before["last_year"]
                )
                changes.append(
                    Change(
                        "variables",
                        label,
                        f"{label} years {_years(before)} -> {_years(after)}",
                        wider,
                    )
                )
            old_c, new_c = before.get("coarsening", ""), after.get("coarsening", "")
            if old_c != new_c:
                changes.append(
                    Change(
                        "variables",
                        label,
                        f"{label} coarsening '{old_c or 'none'}' -> '{new_c or 'none'}'",
                        not (new_c and not old_c),
                    )
                )
    return changes


def _population(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes = []
    if old.get("definition", "").strip() != new.get("definition", "").strip():
        changes.append(Change("population", "definition", "population definition changed", True))
    if bool(old.get("total")) != bool(new.get("total")):
        widened = bool(new.get("total"))
        text = "sample -> total population" if widened else "total population -> sample"
        changes.append(Change("population", "total", text, widened))
    elif not new.get("total") and old.get("sample_size") != new.get("sample_size"):
        before, after = old.get("sample_size") or 0, new.get("sample_size") or 0
        changes.append(
            Change("population", "sample_size", f"sample {before} -> {after}", after > before)
        )
    return changes


def _members(old: dict[str, str], new: dict[str, str]) -> list[Change]:
    changes = []
    for key in sorted(set(new) - set(old)):
        changes.append(Change("members", new[key], f"add member {new[key]}", True))
    for key in sorted(set(old) - set(new)):
        changes.append(Change("members", old[key], f"remove member {old[key]}", False))
    return changes


def _period(old: dict[str, str], new: dict[str, str]) -> list[Change]:
    changes = []
    if old.get("starts_on") != new.get("starts_on"):
        wider = (new.get("starts_on") or "") < (old.get("starts_on") or "")
        text = f"start {old.get('starts_on')} -> {new.get('starts_on')}"
        changes.append(Change("period", "starts_on", text, wider))
    if old.get("ends_on") != new.get("ends_on"):
        wider = (new.get("ends_on") or "") > (old.get("ends_on") or "")
        text = f"end {old.get('ends_on')} -> {new.get('ends_on')}"
        changes.append(Change("period", "ends_on", text, wider))
    return changes


def _external(old: list[str], new: list[str]) -> list[Change]:
    added = [s for s in new if s not in old]
    removed = [s for s in old if s not in new]
    return [Change("external_data", s, f"link external data {s}", True) for s in added] + [
        Change("external_data", s, f"stop linking {s}", False) for s in removed
    ]


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from `old` to `new`, in a stable order."""
    return (
        _variables(old.get("variables", {}), new.get("variables", {}))
        + _population(old.get("population", {}), new.get("population", {}))
        + _members(old.get("members", {}), new.get("members", {}))
        + _period(old.get("period", {}), new.get("period", {}))
        + _external(old.get("external_data", []), new.get("external_data", []))
    )


def widens(changes: list[Change]) -> bool:
    """Whether a decision is needed (R16): some change goes beyond the earlier decision."""
    return any(change.widens for change in changes)
