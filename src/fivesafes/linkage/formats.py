"""Which kind of file an upload is, told by its first and last bytes (never by its name):
Parquet, Stata, SPSS, SAS or delimited text. Compressed containers (ZIP, gzip, ...) are refused
outright, so no archive is ever unpacked; other binary kinds are named in the refusal."""

from __future__ import annotations

import os

from fivesafes.linkage.errors import ExternalDataError
from fivesafes.linkage.limits import Limits

HEAD_BYTES = 4096
FORMAT_WORDS = {
    "csv": "delimited text (CSV)",
    "parquet": "Parquet",
    "dta": "Stata .dta",
    "sav": "SPSS .sav",
    "sas7bdat": "SAS .sas7bdat",
}
SAS_MAGIC = bytes(12) + bytes.fromhex("c2ea8160b31411cfbd92080009c7318c181f1011")
SAS_MAGIC_ALT = bytes(28) + bytes.fromhex("181f1011")  # written by some non-SAS software
# Stata before version 13 (.dta 117): release byte, byte order (1 or 2), file type 1, then 0.
OLD_STATA_RELEASES = frozenset({102, 103, 104, 105, 108, 110, 111, 112, 113, 114, 115})
COMPRESSED: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (or an Excel/Office file, which is one)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"PK\x07\x08", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed"),
    (b"BZh", "bzip2-compressed"),
    (b"\xfd7zXZ\x00", "xz-compressed"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed"),
    (b"\x04\x22\x4d\x18", "lz4-compressed"),
    (b"\x1f\x9d", "compressed with compress (.Z)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
)
OTHER_BINARY: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (for example .xls)"),
    (b"%PDF-", "a PDF document"),
    (b"\x7fELF", "a Linux program"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xff\xfe\x00\x00", "text in UTF-32"),
    (b"\xff\xfe", "text in UTF-16"),
    (b"\xfe\xff", "text in UTF-16"),
)


def file_size(fd: int, limits: Limits) -> int:
    """The size of the open file, refused when empty or above `limits.max_file_bytes`."""
    size = os.fstat(fd).st_size
    if size == 0:
        raise ExternalDataError("file", "The file is empty.")
    if size > limits.max_file_bytes:
        raise ExternalDataError(
            "file",
            f"The file is {size} bytes; the limit is {limits.max_file_bytes} bytes.",
        )
    return size


def _read_at(fd: int, offset: int, count: int) -> bytes:
    return os.pread(fd, count, offset)


def detect_format(fd: int, size: int) -> str:
    """The kind of the open file, told by its content: "parquet", "dta", "sav", "sas7bdat" or
    "csv"; refuses compressed containers, known binary kinds and binary content of no known
    kind."""
    head = _read_at(fd, 0, HEAD_BYTES)
    for magic, words in COMPRESSED:
        if head.startswith(magic):
            raise ExternalDataError(
                "file",
                f"The file is {words}. Compressed files and archives are not unpacked; "
                "upload the data file itself (CSV, Parquet, .dta, .sav or .sas7bdat).",
            )
    if len(head) > 262 and head[257:262] == b"ustar":
        raise ExternalDataError("file", "The file is a tar archive; upload the data file itself.")
    if head.startswith(b"PAR1"):
        if size < 12 or _read_at(fd, size - 4, 4) != b"PAR1":
            raise ExternalDataError("file", "The file starts as Parquet but is cut short.")
        return "parquet"
    if head.startswith(SAS_MAGIC) or head.startswith(SAS_MAGIC_ALT):
        return "sas7bdat"
    if head.startswith(b"$FL2") or head.startswith(b"$FL3"):
        return "sav"
    if head.startswith(b"<stata_dta>") or (
        len(head) >= 4
        and head[0] in OLD_STATA_RELEASES
        and head[1] in (1, 2)
        and head[2] == 1
        and head[3] == 0
    ):
        return "dta"
    for magic, words in OTHER_BINARY:
        if head.startswith(magic):
            raise ExternalDataError(
                "file",
                f"The file is {words}. Accepted: CSV (UTF-8, Windows-1252 or Latin-1), "
                "Parquet, Stata .dta, SPSS .sav and SAS .sas7bdat.",
            )
    if b"\x00" in head:
        raise ExternalDataError(
            "file",
            "The file is binary but none of the accepted kinds (checked by its content): "
            "CSV, Parquet, Stata .dta, SPSS .sav, SAS .sas7bdat.",
        )
    return "csv"
