"""Failing cells read in the table's order of dimensions, whatever order the database gives the
object's keys back in (PostgreSQL's jsonb sorts them by length)."""

from __future__ import annotations

from types import SimpleNamespace

from fivesafes.release.queries import shown_findings


def test_failing_cells_are_said_in_the_tables_order_of_dimensions() -> None:
    file = SimpleNamespace(
        reasons=["frequency at region=South, sex=F: only 3 contributors"],
        failing_cells=[{"sex": "F", "region": "South"}],  # as jsonb gives it back
        check_record={"table": {"rows": ["region"], "columns": ["sex"]}},
    )
    auditor = SimpleNamespace(roles=frozenset())
    shown = shown_findings(file, auditor)  # type: ignore[arg-type]
    assert shown["where"] == ["region=South, sex=F"]
    no_record = SimpleNamespace(
        reasons=[], failing_cells=[{"sex": "F", "age": "9"}], check_record=None
    )
    assert shown_findings(no_record, auditor)["where"] == ["age=9, sex=F"]  # type: ignore[arg-type]
