"""The scope of a decision and the difference between two scopes (R16), free of Django.

A scope is a plain dict: variables (label -> years and coarsening), population (criteria over
catalogue variables, see `population.py`, with words, total or sample size), members
(id -> name), period, external data sources and the terms the decision weighed (purpose,
description, protocol, legal basis, DPIA). `diff` lists each change and whether it widens
the scope; only a change that widens it needs a change application and a decision. A new
purpose, protocol, legal basis or DPIA is weighed anew (R11: need to know is judged against
the purpose), so it widens; a new title does not. Each change is described in the active
language (`shared.labels.translated`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fivesafes.shared.labels import gettext_noop, translated
from fivesafes.shared.labels import translated as _


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
            text = _("add %(variable)s %(years)s") % {"variable": label, "years": _years(after)}
            changes.append(Change("variables", label, text, True))
        elif after is None and before is not None:
            text = _("remove %(variable)s") % {"variable": label}
            changes.append(Change("variables", label, text, False))
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
                        _("%(variable)s years %(before)s -> %(after)s")
                        % {"variable": label, "before": _years(before), "after": _years(after)},
                        wider,
                    )
                )
            old_c, new_c = before.get("coarsening", ""), after.get("coarsening", "")
            if old_c != new_c:
                changes.append(
                    Change(
                        "variables",
                        label,
                        _("%(variable)s coarsening '%(before)s' -> '%(after)s'")
                        % {
                            "variable": label,
                            "before": old_c or _("none"),
                            "after": new_c or _("none"),
                        },
                        not (new_c and not old_c),
                    )
                )
    return changes


def _criterion_text(c: dict[str, Any]) -> str:
    values = ", ".join(c.get("values") or [])
    span = {"start": c.get("from"), "end": c.get("to")}
    when = c.get("on") or (_("%(start)s to %(end)s") % span if c.get("from") else "")
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
            text = _("population no longer limited by %(criterion)s") % {
                "criterion": _criterion_text(b)
            }
            changes.append(Change("population", key[0], text, True))
        elif a is not None and b is None:
            new_data = key[0] not in known
            if new_data:
                said = _(
                    "population limited by %(criterion)s (selects on data outside the approved "
                    "scope)"
                )
            else:
                said = _("population limited by %(criterion)s")
            text = said % {"criterion": _criterion_text(a)}
            changes.append(Change("population", key[0], text, new_data))
        elif a is not None and b is not None and a != b:
            text = _("population criterion %(before)s -> %(after)s") % {
                "before": _criterion_text(b),
                "after": _criterion_text(a),
            }
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
        units = {"before": old.get("unit"), "after": new.get("unit")}
        changes.append(
            Change("population", "unit", _("unit %(before)s -> %(after)s") % units, True)
        )
    known = {c.get("variable", "") for c in old_criteria} | set(variables or {})
    changes += _criteria(old_criteria, new_criteria, known)
    if old_text != new_text:
        # The words explain the criteria; only without criteria are they the definition.
        only_words = not old_criteria and not new_criteria
        if only_words:
            text = _("population definition changed")
        else:
            text = _("population description reworded")
        changes.append(Change("population", "definition", text, only_words))
    if bool(old.get("total")) != bool(new.get("total")):
        widened = bool(new.get("total"))
        text = _("sample -> total population") if widened else _("total population -> sample")
        changes.append(Change("population", "total", text, widened))
    elif not new.get("total") and old.get("sample_size") != new.get("sample_size"):
        before, after = old.get("sample_size") or 0, new.get("sample_size") or 0
        text = _("sample %(before)s -> %(after)s") % {"before": before, "after": after}
        changes.append(Change("population", "sample_size", text, after > before))
    return changes


def _members(old: dict[str, str], new: dict[str, str]) -> list[Change]:
    changes = []
    for key in sorted(set(new) - set(old)):
        text = _("add member %(person)s") % {"person": new[key]}
        changes.append(Change("members", new[key], text, True))
    for key in sorted(set(old) - set(new)):
        text = _("remove member %(person)s") % {"person": old[key]}
        changes.append(Change("members", old[key], text, False))
    return changes


def _period(old: dict[str, str], new: dict[str, str]) -> list[Change]:
    changes = []
    if old.get("starts_on") != new.get("starts_on"):
        wider = (new.get("starts_on") or "") < (old.get("starts_on") or "")
        text = _("start %(before)s -> %(after)s") % {
            "before": old.get("starts_on"),
            "after": new.get("starts_on"),
        }
        changes.append(Change("period", "starts_on", text, wider))
    if old.get("ends_on") != new.get("ends_on"):
        wider = (new.get("ends_on") or "") > (old.get("ends_on") or "")
        text = _("end %(before)s -> %(after)s") % {
            "before": old.get("ends_on"),
            "after": new.get("ends_on"),
        }
        changes.append(Change("period", "ends_on", text, wider))
    return changes


def _external(old: list[str], new: list[str]) -> list[Change]:
    added = [s for s in new if s not in old]
    removed = [s for s in old if s not in new]
    linked = [
        Change("external_data", s, _("link external data %(source)s") % {"source": s}, True)
        for s in added
    ]
    stopped = [
        Change("external_data", s, _("stop linking %(source)s") % {"source": s}, False)
        for s in removed
    ]
    return linked + stopped


# Each term and the words of its change (translated when described).
TERMS = {
    "title": gettext_noop("title changed"),
    "purpose": gettext_noop("purpose changed"),
    "description": gettext_noop("project description changed"),
    "protocol": gettext_noop("protocol changed"),
    "legal_basis_art6": gettext_noop("legal basis (art. 6) changed"),
    "legal_basis_art9": gettext_noop("legal basis (art. 9) changed"),
    "dpia": gettext_noop("DPIA changed"),
}


def _terms(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    if not old:
        return []  # a scope recorded before terms were part of it
    return [
        Change("terms", key, translated(changed), key != "title")
        for key, changed in TERMS.items()
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
