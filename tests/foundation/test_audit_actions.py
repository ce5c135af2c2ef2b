"""Every audit action the code records is declared, with its meaning in words.

The static half reads `src/` as text: each `record(action=...)` and each transition's
`audit_action=...` must be a name (or, for an f-string, a pattern) a room declares. The runtime
half: `record` refuses an undeclared name, also when a room's table is missing.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import pytest

from fivesafes.audit.actions import REGISTRY, declared, problem_with
from fivesafes.audit.services import record
from fivesafes.shared import workflow

SRC = Path(__file__).resolve().parents[2] / "src" / "fivesafes"
# The expressions that name a state machine's step at run time: declared by the machine.
STEP_ACTIONS = {"transition.audit_action", "t.audit_action"}
# A helper that records for its callers takes the action as its parameter `audit_action`; the
# callers' `audit_action=` keywords are scanned like any other.
FORWARDED = "audit_action"
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class Written:
    """An action as the code writes it: a name, a pattern (an f-string), or unknown."""

    where: str
    name: str | None = None
    pattern: str | None = None
    step: bool = False
    forwarded: bool = False


@pytest.fixture(autouse=True)
def every_machine() -> None:
    """Import every room's workflow module, so MACHINES holds every state machine."""
    for path in SRC.rglob("workflow*"):
        if path.name in {"workflow.py", "workflow"} and "shared" not in path.parts:
            module = ".".join(("fivesafes", *path.relative_to(SRC).with_suffix("").parts))
            import_module(module)


def _assigned(function: ast.AST, variable: str) -> list[ast.expr]:
    return [
        node.value
        for node in ast.walk(function)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == variable for t in node.targets)
    ]


def _takes(function: ast.AST, parameter: str) -> bool:
    """Whether `function` has a parameter named `parameter`."""
    if not isinstance(function, FUNCTIONS):
        return False
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    return any(a.arg == parameter for a in every)


def _resolve(node: ast.expr, scope: ast.AST, where: str) -> Iterator[Written]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield Written(where, name=node.value)
    elif isinstance(node, ast.IfExp):
        yield from _resolve(node.body, scope, where)
        yield from _resolve(node.orelse, scope, where)
    elif isinstance(node, ast.JoinedStr):
        parts = [
            re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z0-9_]+"
            for part in node.values
        ]
        yield Written(where, pattern="".join(parts))
    elif ast.unparse(node) in STEP_ACTIONS:
        yield Written(where, step=True)
    elif isinstance(node, ast.Name) and node.id == FORWARDED and _takes(scope, FORWARDED):
        yield Written(where, forwarded=True)
    elif isinstance(node, ast.Name) and _assigned(scope, node.id):
        for value in _assigned(scope, node.id):
            yield from _resolve(value, scope, where)
    else:
        yield Written(where)  # unknown: the test asks for a literal


def written_actions() -> list[Written]:
    """Every action `src/` writes: `record(action=...)` and `audit_action=...` anywhere."""
    found: list[Written] = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        scope_of: dict[ast.AST, ast.AST] = {}  # each node -> its innermost function (or module)
        for scope in [tree, *(n for n in ast.walk(tree) if isinstance(n, FUNCTIONS))]:
            scope_of.update(dict.fromkeys(ast.walk(scope), scope))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            for keyword in node.keywords:
                if (keyword.arg == "action" and name == "record") or keyword.arg == "audit_action":
                    where = f"{path.relative_to(SRC)}:{node.lineno}"
                    found.extend(_resolve(keyword.value, scope_of[node], where))
    return sorted(set(found), key=lambda w: (w.where, w.name or "", w.pattern or ""))


def test_the_scan_finds_the_actions_of_every_room() -> None:
    written = written_actions()
    names = {w.name for w in written}
    # a literal, both sides of a conditional, a variable set in the function, an f-string
    assert {"login.failed", "researcher.affiliated", "researcher.attached"} <= names
    assert {"job.succeeded", "job.failed"} <= names
    assert any(w.step for w in written)
    assert len(names) > 70


def test_every_action_the_code_records_is_declared() -> None:
    actions = declared()
    unknown = [
        w.where for w in written_actions() if not (w.name or w.pattern or w.step or w.forwarded)
    ]
    assert not unknown, f"write these actions as literals so they can be checked: {unknown}"
    undeclared = [
        f"{w.where}: {w.name}" for w in written_actions() if w.name and w.name not in actions
    ]
    assert not undeclared, f"declare these in the room's audit_actions.py: {undeclared}"


def test_every_f_string_action_has_its_expansions_declared() -> None:
    actions = declared()
    patterns = [w for w in written_actions() if w.pattern]
    for written in patterns:
        expansions = [a for a in actions if re.fullmatch(written.pattern or "", a)]
        assert expansions, f"{written.where}: no declared action fits {written.pattern}"


def test_every_declared_action_is_written_somewhere() -> None:
    """A table keeps no name the code no longer writes (a typo would hide there)."""
    written = written_actions()
    names = {w.name for w in written}
    patterns = [w.pattern for w in written if w.pattern]
    steps = {t.audit_action for sm in workflow.MACHINES for t in sm.transitions.values()}
    stale = [
        (owner, action)
        for action, owner in REGISTRY.owners().items()
        if not owner.startswith("tests.")
        and action not in names | steps
        and not any(re.fullmatch(p, action) for p in patterns)
    ]
    assert not stale, f"declared but never recorded: {stale}"


def test_every_meaning_is_words() -> None:
    for action, meaning in declared().items():
        assert problem_with(action, meaning) is None
        assert meaning[0].isupper() and meaning != action, action


@pytest.fixture
def without_data_room():
    """The registry as if the data app had not declared its actions."""
    table = REGISTRY.declared_by("data")
    REGISTRY.forget("data")
    yield
    REGISTRY.declare("data", table)


@pytest.mark.django_db
def test_an_undeclared_action_is_refused_and_named() -> None:
    with pytest.raises(ValueError, match="'basket.variable_teleported' is not a declared"):
        record(action="basket.variable_teleported")


@pytest.mark.django_db
def test_a_room_that_did_not_declare_its_actions_cannot_record_them(without_data_room) -> None:
    with pytest.raises(ValueError, match="basket.variable_added"):
        record(action="basket.variable_added")


def test_a_state_machine_declares_its_steps() -> None:
    from enum import StrEnum

    from fivesafes.policy.permissions import Permission

    class Lamp(StrEnum):
        OFF = "off"
        ON = "on"

    lamp = workflow.StateMachine(
        name="lamp",
        subject="test lamp",
        rule="R0",
        states=Lamp,
        initial=Lamp.OFF,
        final=frozenset({Lamp.ON}),
        owners={Lamp.OFF: "anyone"},
        transitions={
            "switch_on": workflow.Transition(
                name="switch_on",
                words="Switch on",
                sources=frozenset({Lamp.OFF}),
                target=Lamp.ON,
                permission=next(iter(Permission)),
                audit_action="lamp.switch_on",
            )
        },
    )
    assert "lamp.switch_on" not in declared()
    workflow.MACHINES.append(lamp)
    try:
        assert declared()["lamp.switch_on"] == "Switch on (a step of the test lamp)"
    finally:
        workflow.MACHINES.remove(lamp)
    assert "lamp.switch_on" not in declared()
