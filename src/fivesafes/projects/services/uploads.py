"""Uploaded documents: size limit, type by content (PDF, DOCX, ODT, TXT; no programs, no macro
documents: DOCX with a VBA project, ODT with Basic or script folders), sanitised names.

The file is kept under `projects/` in the file store (fivesafes.files), written under a
temporary name and renamed into place once complete.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
import zipfile
from pathlib import Path
from typing import Any

from fivesafes import files
from fivesafes.people.rules import RuleViolation

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain",
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Letters NFKD does not take apart.
TRANSLITERATE = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "ß": "ss", "đ": "d"})


FOLDER = "projects"


def upload_dir() -> Path:
    return files.root() / FOLDER


def sanitise_name(name: str, extension: str) -> str:
    """A plain, safe display name: no path, ASCII letters, digits, dot, dash, underscore."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = (
        unicodedata.normalize("NFKD", base.translate(TRANSLITERATE))
        .encode("ascii", "ignore")
        .decode()
    )
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("._-")[:80] or "document"
    return f"{stem}.{extension}"


# Programs, by their first bytes: whatever the name says, they are refused.
EXECUTABLES: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", "a Linux program (ELF)"),
    (b"MZ", "a Windows program"),
    (b"#!", "a script"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java program"),
)


def executable_kind(content: bytes) -> str | None:
    """What kind of program the bytes are, or None."""
    return next((kind for magic, kind in EXECUTABLES if content.startswith(magic)), None)


def _has_macros(archive: zipfile.ZipFile, names: set[str]) -> bool:
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return True
    return b"macroenabled" in archive.read("[Content_Types].xml").lower()


# Where an OpenDocument file keeps macros: Basic modules and scripts (Python, JavaScript, ...).
ODF_MACRO_FOLDERS = ("basic/", "scripts/")


def _odf_has_macros(names: set[str]) -> bool:
    return any(name.lower().startswith(ODF_MACRO_FOLDERS) for name in names)


def detect_type(content: bytes) -> str | None:
    """The allowed type the bytes really are, or None (programs and macro documents: None)."""
    if executable_kind(content):
        return None
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                    return None if _odf_has_macros(names) else "odt"
                if "[Content_Types].xml" in names and "word/document.xml" in names:
                    return None if _has_macros(archive, names) else "docx"
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
        return None
    if b"\x00" in content:
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "txt"


def read_upload(upload: Any, field: str) -> tuple[bytes, str, str]:
    """Check one upload; returns (content, extension, sanitised name) or refuses naming `field`."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise RuleViolation(
            "R12", field, f"The file is {size} bytes; the limit is {MAX_UPLOAD_BYTES} bytes."
        )
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise RuleViolation(
            "R12", field, f"The file is larger than the limit of {MAX_UPLOAD_BYTES} bytes."
        )
    if not content:
        raise RuleViolation("R12", field, "The file is empty.")
    program = executable_kind(content)
    if program:
        raise RuleViolation(
            "R12",
            field,
            f"The file is {program}, whatever its name says; only PDF, DOCX, ODT and plain "
            "text documents are accepted.",
        )
    extension = detect_type(content)
    if extension is None:
        raise RuleViolation(
            "R12",
            field,
            "Only PDF, DOCX, ODT and plain text files are accepted, checked by their content; "
            "this file is none of them.",
        )
    return content, extension, sanitise_name(getattr(upload, "name", "") or "", extension)


def store(content: bytes, extension: str) -> str:
    """Keep the file under a generated name; returns that name (without the folder)."""
    stored = f"{uuid.uuid4().hex}.{extension}"
    files.write(f"{FOLDER}/{stored}", content)
    return stored


def path_of(stored_name: str) -> Path:
    return files.path_of(f"{FOLDER}/{Path(stored_name).name}")


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
