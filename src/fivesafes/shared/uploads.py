"""Uploaded files, checked the same way wherever they arrive: a size limit read in bounded
steps, the type told by the content (never by the name or the browser's word), programs and
macro documents refused, and a plain, safe display name.

Each upload point says which kinds it accepts (`check_upload(..., accept=...)`) and the rule
its refusals cite; the bytes are kept by the file store (`fivesafes.files`) under a random name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from fivesafes.shared.archives import Archive, UnsafeArchive, open_office_archive, read_member
from fivesafes.shared.labels import gettext_noop, translated
from fivesafes.shared.pdf_scan import UnsafePdf, check_pdf
from fivesafes.shared.refusals import RuleViolation

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain",
    "png": "image/png",
    "jpg": "image/jpeg",
}
KIND_WORDS = {
    "pdf": "PDF",
    "docx": "DOCX",
    "odt": "ODT",
    "txt": gettext_noop("plain text"),
    "png": "PNG",
    "jpg": "JPEG",
}
DOCUMENTS = frozenset({"pdf", "docx", "odt", "txt"})
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Letters NFKD does not take apart.
TRANSLITERATE = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "ß": "ss", "đ": "d"})
# Programs, by their first bytes: whatever the name says, they are refused.
EXECUTABLES: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", gettext_noop("a Linux program (ELF)")),
    (b"MZ", gettext_noop("a Windows program")),
    (b"#!", gettext_noop("a script")),
    (b"\xcf\xfa\xed\xfe", gettext_noop("a macOS program")),
    (b"\xce\xfa\xed\xfe", gettext_noop("a macOS program")),
    (b"\xca\xfe\xba\xbe", gettext_noop("a macOS or Java program")),
)
# Where an OpenDocument file keeps macros: Basic modules and scripts (Python, JavaScript, ...).
ODF_MACRO_FOLDERS = ("basic/", "scripts/")


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


def executable_kind(content: bytes) -> str | None:
    """What kind of program the bytes are, or None."""
    return next((kind for magic, kind in EXECUTABLES if content.startswith(magic)), None)


def _has_macros(archive: Archive) -> bool:
    if any(name.lower().endswith("vbaproject.bin") for name in archive.names):
        return True
    return b"macroenabled" in read_member(archive, "[Content_Types].xml").lower()


def _odf_has_macros(names: frozenset[str]) -> bool:
    return any(name.lower().startswith(ODF_MACRO_FOLDERS) for name in names)


class UnsafeContent(ValueError):
    """Bytes of an accepted kind that hold something refused, with the reason in words."""


def _office_kind(content: bytes) -> str | None:
    """docx or odt for an office archive without macros; None for another zip. Raises
    `UnsafeContent` for an archive built to explode or holding macros."""
    try:
        archive = open_office_archive(content)
        names = archive.names
        if "mimetype" in names and read_member(archive, "mimetype", 256).strip() == ODT_MIMETYPE:
            if _odf_has_macros(names):
                raise UnsafeContent(_("it holds macros"))
            return "odt"
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            if _has_macros(archive):
                raise UnsafeContent(_("it holds macros"))
            return "docx"
    except UnsafeArchive as unsafe:
        raise UnsafeContent(str(unsafe)) from unsafe
    return None


def inspect(content: bytes) -> str | None:
    """The kind the bytes really are (pdf, docx, odt, txt, png, jpg), or None for none of
    them. Raises `UnsafeContent` for a document of an accepted kind holding something refused:
    macros, scripts or embedded files, or an archive built to explode (read with a cap)."""
    if executable_kind(content):
        return None
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"%PDF-"):
        try:
            check_pdf(content)
        except UnsafePdf as unsafe:
            raise UnsafeContent(str(unsafe)) from unsafe
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        return _office_kind(content)
    if b"\x00" in content:
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "txt"


def detect_type(content: bytes) -> str | None:
    """The kind the bytes really are, or None (also for programs and unsafe documents)."""
    try:
        return inspect(content)
    except UnsafeContent:
        return None


def accepted_words(accept: frozenset[str]) -> str:
    """'PDF, DOCX, ODT and plain text' for the kinds in `accept`."""
    words = [translated(KIND_WORDS[k]) for k in KIND_WORDS if k in accept]
    if len(words) == 1:
        return words[0]
    return _("%(some)s and %(last)s") % {"some": ", ".join(words[:-1]), "last": words[-1]}


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed: its bytes, the kind they are, a safe display name, the digest."""

    content: bytes
    extension: str
    name: str
    sha256: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


def check_upload(
    upload: Any,
    *,
    rule: str,
    field: str,
    accept: frozenset[str] = DOCUMENTS,
    limit: int | None = None,
) -> CheckedFile:
    """Refuse an upload that is missing, empty, too large, a program or not of a kind in
    `accept`, citing `rule` and naming `field`; read at most `limit + 1` bytes (by default
    `MAX_UPLOAD_BYTES`)."""
    limit = limit or MAX_UPLOAD_BYTES
    if upload is None:
        raise RuleViolation(rule, field, _("Attach the file."))
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise RuleViolation(
            rule,
            field,
            _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
            % {"size": size, "limit": limit},
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise RuleViolation(
            rule,
            field,
            _("The file is larger than the limit of %(limit)s bytes.") % {"limit": limit},
        )
    if not content:
        raise RuleViolation(rule, field, _("The file is empty."))
    words = accepted_words(accept)
    program = executable_kind(content)
    if program:
        raise RuleViolation(
            rule,
            field,
            _("The file is %(program)s, whatever its name says. Only %(kinds)s files are accepted.")
            % {"program": translated(program), "kinds": words},
        )
    try:
        extension = inspect(content)
    except UnsafeContent as unsafe:
        raise RuleViolation(
            rule,
            field,
            _("The file is refused because %(reason)s. Only %(kinds)s files are accepted.")
            % {"reason": unsafe, "kinds": words},
        ) from unsafe
    if extension not in accept:
        raise RuleViolation(
            rule,
            field,
            _(
                "Only %(kinds)s files are accepted, checked by their content; this file is none "
                "of them."
            )
            % {"kinds": words},
        )
    return CheckedFile(
        content=content,
        extension=extension,
        name=sanitise_name(getattr(upload, "name", "") or "", extension),
        sha256=hashlib.sha256(content).hexdigest(),
    )
