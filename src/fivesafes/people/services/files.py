"""Files of safe people: agreement PDFs, breach evidence, the client's written guarantee (R3).

An upload is checked by the projects' upload checker (size limit, type by content, sanitised
name), widened here to scanned images (PNG, JPEG) and narrowed to the types evidence comes
in, and kept in the file store (fivesafes.files).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from fivesafes import files
from fivesafes.people.rules import RuleViolation
from fivesafes.projects.services.uploads import MAX_UPLOAD_BYTES, detect_type, sanitise_name

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "txt": "text/plain",
    "png": "image/png",
    "jpg": "image/jpeg",
}
ACCEPTED = "PDF, plain text, PNG and JPEG"


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    extension: str
    name: str
    sha256: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


def kind_of(content: bytes) -> str | None:
    """The accepted kind the bytes really are (never the name or the browser's word), or None."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    kind = detect_type(content)
    return kind if kind in CONTENT_TYPES else None


def check_upload(upload: Any, *, rule: str, field: str) -> CheckedFile:
    """Refuse an upload that is missing, empty, too large or not an accepted kind."""
    if upload is None:
        raise RuleViolation(rule, field, "Attach the file.")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise RuleViolation(
            rule, field, f"The file is {size} bytes; the limit is {MAX_UPLOAD_BYTES} bytes."
        )
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise RuleViolation(
            rule, field, f"The file is larger than the limit of {MAX_UPLOAD_BYTES} bytes."
        )
    if not content:
        raise RuleViolation(rule, field, "The file is empty.")
    extension = kind_of(content)
    if extension is None:
        raise RuleViolation(
            rule,
            field,
            f"Only {ACCEPTED} files are accepted, checked by their content; this file is none "
            "of them.",
        )
    return CheckedFile(
        content=content,
        extension=extension,
        name=sanitise_name(getattr(upload, "name", "") or "", extension),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def store_checked(checked: CheckedFile, folder: str) -> str:
    """Store under a random name in `folder`; the sanitised name is only ever displayed."""
    return files.write(f"{folder}/{uuid.uuid4().hex}.{checked.extension}", checked.content)
