"""Reading a plain table file (CSV, TSV, XLSX) safely: size limit first, then decoding,
delimiter, header and row widths, each failure a precise `SdcInputError`."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path
from typing import Any

from .config import DEFAULT_RULES
from .errors import DuplicateLabelError, EmptyTableError, FileFormatError, FileTooLargeError


def read_rows(
    path: str | Path,
    *,
    delimiter: str | None = None,
    encoding: str = "utf-8-sig",
    sheet: str | None = None,
    max_bytes: int = DEFAULT_RULES.limits.max_input_bytes,
    max_rows: int = DEFAULT_RULES.limits.max_cells,
) -> tuple[list[str], list[list[Any]], str, list[int]]:
    """Header, rows, the SHA-256 of the file and each row's line (CSV) or sheet row (XLSX)
    number for messages; blank lines are left out. Refuses what cannot be read safely: over
    `max_bytes` before reading, over `max_rows` rows while reading (a file of short lines
    under the byte limit would otherwise grow to gigabytes as Python lists)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileFormatError(f"cannot read the file: {exc.strerror}", field=str(path)) from exc
    if size > max_bytes:
        raise FileTooLargeError(
            f"the file is {size / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:.1f} MB for "
            "a table; an aggregated output is small, so this looks like microdata",
            field=str(path),
        )
    if size == 0:
        raise EmptyTableError("the file is empty", field=str(path))
    try:
        raw = path.read_bytes()
    except OSError as exc:  # a directory, no permission, a device gone
        raise FileFormatError(f"cannot read the file: {exc.strerror}", field=str(path)) from exc
    digest = hashlib.sha256(raw).hexdigest()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, rows, lines = _read_xlsx(raw, path, sheet, max_rows)
    elif suffix in (".csv", ".tsv", ".txt"):
        header, rows, lines = _read_csv(raw, path, delimiter, encoding, max_rows)
    else:
        raise FileFormatError(f"cannot read {suffix or 'this'} files as tables", field=str(path))
    if not header or all(str(h).strip() == "" for h in header):
        raise EmptyTableError("the file has no header row", field=str(path))
    if not rows:
        raise EmptyTableError("the table has a header but no rows", field=str(path))
    header = [str(h).strip() for h in header]
    unnamed = [i + 1 for i, h in enumerate(header) if h == ""]
    if unnamed:
        raise FileFormatError(
            f"column {unnamed[0]} of the header ({', '.join(map(repr, header[:4]))}...) has no "
            "name; the first non-empty line must be the header: is there a title or note above "
            "it? Remove it, or name every column",
            field=str(path),
        )
    seen: set[str] = set()
    for h in header:
        if h in seen:
            raise DuplicateLabelError("two columns have this header", field=h)
        seen.add(h)
    for i, row in enumerate(rows):
        if len(row) != len(header):
            hint = ""
            if i == 0 and len(row) > len(header):
                hint = " (is the first line a title above the header? remove it)"
            raise FileFormatError(
                f"line {lines[i]} has {len(row)} fields but the header has {len(header)}{hint}",
                field=str(path),
            )
    return header, rows, digest, lines


def _too_many(path: Path, max_rows: int) -> FileTooLargeError:
    return FileTooLargeError(
        f"the table has more than {max_rows} rows (limits.max_cells); an aggregated output is "
        "small, so this looks like microdata",
        field=str(path),
    )


def _read_csv(
    raw: bytes, path: Path, delimiter: str | None, encoding: str, max_rows: int
) -> tuple[list[str], list[list[Any]], list[int]]:
    boms = {b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}
    if encoding.lower().replace("_", "-").startswith("utf-8") and raw[:2] in boms:
        raise FileFormatError(
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8 or "
            "give --encoding utf-16",
            field=str(path),
        )
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileFormatError(
            f"byte {exc.start} (line {line}) is not valid {encoding}; give the file's encoding, "
            "e.g. --encoding latin-1",
            field=str(path),
        ) from exc
    except LookupError as exc:
        raise FileFormatError(f"unknown encoding {encoding!r}", field=str(path)) from exc
    if "\x00" in text:
        raise FileFormatError("the file holds NUL bytes; it is not a text table", field=str(path))
    first = text.split("\n", 1)[0]
    candidates = [",", ";", "\t", "|"]
    if delimiter is None:
        counts = {d: first.count(d) for d in candidates}
        delimiter = max(candidates, key=lambda d: counts[d])
        if counts[delimiter] == 0:
            delimiter = ","
    else:
        if delimiter == "\\t":
            delimiter = "\t"
        if first.count(delimiter) == 0:
            others = [d for d in candidates if d != delimiter and first.count(d) > 0]
            if others:
                shown = "tab" if others[0] == "\t" else repr(others[0])
                raise FileFormatError(
                    f"the header has no {delimiter!r} but has {shown}: wrong delimiter?",
                    field=str(path),
                )
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    kept: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(c.strip() for c in row):
                if len(kept) > max_rows:  # the header and max_rows rows are allowed
                    raise _too_many(path, max_rows)
                kept.append((reader.line_num, row))
    except csv.Error as exc:
        raise FileFormatError(f"not a valid CSV file: {exc}", field=str(path)) from exc
    if not kept:
        raise EmptyTableError("the file has no rows", field=str(path))
    return kept[0][1], [list(r) for _, r in kept[1:]], [n for n, _ in kept[1:]]


def _read_xlsx(
    raw: bytes, path: Path, sheet: str | None, max_rows: int
) -> tuple[list[str], list[list[Any]], list[int]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileFormatError(f"not a readable XLSX workbook: {exc}", field=str(path)) from exc
    if sheet is not None and sheet not in book.sheetnames:
        raise FileFormatError(
            f"no sheet {sheet!r}; sheets: {', '.join(book.sheetnames)}", field=str(path)
        )
    ws = book[sheet] if sheet else book.worksheets[0]
    kept: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if any(v is not None and str(v).strip() for v in row):
            if len(kept) > max_rows:
                book.close()
                raise _too_many(path, max_rows)
            kept.append((number, ["" if v is None else v for v in row]))
    book.close()
    numbers = [n for n, _ in kept[1:]]
    lines = [r for _, r in kept]
    if not lines:
        raise EmptyTableError("the sheet is empty", field=str(path))
    width = max(len(r) for r in lines)
    lines = [r + [""] * (width - len(r)) for r in lines]
    while width > 0 and all(str(r[width - 1]).strip() == "" for r in lines):
        width -= 1
        lines = [r[:width] for r in lines]
    blanks = {
        (number, j)
        for number, row in kept
        for j, v in enumerate(row[:width])
        if v == "" or v is None
    }
    if blanks:
        _refuse_unsaved_formulas(raw, path, sheet, blanks)
    return [str(h) for h in lines[0]], lines[1:], numbers


def _refuse_unsaved_formulas(
    raw: bytes, path: Path, sheet: str | None, blanks: set[tuple[int, int]]
) -> None:
    """An empty cell may be a formula whose result was never saved (a workbook written by a
    program, not a spreadsheet): say so instead of calling it empty."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
        last = max(n for n, _ in blanks)
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if number > last:
                break
            for j, v in enumerate(row):
                if (number, j) in blanks and isinstance(v, str) and v.startswith("="):
                    raise FileFormatError(
                        f"sheet row {number}, column {get_column_letter(j + 1)} holds the "
                        f"formula {v} without a saved result; open and save the workbook in a "
                        "spreadsheet program, or write the values",
                        field=str(path),
                    )
    finally:
        book.close()
