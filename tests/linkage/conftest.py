"""Folders for the linkage tests: the upload folder the files are read from and the
destination folder, which every refusal must leave empty."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.linkage.helpers import contents


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    folder.mkdir()
    return folder


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def untouched(out: Path) -> Iterator[Path]:
    """The destination folder, checked to be empty (no half-written file) after the test."""
    yield out
    assert contents(out) == []
