"""The rule-dense cores import no Django, so offices can run them alone (and tests stay fast)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "fivesafes"
CORES = ("sdc", "metadata", "synthetic", "projects/rules", "people/rules.py")
APPS = tuple(
    f"fivesafes.{app}" for app in ("people", "projects", "data", "accounts", "audit", "jobs", "web")
)
FREE = ("fivesafes.projects.rules", "fivesafes.people.rules")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("core", CORES)
def test_core_imports_neither_django_nor_a_django_app(core: str) -> None:
    root = SRC / core
    files = [root] if root.is_file() else sorted(root.rglob("*.py"))
    assert files, f"{core} has no modules"
    offending = {
        f"{path.relative_to(SRC)}: {name}"
        for path in files
        for name in imported_modules(path)
        if name.split(".")[0] in {"django", "ninja", "django_tasks"}
        or (name.startswith(APPS) and not name.startswith(FREE))
    }
    assert not offending, sorted(offending)
