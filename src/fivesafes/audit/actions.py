"""The declared audit actions: every event name the code may record, with its meaning in words.

Each room declares the actions it records in its own `audit_actions.py`, as a table
`ACTIONS = {"name": "what an auditor reads"}`. At start-up the audit app imports that module
from every installed app that has one (by name, so this package imports no room), and the
steps of every state machine in `fivesafes.shared.workflow.MACHINES` are declared by their
machine. `record` refuses any other action: an undeclared name is a programming error, the
same in tests and in production (there is no lenient mode, and an empty registry allows
nothing). The auditor's pages show the meaning before the raw name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.core.exceptions import ImproperlyConfigured

MODULE = "audit_actions"
NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
MAX_LENGTH = 100


def problem_with(name: str, meaning: str) -> str | None:
    """Why `name: meaning` cannot be declared (None when it can)."""
    if not NAME.match(name) or len(name) > MAX_LENGTH:
        return (
            f"'{name}' is not an action name: use lower-case words joined by dots and "
            f"underscores, at most {MAX_LENGTH} characters."
        )
    if not meaning.strip():
        return f"'{name}' has no meaning: say in words what the event records."
    return None


class Registry:
    """The declared tables by owner (an app label), plus the state machines' steps."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[str, str]] = {}
        self._loaded = False
        self._cache: tuple[tuple[int, ...], dict[str, str]] | None = None
        # Where the state machines come from: set at start-up (`audit/apps.py`) to the shared
        # workflow's registry, so this module imports nothing that imports the audit log.
        self.machine_source: Callable[[], Sequence[Any]] = tuple

    def machines(self) -> Sequence[Any]:
        """The registered state machines, whose steps are declared actions."""
        return self.machine_source()

    def declare(self, owner: str, table: Mapping[str, str]) -> None:
        """Add `owner`'s table; a name another owner gave another meaning is refused."""
        for name, meaning in table.items():
            problem = problem_with(name, meaning)
            if problem:
                raise ImproperlyConfigured(f"{owner}.{MODULE}: {problem}")
            for other, declared in self._tables.items():
                if other != owner and declared.get(name, meaning) != meaning:
                    raise ImproperlyConfigured(
                        f"{owner}.{MODULE}: '{name}' is declared by {other} with another meaning."
                    )
        self._tables[owner] = dict(table)
        self._cache = None

    def declared_by(self, owner: str) -> dict[str, str]:
        self.load()
        return dict(self._tables.get(owner, {}))

    def forget(self, owner: str) -> None:
        self._tables.pop(owner, None)
        self._cache = None

    def load(self) -> None:
        """Import `<app>.audit_actions` of every installed app that has one (once)."""
        if self._loaded:
            return
        from django.apps import apps

        for config in apps.get_app_configs():
            module_name = f"{config.name}.{MODULE}"
            if find_spec(module_name) is None:
                continue
            table = getattr(import_module(module_name), "ACTIONS", None)
            if not isinstance(table, Mapping):
                raise ImproperlyConfigured(
                    f"{module_name} must define ACTIONS = {{name: meaning}}."
                )
            self.declare(config.label, table)
        self._loaded = True

    def owners(self) -> dict[str, str]:
        """Declared name -> owner (an app label, or `workflow:<machine>` for a step)."""
        self.load()
        found = {
            t.audit_action: f"workflow:{sm.name}"
            for sm in self.machines()
            for t in sm.transitions.values()
        }
        for owner, table in self._tables.items():
            found.update(dict.fromkeys(table, owner))
        return found

    def declared(self) -> dict[str, str]:
        """Every declared name with its meaning, in English as written (the cache is shared by
        readers of every language); a room's words beat a step's words."""
        self.load()
        key = tuple(id(sm) for sm in self.machines())  # a machine declared since changes the answer
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        found = {
            action: f"{words} (a step of the {subject})"
            for action, (words, subject) in self._steps().items()
        }
        for table in self._tables.values():
            found.update(table)
        self._cache = (key, found)
        return found

    def _steps(self) -> dict[str, tuple[str, str]]:
        return {
            t.audit_action: (t.words, sm.subject)
            for sm in self.machines()
            for t in sm.transitions.values()
        }

    def step_words(self, action: str) -> tuple[str, str] | None:
        """A step's words and its machine's subject, as written, when only its state machine
        declares `action` (no room's table names it); else None."""
        self.load()
        if any(action in table for table in self._tables.values()):
            return None
        return self._steps().get(action)

    def meaning(self, action: str) -> str | None:
        return self.declared().get(action)

    def require(self, action: str) -> None:
        """Refuse an action nobody declared (ValueError naming it and where to declare it)."""
        if self.meaning(action) is None:
            raise ValueError(
                f"'{action}' is not a declared audit action: add it, with its meaning in words, "
                f"to ACTIONS in the {MODULE}.py of the room that records it."
            )


REGISTRY = Registry()


def meaning(action: str) -> str | None:
    """What `action` means in words, or None for a name declared nowhere (an old event)."""
    return REGISTRY.meaning(action)


def declared() -> dict[str, str]:
    """Every declared action with its meaning (a copy)."""
    return dict(REGISTRY.declared())


def require_declared(action: str) -> None:
    REGISTRY.require(action)
