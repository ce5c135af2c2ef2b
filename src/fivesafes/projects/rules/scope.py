"""The scope of a decision and the difference between two scopes (R16), free of Django.

A scope is a plain dict: variables (label -> years and coarsening), population (criteria over
catalogue variables, see `population.py`, with words, total or sample size), members
(id -> name), period, external data sources and the terms the decision weighed (purpose,
description, protocol, legal basis, DPIA). `diff` lists each change and whether it widens
the scope; only a change that widens it needs a change application and a decision. A new
purpose, protocol, legal basis or DPIA is weighed anew (R11: need to know is judged against
the purpose), so it widens; a new title does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    part: str  # variables, population, members, period, external_data, terms
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


def _criterion_text(c: dict[str, Any]) -> str:
    values = ", ".join(c.get("values") or [])
    when = c.get("on") or (f"{c.get('from')} to {c.get('to')}" if c.get("from") else "")
    return " ".join(
        part for part in (c.get("variable", "?"), c.get("operator", "?"), values, when) if part
    )


def _span(c: dict[str, Any]) -> tuple[str, str] | None:
    if c.get("on"):
        return c["on"], c["on"]
    if c.get("from") and c.get("to"):
        return c["from"], c["to"]
    return None


def _criterion_narrows(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether `after` selects no unit that `before` did not (same variable and operator)."""
    old_span, new_span = _span(before), _span(after)
    if old_span != new_span:
        # A single date is a different population; a period may only shrink.
        if before.get("on") or after.get("on") or old_span is None or new_span is None:
            return False
        if not (old_span[0] <= new_span[0] and new_span[1] <= old_span[1]):
            return False
    old_values, new_values = before.get("values") or [], after.get("values") or []
    operator = after.get("operator")
    if operator == "in":
        return set(new_values) <= set(old_values)
    if operator == "not_in":
        return set(new_values) >= set(old_values)
    if operator == "between" and len(old_values) == 2 and len(new_values) == 2:
        return _bound(old_values[0]) <= _bound(new_values[0]) and _bound(new_values[1]) <= _bound(
            old_values[1]
        )
    return old_values == new_values


def _bound(value: str) -> tuple[int, Any]:
    """Compare numbers as numbers and dates as text (ISO dates sort as text)."""
    try:
        return (0, float(value))
    except ValueError:
        return (1, value)


def _criteria(
    old: list[dict[str, Any]], new: list[dict[str, Any]], known: set[str]
) -> list[Change]:
    """All criteria must hold: dropping one widens the population, adding one narrows it
    (unless it selects on data outside the approved scope)."""

    def keyed(items: list[dict[str, Any]]) -> dict[tuple[str, str, int], dict[str, Any]]:
        seen: dict[tuple[str, str], int] = {}
        out = {}
        for c in items:
            key = (c.get("variable", ""), c.get("operator", ""))
            seen[key] = seen.get(key, 0) + 1
            out[(*key, seen[key])] = c
        return out

    before, after = keyed(old), keyed(new)
    changes = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        if b is not None and a is None:
            text = f"population no longer limited by {_criterion_text(b)}"
            changes.append(Change("population", key[0], text, True))
        elif a is not None and b is None:
            new_data = key[0] not in known
            text = f"population limited by {_criterion_text(a)}" + (
                " (selects on data outside the approved scope)" if new_data else ""
            )
            changes.append(Change("population", key[0], text, new_data))
        elif a is not None and b is not None and a != b:
            text = f"population criterion {_criterion_text(b)} -> {_criterion_text(a)}"
            changes.append(Change("population", key[0], text, not _criterion_narrows(b, a)))
    return changes


def _population(
    old: dict[str, Any], new: dict[str, Any], variables: dict[str, Any] | None = None
) -> list[Change]:
    changes = []
    old_criteria, new_criteria = old.get("criteria") or [], new.get("criteria") or []
    old_text = (old.get("definition") or "").strip()
    new_text = (new.get("definition") or "").strip()
    if (old.get("unit") or "person") != (new.get("unit") or "person"):
        changes.append(
            Change("population", "unit", f"unit {old.get('unit')} -> {new.get('unit')}", True)
        )
    known = {c.get("variable", "") for c in old_criteria} | set(variables or {})
    changes += _criteria(old_criteria, new_criteria, known)
    if old_text != new_text:
        # The words explain the criteria; only without criteria are they the definition.
        only_words = not old_criteria and not new_criteria
        text = "population definition changed" if only_words else "population description reworded"
        changes.append(Change("population", "definition", text, only_words))
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


TERMS = {
    "title": "title",
    "purpose": "purpose",
    "description": "project description",
    "protocol": "protocol",
    "legal_basis_art6": "legal basis (art. 6)",
    "legal_basis_art9": "legal basis (art. 9)",
    "dpia": "DPIA",
}


def _terms(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    if not old:
        return []  # a scope recorded before terms were part of it
    return [
        Change("terms", key, f"{label} changed", key != "title")
        for key, label in TERMS.items()
        if (old.get(key) or "") != (new.get(key) or "")
    ]


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from `old` to `new`, in a stable order."""
    return (
        _variables(old.get("variables", {}), new.get("variables", {}))
        + _population(
            old.get("population", {}), new.get("population", {}), old.get("variables", {})
        )
        + _members(old.get("members", {}), new.get("members", {}))
        + _period(old.get("period", {}), new.get("period", {}))
        + _external(old.get("external_data", []), new.get("external_data", []))
        + _terms(old.get("terms", {}), new.get("terms", {}))
    )


def widens(changes: list[Change]) -> bool:
    """Whether a decision is needed (R16): some change goes beyond the earlier decision."""
    return any(change.widens for change in changes)
