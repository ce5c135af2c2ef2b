"""A small synthetic register base, generated once per test session, and its import."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from fivesafes.synthetic.cli import main as generate

SMALL = ("population.json", "prescriptions.json", "business.json", "income.json")


@pytest.fixture(scope="session")
def register_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("registers")
    assert generate(["--persons", "1500", "--seed", "7", "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture
def metadata_dir(register_base: Path, tmp_path: Path) -> Path:
    """A copy of four registers' metadata files, free to edit in a test."""
    target = tmp_path / "metadata"
    target.mkdir()
    for name in SMALL:
        shutil.copy(register_base / "metadata" / name, target / name)
    return target


@pytest.fixture
def catalogue(db: Any, metadata_dir: Path, register_base: Path, settings: Any) -> Path:
    """The four registers imported, with their data where the catalogue looks for it."""
    from fivesafes.data.services.catalogue import import_registers

    data_dir = settings.DATA_DIR
    settings.DATA_DIR = register_base.parent / f"data-{register_base.name}"
    (settings.DATA_DIR).mkdir(exist_ok=True)
    link = settings.DATA_DIR / "registers"
    if not link.exists():
        link.symlink_to(register_base)
    import_registers([metadata_dir])
    yield metadata_dir
    settings.DATA_DIR = data_dir
