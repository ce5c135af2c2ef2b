"""The safe-projects state machines are data over the shared mechanism, and complete: every
state reachable, an owner for each open state, a permission and an audit action for each
step."""

from __future__ import annotations

import pytest

from fivesafes.projects.workflow import APPLICATION, PROJECT, PUBLICATION, QUOTE
from fivesafes.shared.workflow import MACHINES

ROOM = [APPLICATION, PROJECT, QUOTE, PUBLICATION]


def test_the_rooms_machines_are_registered() -> None:
    assert {m.name for m in ROOM} <= {m.name for m in MACHINES}


@pytest.mark.parametrize("machine", ROOM, ids=lambda m: m.name)
def test_each_machine_is_complete(machine) -> None:
    assert machine.reachable() == set(machine.states)
    for state in set(machine.states) - machine.final:
        assert machine.owners.get(state), f"{machine.name}: nobody acts in {state}"
        assert machine.available(state), f"{machine.name}: {state} is a dead end"
    for transition in machine.transitions.values():
        assert transition.permission is not None and transition.audit_action
        assert machine.final.isdisjoint(transition.sources), transition.name


def test_the_application_keeps_its_audit_actions_and_four_eyes() -> None:
    assert {t.audit_action for t in APPLICATION.transitions.values()} == {
        f"application.{name}" for name in APPLICATION.transitions
    }
    approve = APPLICATION.transitions["approve"]
    assert set(approve.not_by) == {"applicant", "case_handler", "recommended_by"}
    assert APPLICATION.transitions["withdraw"].owner_field == "applicant"
