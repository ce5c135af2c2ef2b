"""Delimited text (CSV): the encoding checked over the whole file (stated, or detected among
UTF-8, UTF-8 with BOM, Windows-1252 and Latin-1), the delimiter stated or told from the first
lines (comma, semicolon, tab, vertical bar), a header line required, every line the width of
the header. Read in bounded steps into Arrow strings; types are inferred afterwards."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from fivesafes.linkage.errors import ExternalDataError
from fivesafes.linkage.limits import Limits

ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1")
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
SCAN_BYTES = 1024 * 1024
SNIFF_CHARS = 64 * 1024
SNIFF_RECORDS = 50
FIELD_LIMIT = 1024 * 1024
UTF8_BOM = codecs.BOM_UTF8
INTEGER = r"^-?(0|[1-9][0-9]{0,17})$"
DECIMAL_POINT = r"^-?[0-9]+\.[0-9]+$|^-?(0|[1-9][0-9]{0,17})$"
DECIMAL_COMMA = r"^-?[0-9]+,[0-9]+$|^-?(0|[1-9][0-9]{0,17})$"
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@dataclass(frozen=True)
class TextTable:
    """The strings of a delimited file, its header as written, and how it was read."""

    table: pa.Table
    encoding: str
    delimiter: str


def _pieces(fd: int) -> Iterator[tuple[int, bytes]]:
    """(number of the first line, bytes) in whole lines of about SCAN_BYTES."""
    offset, line, rest = 0, 1, b""
    while True:
        chunk = os.pread(fd, SCAN_BYTES, offset)
        offset += len(chunk)
        data = rest + chunk
        if not chunk:
            if data:
                yield line, data
            return
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            rest = data
            continue
        yield line, data[:cut]
        line += data.count(b"\n", 0, cut)
        rest = data[cut:]


def _first_error(fd: int, encoding: str) -> tuple[int, bool] | None:
    """(line, whether non-ASCII text decoded before it) of the first bytes that are not
    `encoding`, or None when the whole file decodes."""
    seen_non_ascii = False
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    for line, piece in _pieces(fd):
        try:
            piece.decode(codec)
        except UnicodeDecodeError as error:
            before = piece[: error.start]
            non_ascii = seen_non_ascii or any(byte >= 0x80 for byte in before)
            return line + before.count(b"\n"), non_ascii
        seen_non_ascii = seen_non_ascii or not piece.isascii()
    return None


def _stated_encoding(stated: str) -> str:
    try:
        name = codecs.lookup(stated).name
    except LookupError as error:
        raise ExternalDataError("encoding", f"'{stated}' is not an encoding.") from error
    aliases = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "cp1252": "cp1252"}
    aliases["iso8859-1"] = "latin-1"
    aliases["latin-1"] = "latin-1"
    if name not in aliases:
        raise ExternalDataError(
            "encoding",
            f"'{stated}' is not accepted; state one of {', '.join(ENCODINGS)}.",
        )
    return aliases[name]


def detect_encoding(fd: int, stated: str | None = None) -> str:
    """The file's encoding: the stated one, checked over the whole file (the first line that is
    not in it is named), or the first of ENCODINGS that decodes the whole file. A file with
    UTF-8 letters and later bytes that are not UTF-8 is refused (mixed encodings) rather than
    read as Latin-1."""
    head = os.pread(fd, 3, 0)
    if stated:
        encoding = _stated_encoding(stated)
        if encoding == "utf-8" and head == UTF8_BOM:
            encoding = "utf-8-sig"
        failure = _first_error(fd, encoding)
        if failure:
            raise ExternalDataError(
                "encoding",
                f"Line {failure[0]} holds bytes that are not {encoding}, the stated encoding.",
            )
        return encoding
    utf8 = "utf-8-sig" if head == UTF8_BOM else "utf-8"
    failure = _first_error(fd, utf8)
    if failure is None:
        return utf8
    line, non_ascii = failure
    if non_ascii or utf8 == "utf-8-sig":
        raise ExternalDataError(
            "encoding",
            f"The file is UTF-8 up to line {line}, where it holds bytes that are not UTF-8 "
            "(mixed encodings). Save the whole file in one encoding.",
        )
    return "cp1252" if _first_error(fd, "cp1252") is None else "latin-1"


def _records(text: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    widths = []
    try:
        for row in reader:
            if row:
                widths.append(len(row))
            if len(widths) >= SNIFF_RECORDS:
                break
    except csv.Error:
        return []
    return widths


def sniff_delimiter(sample: str) -> str:
    """The delimiter among DELIMITERS that splits the header into more than one field and the
    most of the first lines into as many; then the most fields; a tie is refused. (A line of
    the wrong width is refused later, by its number.)"""
    if len(sample) >= SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rfind("\n") + 1]
    scores: dict[str, tuple[float, int]] = {}
    for delimiter in DELIMITERS:
        widths = _records(sample, delimiter)
        if widths and widths[0] > 1:
            share = sum(width == widths[0] for width in widths) / len(widths)
            scores[delimiter] = (share, widths[0])
    if not scores:
        header = sample.split("\n", 1)[0]
        if not any(delimiter in header for delimiter in DELIMITERS):
            return ","
        raise ExternalDataError(
            "delimiter",
            "The delimiter cannot be told from the header; state it (comma, semicolon, tab "
            "or vertical bar).",
        )
    best_score = max(scores.values())
    best = [delimiter for delimiter, score in scores.items() if score == best_score]
    if len(best) > 1:
        words = " and ".join(DELIMITERS[d] for d in best)
        raise ExternalDataError(
            "delimiter", f"The delimiter is ambiguous ({words} both fit); state it."
        )
    return best[0]


def _stated_delimiter(stated: str) -> str:
    names = {word: d for d, word in DELIMITERS.items()}
    delimiter = names.get(stated.lower(), "\t" if stated == "\\t" else stated)
    if delimiter not in DELIMITERS:
        raise ExternalDataError("delimiter", "State the delimiter as one of , ; | or tab.")
    return delimiter


def _text(fd: int, encoding: str) -> io.TextIOWrapper:
    raw = os.fdopen(os.dup(fd), "rb")
    raw.seek(0)
    return io.TextIOWrapper(raw, encoding=encoding, newline="")


def read_delimited(
    fd: int,
    *,
    limits: Limits,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> TextTable:
    """The file as a table of strings (empty fields are missing), refusing a file without a
    header, a line with more or fewer fields than the header (named by its line), a field over
    1 MiB and more decoded text than `limits.max_data_bytes`."""
    used = detect_encoding(fd, encoding)
    with _text(fd, used) as text:
        chosen = (
            _stated_delimiter(delimiter) if delimiter else sniff_delimiter(text.read(SNIFF_CHARS))
        )
        text.seek(0)
        table = _parse_fast(fd, used, chosen, limits)
        if table is None:
            text.seek(0)
            table = _parse(text, chosen, limits)
    return TextTable(table=table, encoding=used, delimiter=chosen)


def _raw_header(fd: int, encoding: str, delimiter: str) -> list[str] | None:
    with _text(fd, encoding) as text:
        try:
            for row in csv.reader(text, delimiter=delimiter, strict=True):
                if row:
                    return row
        except csv.Error:
            return None
    return None


def _parse_fast(fd: int, encoding: str, delimiter: str, limits: Limits) -> pa.Table | None:
    """The file through Arrow's CSV reader, every column as text, in batches counted against
    the limit; None when Arrow cannot read it (a line of the wrong width, odd quoting, names
    twice), so the careful reader finds and names the line."""
    header = _raw_header(fd, encoding, delimiter)
    if not header or len(set(header)) != len(header) or len(header) > limits.max_columns:
        return None
    raw = os.fdopen(os.dup(fd), "rb")
    raw.seek(0)
    try:
        reader = pacsv.open_csv(
            raw,
            read_options=pacsv.ReadOptions(encoding=encoding, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header}
            ),
        )
        if reader.schema.names != header:
            return None
        batches = []
        total = 0
        for batch in reader:
            total += batch.nbytes
            if total > limits.max_data_bytes:
                raise ExternalDataError(
                    "file",
                    f"The data are larger than the limit of {limits.max_data_bytes} bytes.",
                )
            batches.append(batch)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    finally:
        raw.close()
    table = pa.Table.from_batches(batches, schema=reader.schema)
    names = [name.strip() for name in header]
    return pa.table([pc.utf8_trim_whitespace(column) for column in table.columns], names=names)


def _parse(text: io.TextIOWrapper, delimiter: str, limits: Limits) -> pa.Table:
    previous = csv.field_size_limit(FIELD_LIMIT)
    try:
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        try:
            header = next(reader, None)
            while header == []:
                header = next(reader, None)
            if header is None:
                raise ExternalDataError("file", "The file holds no lines.")
            names = [name.strip() for name in header]
            if len(names) > limits.max_columns:
                raise ExternalDataError(
                    "columns",
                    f"The file has {len(names)} columns; the limit is {limits.max_columns}.",
                )
            return _columns(reader, names, limits)
        except csv.Error as error:
            raise ExternalDataError(
                f"line {reader.line_num}", f"The line cannot be read as delimited text: {error}."
            ) from error
    finally:
        csv.field_size_limit(previous)


def _columns(reader: Iterator[list[str]], names: list[str], limits: Limits) -> pa.Table:
    width = len(names)
    batches: list[list[pa.Array]] = [[] for _ in names]
    pending: list[list[str | None]] = [[] for _ in names]
    total = 0
    for row in reader:
        if not row:
            continue
        if len(row) != width:
            line_num = getattr(reader, "line_num", 0)
            raise ExternalDataError(
                f"line {line_num}",
                f"The line has {len(row)} fields; the header has {width}.",
            )
        for index, value in enumerate(row):
            value = value.strip()
            total += len(value) + 1
            pending[index].append(value or None)
        if total > limits.max_data_bytes:
            raise ExternalDataError(
                "file",
                f"The data are larger than the limit of {limits.max_data_bytes} bytes.",
            )
        if len(pending[0]) >= limits.batch_rows:
            for index, values in enumerate(pending):
                batches[index].append(pa.array(values, type=pa.string()))
            pending = [[] for _ in names]
    for index, values in enumerate(pending):
        batches[index].append(pa.array(values, type=pa.string()))
    return pa.table([pa.chunked_array(chunks, type=pa.string()) for chunks in batches], names=names)


def _all_match(column: pa.ChunkedArray, pattern: str) -> bool:
    present = column.drop_null()
    if len(present) == 0:
        return False
    return bool(pc.all(pc.match_substring_regex(present, pattern)).as_py())


def infer_type(column: pa.ChunkedArray, delimiter: str) -> pa.ChunkedArray:
    """Whole numbers without leading zeros become int64, decimals float64 (a decimal comma is
    read when the delimiter is not a comma), ISO dates date32; everything else, codes with
    leading zeros included, stays text."""
    if _all_match(column, INTEGER):
        try:
            return pc.cast(column, pa.int64())
        except pa.ArrowInvalid:
            return column
    if _all_match(column, DECIMAL_POINT):
        return pc.cast(column, pa.float64())
    if delimiter != "," and _all_match(column, DECIMAL_COMMA):
        return pc.cast(pc.replace_substring(column, ",", "."), pa.float64())
    if _all_match(column, ISO_DATE):
        try:
            return pc.cast(pc.strptime(column, "%Y-%m-%d", "s"), pa.date32())
        except pa.ArrowInvalid:
            return column
    return column


def looks_like_data(names: list[str]) -> bool:
    """True when a header field is a number: the first line is data, not names."""
    return any(re.fullmatch(r"-?[0-9][0-9.,]*", name) for name in names)
