"""Every state machine of the project is complete: one test over every table in `MACHINES`.

A room declares its machine with `fivesafes.shared.workflow.machine(...)` in its `workflow`
module; importing the module registers it. This test imports the `workflow` module of every
installed app, then checks each registered machine: every state can be reached from the
initial one, every open state has an owner and a way out, a final state has none, and every
step has a label, a permission some role holds, its own audit action and sources that are
states of the machine. A machine added by a later room (delivery, release) is checked without
a line written here.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

import pytest

from fivesafes.policy.permissions import ROLE_PERMISSIONS

# The models whose `state` field a registered machine must drive (issue 11: one mechanism).
DRIVEN = (
    ("people", "Authorisation"),
    ("projects", "Application"),
    ("delivery", "Delivery"),
    ("workspace", "Run"),
)


def _is_package(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


@pytest.fixture(scope="module")
def machines() -> list[Any]:
    """Every registered machine, after importing each installed app's `workflow` module."""
    from django.apps import apps

    from fivesafes.shared.workflow import MACHINES

    for config in apps.get_app_configs():
        module = f"{config.name}.workflow"
        if config.name.startswith("fivesafes.") and _is_package(module):
            importlib.import_module(module)
    return list(MACHINES)


def _failures(found: list[str]) -> str:
    return "\n".join(found)


def test_the_rooms_machines_are_registered(machines: list[Any]) -> None:
    from django.apps import apps

    missing = []
    for app_label, model_name in DRIVEN:
        field = apps.get_model(app_label, model_name)._meta.get_field("state")
        values = {value for value, _label in field.choices}
        if not any({state.value for state in m.states} == values for m in machines):
            missing.append(
                f"{app_label}.{model_name}.state ({', '.join(sorted(values))}) is driven by no "
                f"machine in fivesafes.shared.workflow.MACHINES: declare it with "
                f"shared.workflow.machine(...) in fivesafes/{app_label}/workflow.py"
            )
    assert not missing, _failures(missing)


def test_every_state_is_reachable_from_the_initial_state(machines: list[Any]) -> None:
    assert machines, "no state machine is registered in fivesafes.shared.workflow.MACHINES"
    found = []
    for sm in machines:
        if sm.initial in sm.final:
            found.append(f"{sm.name}: the initial state {sm.initial.value} is final")
        unreachable = set(sm.states) - sm.reachable()
        if unreachable:
            names = ", ".join(sorted(s.value for s in unreachable))
            found.append(f"{sm.name}: no way from {sm.initial.value} to {names}")
    assert not found, _failures(found)


def test_every_open_state_has_an_owner_and_a_way_out(machines: list[Any]) -> None:
    assert machines, "no state machine is registered in fivesafes.shared.workflow.MACHINES"
    found = []
    for sm in machines:
        for state in sm.states:
            if state in sm.final:
                continue
            if not str(sm.owners.get(state, "")).strip():
                found.append(f"{sm.name}: nobody owns the open state {state.value}")
            if not sm.available(state):
                found.append(f"{sm.name}: no step leaves the open state {state.value}")
        strays = set(sm.owners) - set(sm.states)
        if strays:
            found.append(f"{sm.name}: owners name states it lacks: {sorted(map(str, strays))}")
    assert not found, _failures(found)


def test_no_step_leaves_a_final_state(machines: list[Any]) -> None:
    assert machines, "no state machine is registered in fivesafes.shared.workflow.MACHINES"
    found = [
        f"{sm.name}: '{t.name}' leaves the final state {state.value}"
        for sm in machines
        for state in sorted(sm.final)
        for t in sm.available(state)
    ]
    assert not found, _failures(found)


def test_every_step_has_a_label_a_held_permission_and_states_of_its_machine(
    machines: list[Any],
) -> None:
    assert machines, "no state machine is registered in fivesafes.shared.workflow.MACHINES"
    held = set().union(*ROLE_PERMISSIONS.values())
    found = []
    for sm in machines:
        states = set(sm.states)
        for key, t in sm.transitions.items():
            where = f"{sm.name}.{t.name}"
            if key != t.name:
                found.append(f"{where}: registered under the name '{key}'")
            if not t.label.strip():
                found.append(f"{where}: has no label")
            if t.permission not in held:
                found.append(f"{where}: no role holds its permission {t.permission.value}")
            if not t.sources or not set(t.sources) <= states:
                found.append(f"{where}: sources {sorted(map(str, t.sources))} are not its states")
            if t.target not in states:
                found.append(f"{where}: target {t.target} is not one of its states")
    assert not found, _failures(found)


def test_every_step_writes_an_audit_action_of_its_own(machines: list[Any]) -> None:
    """An audit action names one outcome: steps may share it only when they are ways into the
    same state of the same machine (a project closed by staff, by its researcher or at its end
    date is closed), never across outcomes or machines."""
    assert machines, "no state machine is registered in fivesafes.shared.workflow.MACHINES"
    outcomes: dict[str, set[tuple[str, str]]] = {}
    for sm in machines:
        for t in sm.transitions.values():
            outcomes.setdefault(t.audit_action, set()).add((sm.name, str(t.target)))
    found = [
        f"{sm.name}.{t.name}: audit action '{t.audit_action}' "
        + ("is empty" if not t.audit_action.strip() else "is shared with a step of another outcome")
        for sm in machines
        for t in sm.transitions.values()
        if not t.audit_action.strip() or len(outcomes[t.audit_action]) > 1
    ]
    assert not found, _failures(found)


def test_the_checks_catch_a_broken_table() -> None:
    """The checks above would fail for a table with each kind of hole (they can fail)."""
    from enum import StrEnum

    from fivesafes.policy.permissions import Permission
    from fivesafes.shared.workflow import MACHINES, Transition, machine

    class Door(StrEnum):
        SHUT = "shut"
        OPEN = "open"
        LOCKED = "locked"
        GONE = "gone"

    before = list(MACHINES)
    try:
        broken = machine(
            name="test.door",
            subject="the door",
            rule="R0",
            states=Door,
            initial=Door.SHUT,
            final={Door.GONE},
            owners={Door.SHUT: "anyone"},
            transitions=[
                Transition(
                    name="open",
                    words="Open",
                    sources=frozenset({Door.SHUT}),
                    target=Door.OPEN,
                    permission=Permission.VIEW_DASHBOARD,
                    audit_action="door.moved",
                ),
                Transition(
                    name="shut",
                    words="",
                    sources=frozenset({Door.OPEN, Door.GONE}),
                    target=Door.SHUT,
                    permission=Permission.VIEW_DASHBOARD,
                    audit_action="door.moved",
                ),
            ],
        )
        assert broken in MACHINES
        assert Door.LOCKED not in broken.reachable()
        assert Door.OPEN not in broken.owners
        assert broken.available(Door.GONE)
        checks = (
            test_every_state_is_reachable_from_the_initial_state,
            test_every_open_state_has_an_owner_and_a_way_out,
            test_no_step_leaves_a_final_state,
            test_every_step_has_a_label_a_held_permission_and_states_of_its_machine,
            test_every_step_writes_an_audit_action_of_its_own,
        )
        for check in checks:
            with pytest.raises(AssertionError, match="test.door"):
                check([broken])
    finally:
        MACHINES[:] = before
