"""Uploaded project documents (protocol, DPIA, data-protection approval): PDF, DOCX, ODT or
plain text, checked by `fivesafes.shared.uploads` (size, type by content, no programs or
macro documents, sanitised names).

The file is kept under `projects/` in the file store (fivesafes.files), written under a
temporary name and renamed into place once complete.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from fivesafes import files
from fivesafes.shared.uploads import DOCUMENTS, check_upload

FOLDER = "projects"


def upload_dir() -> Path:
    return files.root() / FOLDER


def read_upload(upload: Any, field: str) -> tuple[bytes, str, str]:
    """Check one upload; returns (content, extension, sanitised name) or refuses naming `field`."""
    checked = check_upload(upload, rule="R12", field=field, accept=DOCUMENTS)
    return checked.content, checked.extension, checked.name


def store(content: bytes, extension: str) -> str:
    """Keep the file under a generated name; returns that name (without the folder)."""
    stored = f"{uuid.uuid4().hex}.{extension}"
    files.write(f"{FOLDER}/{stored}", content)
    return stored


def path_of(stored_name: str) -> Path:
    return files.path_of(f"{FOLDER}/{Path(stored_name).name}")


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
