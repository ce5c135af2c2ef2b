"""A throw-away fivesafes data folder with two projects, and a way to run code in the sandbox.

Every test here is a real bubblewrap run; they fail (never skip) where bubblewrap is missing,
as scripts/test installs it. The folders are made under a fresh directory that the
sandbox's unprivileged user can traverse (pytest's own tmp_path is private to root).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fivesafes.sandbox import (
    MB,
    Limits,
    LocalBubblewrapSpawner,
    ProjectAreas,
    RunResult,
    SandboxSpec,
    batch_command,
)

PROJECT = "P-2026-001"
OTHER = "P-2026-002"
SECRET_KEY = "not-a-real-key-but-a-marker-7f3a"

FAST = Limits(
    cpu_seconds=3,
    memory_bytes=600 * MB,
    processes=40,
    file_size_bytes=2 * MB,
    wall_seconds=30,
    tmp_bytes=8 * MB,
)


@dataclass
class World:
    root: Path  # stands for the fivesafes DATA_DIR
    areas: ProjectAreas
    other: ProjectAreas
    key_file: Path


@dataclass
class Ran:
    result: RunResult
    lines: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def world() -> Iterator[World]:
    root = Path(tempfile.mkdtemp(prefix="fivesafes-sandbox-test-"))
    root.chmod(0o755)
    try:
        areas = ProjectAreas.under(root, PROJECT, "alice")
        other = ProjectAreas.under(root, OTHER, "bob")
        for project in (areas, other):
            delivery = project.data / "d1"
            delivery.mkdir(parents=True)
            (delivery / "persons.csv").write_text(f"id,income\n1,100\n2,200\n# {project.project}\n")
            project.files.mkdir(parents=True)
        (other.data / "d1" / "secret.txt").write_text("the other project's microdata\n")
        keys = root / "keys"
        keys.mkdir()
        key_file = keys / "pseudonymisation.key"
        key_file.write_text(SECRET_KEY)
        yield World(root=root, areas=areas, other=other, key_file=key_file)
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def spawner() -> LocalBubblewrapSpawner:
    return LocalBubblewrapSpawner.from_environment()


@pytest.fixture
def run(world: World, spawner: LocalBubblewrapSpawner) -> Callable[..., Ran]:
    """Run `code` (Python unless `kind` says otherwise) as a batch job of the first project."""

    def go(code: str, *, kind: str = "python", limits: Limits = FAST, name: str = "") -> Ran:
        suffix = {"python": ".py", "r": ".R", "sql": ".sql"}[kind]
        script = world.areas.files / (name or f"job{suffix}")
        script.write_text(code)
        os.chmod(script, 0o644)
        command = batch_command(
            kind, f"/project/files/{script.name}", memory_bytes=limits.memory_bytes
        )
        handle = spawner.start(SandboxSpec(world.areas, command, limits))
        lines = list(handle.lines())
        result = handle.wait(timeout=limits.wall_seconds + 15)
        assert result is not None, "the run did not end"
        return Ran(result, lines)

    return go
