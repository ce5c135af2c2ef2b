"""Reading what a catalogue import stores: the metadata files named, their search texts and the
rows per year of each register's data (under DATA_DIR/registers). Nothing here writes: the
import itself is `fivesafes.data.services.catalogue.import_registers`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from fivesafes.data.catalogue.coverage import UnreadableData, rows_by_year
from fivesafes.metadata import MetadataIssue, Register, register_data_dir


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    coverage_refreshed: list[str] = field(default_factory=list)


def metadata_files(paths: Iterable[str | Path]) -> list[Path]:
    """The JSON files named, or those inside named folders (a generator's output folder holds
    them in its `metadata/` subfolder, beside files that are not register metadata)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            folder = path / "metadata" if (path / "metadata").is_dir() else path
            files.extend(sorted(folder.glob("*.json")))
        else:
            files.append(path)
    return files


def data_root() -> Path:
    return Path(settings.DATA_DIR) / "registers"


def register_search_text(*texts: str) -> str:
    return " ".join(texts).lower()


def variable_search_text(var: dict[str, Any]) -> str:
    words = [var["name"], *var["label"].values(), *var["description"].values()]
    return " ".join(words).lower()


def count_rows(reg: Register, file: Path, issues: list[MetadataIssue]) -> dict[str, int] | None:
    """Rows per year of the register's data, or None with the unreadable data file in `issues`."""
    try:
        return rows_by_year(register_data_dir(data_root(), reg))
    except UnreadableData as exc:
        issues.append(
            MetadataIssue(str(file), "$", f"its data file {exc.file} cannot be read: {exc.reason}")
        )
        return None
