"""Office files (DOCX, ODT) are zip archives: they are inspected from the central directory
before anything is unpacked, and every member is read with a cap, so a zip bomb (a few
megabytes that unpack to gigabytes) is refused in milliseconds without using memory.

`open_office_archive` answers with the archive's member names or an `UnsafeArchive` naming
what is wrong; `read_member` reads one small member, never more than its cap.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

# What an office document of an application or a case may hold, unpacked.
MAX_MEMBERS = 2_000
MAX_TOTAL_UNPACKED = 200 * 1024 * 1024
# Text and XML compress well (10-20 to 1 is ordinary); past this a member is built to explode.
MAX_RATIO = 200
# Ratios of small members say nothing (a 2 kB run of spaces is not an attack).
RATIO_FLOOR = 1024 * 1024
# The most read of a member looked into (the type declarations, the ODF mimetype).
MEMBER_CAP = 1024 * 1024


class UnsafeArchive(ValueError):
    """An archive refused before it was unpacked, with the reason in words."""


@dataclass(frozen=True)
class Archive:
    """A checked archive: its bytes opened as a zip, and its member names."""

    zip: zipfile.ZipFile
    names: frozenset[str]


def _words(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):,.0f} MB"
    return _("%(size)s bytes") % {"size": f"{size:,}"}


def open_office_archive(content: bytes) -> Archive:
    """The zip in `content`, after its central directory showed nothing built to explode:
    not too many members, not too much unpacked in all, no member with an absurd ratio,
    no member that is encrypted or names a path outside the archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnsafeArchive(_("it is a damaged zip archive")) from error
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise UnsafeArchive(
            _("it holds %(count)s files; a document holds far fewer") % {"count": f"{len(infos):,}"}
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.flag_bits & 0x1:
            raise UnsafeArchive(
                _("its part '%(part)s' is encrypted") % {"part": info.filename[:80]}
            )
        if info.filename.startswith("/") or ".." in info.filename.split("/"):
            raise UnsafeArchive(
                _("its part '%(part)s' names a path outside it") % {"part": info.filename[:80]}
            )
        packed = max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and info.file_size / packed > MAX_RATIO:
            raise UnsafeArchive(
                _("its part '%(part)s' would unpack from %(packed)s to %(unpacked)s (a zip bomb)")
                % {
                    "part": info.filename[:80],
                    "packed": _words(packed),
                    "unpacked": _words(info.file_size),
                }
            )
    if total > MAX_TOTAL_UNPACKED:
        raise UnsafeArchive(
            _("it would unpack to %(total)s, over the %(most)s a document may hold")
            % {"total": _words(total), "most": _words(MAX_TOTAL_UNPACKED)}
        )
    return Archive(zip=archive, names=frozenset(archive.namelist()))


def read_member(archive: Archive, name: str, cap: int | None = None) -> bytes:
    """At most `cap` (default `MEMBER_CAP`) bytes of member `name`; a member that is longer is
    refused, whatever its directory entry claimed."""
    cap = cap or MEMBER_CAP
    try:
        with archive.zip.open(name) as member:
            data = member.read(cap + 1)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, EOFError) as error:
        raise UnsafeArchive(_("its part '%(part)s' cannot be read") % {"part": name}) from error
    if len(data) > cap:
        raise UnsafeArchive(
            _("its part '%(part)s' is larger than %(cap)s") % {"part": name, "cap": _words(cap)}
        )
    return data
