"""Where a project's delivered data live on the research server:
`DATA_DIR/projects/<project number>/data/<delivery number>/` (the workspace mounts it read-only).

Only these functions build the paths, so a project number that could climb out of the folder
("..", "/") is refused in one place.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

# What a project number may look like as a folder name (e.g. P-2026-001).
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
# The files of a delivery that describe it and hold no microdata: the only ones ever served.
DOCUMENTS = {
    "codebook.html": "text/html; charset=utf-8",
    "codebook.json": "application/json",
    "manifest.json": "application/json",
}


class FolderError(ValueError):
    """A project number that cannot be a folder name."""


def project_data_dir(project_number: str) -> Path:
    """The project's data folder, holding one folder per delivery."""
    if not SAFE_NAME.match(project_number):
        raise FolderError(f"Project number '{project_number}' cannot name a folder.")
    return Path(settings.DATA_DIR) / "projects" / project_number / "data"


def delivery_dir(project_number: str, number: int) -> Path:
    """The folder of delivery `number` of the project."""
    return project_data_dir(project_number) / str(int(number))


def document_path(project_number: str, number: int, name: str) -> Path | None:
    """The path of one of the delivery's describing documents (`DOCUMENTS`), or None for any
    other name: data files are never served (R20)."""
    if name not in DOCUMENTS:
        return None
    return delivery_dir(project_number, number) / name


def external_dir(project_number: str) -> Path:
    """Where external data for the project wait to be linked (R15), outside the data folder the
    workspace mounts: `incoming/` holds a file while it is received and read (then it is
    deleted), `checked/` the checked copy keyed by person number until the delivery links it."""
    if not SAFE_NAME.match(project_number):
        raise FolderError(f"Project number '{project_number}' cannot name a folder.")
    return Path(settings.DATA_DIR) / "external" / project_number
