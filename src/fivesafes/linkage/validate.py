"""The checks every external table passes whatever its format: safe, distinct column names;
plain column types; rows present; one key column (the person number, or the serial of
distributed linking), named or found, every value of the right form; duplicated keys
counted (and refused unless the source may hold several rows per person)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from fivesafes.linkage.errors import ExternalDataError

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
PERSON_COLUMN = "pnr"


@dataclass(frozen=True)
class KeyKind:
    """The key a file is linked on: its word, the pattern of a value (RE2), the column name in
    the output."""

    word: str
    pattern: str
    example: str
    numbers_allowed: bool


PERSON = KeyKind("person number", r"^[0-9]{10}$", "10 digits", numbers_allowed=False)
SERIAL = KeyKind("serial", r"^[1-9][0-9]{11}$", "12 digits", numbers_allowed=True)


def _names(names: list[str]) -> str:
    return ", ".join(names) if names else "(none)"


def check_names(names: list[str]) -> None:
    """Refuse a column name that is empty, not a letter followed by letters, digits and
    underscores (at most 64), or that repeats another (whatever the case)."""
    seen: dict[str, str] = {}
    for position, name in enumerate(names, start=1):
        if not name:
            raise ExternalDataError("columns", f"Column {position} has no name.")
        if not NAME.fullmatch(name):
            raise ExternalDataError(
                f"column:{position}",
                f"The column name '{name[:80]}' is not accepted: a name starts with a letter "
                "and holds only letters A-Z, digits and underscores (at most 64).",
            )
        if name.lower() in seen:
            raise ExternalDataError(
                "columns", f"The column name '{name}' appears twice (as '{seen[name.lower()]}')."
            )
        seen[name.lower()] = name


def _plain(name: str, column: pa.ChunkedArray) -> pa.ChunkedArray:
    kind = column.type
    if pa.types.is_dictionary(kind):
        column = pc.cast(column, kind.value_type)
        kind = column.type
    if pa.types.is_null(kind):
        return pc.cast(column, pa.string())
    if pa.types.is_large_string(kind) or pa.types.is_string(kind):
        text = pc.utf8_trim_whitespace(pc.cast(column, pa.string()))
        return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    if pa.types.is_decimal(kind):
        return pc.cast(column, pa.float64())
    if (
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_date(kind)
        or pa.types.is_timestamp(kind)
    ):
        return column
    raise ExternalDataError(
        f"column:{name}",
        f"The column has the type {kind}; accepted are text, numbers, true/false, dates and times.",
    )


def normalise(table: pa.Table) -> pa.Table:
    """Names checked, dictionary columns decoded, text trimmed (empty text is missing),
    decimals as float64; nested, binary and other types refused naming the column."""
    check_names(table.column_names)
    return pa.table(
        [_plain(name, table.column(name)) for name in table.column_names],
        names=table.column_names,
    )


def _as_key_text(column: pa.ChunkedArray, kind: KeyKind) -> pa.ChunkedArray | None:
    """The column as text if it can hold keys: text; whole numbers when the key allows them."""
    if pa.types.is_string(column.type):
        return column
    if not kind.numbers_allowed:
        return None
    if pa.types.is_integer(column.type):
        return pc.cast(column, pa.string())
    if pa.types.is_floating(column.type):
        present = column.drop_null()
        if len(present) and not pc.all(pc.equal(pc.floor(present), present)).as_py():
            return None
        try:
            return pc.cast(pc.cast(column, pa.int64()), pa.string())
        except pa.ArrowInvalid:
            return None
    return None


def _fits(column: pa.ChunkedArray | None, kind: KeyKind) -> bool:
    if column is None:
        return False
    present = column.drop_null()
    return len(present) > 0 and bool(
        pc.all(pc.match_substring_regex(present, kind.pattern)).as_py()
    )


def _share(column: pa.ChunkedArray | None, kind: KeyKind) -> int:
    if column is None:
        return 0
    present = column.drop_null()
    return int(pc.sum(pc.match_substring_regex(present, kind.pattern)).as_py() or 0)


def find_key_column(table: pa.Table, kind: KeyKind, named: str | None = None) -> str:
    """The key column: the one named (matched exactly, else ignoring case), or the one column
    whose every value is a key (exactly one; none or several are refused naming the
    columns)."""
    names = table.column_names
    if named:
        if named in names:
            return named
        folded = [name for name in names if name.lower() == named.lower()]
        if len(folded) == 1:
            return folded[0]
        raise ExternalDataError(
            f"{kind.word} column",
            f"There is no column named '{named}'; the columns are {_names(names)}.",
        )
    texts = {name: _as_key_text(table.column(name), kind) for name in names}
    found = [name for name in names if _fits(texts[name], kind)]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise ExternalDataError(
            f"{kind.word} column",
            f"Several columns hold only {kind.word}s ({kind.example}): {_names(found)}. "
            f"State which one is the {kind.word}.",
        )
    near = [
        f"{name} ({_share(texts[name], kind)} of {len(table) - table.column(name).null_count})"
        for name in names
        if _share(texts[name], kind) > 0
    ]
    hint = f" Columns with some {kind.word}s: {', '.join(near)}." if near else ""
    raise ExternalDataError(
        f"{kind.word} column",
        f"No column holds only {kind.word}s ({kind.example}); the columns are "
        f"{_names(names)}.{hint} Name the column, or correct its values.",
    )


def key_values(table: pa.Table, column: str, kind: KeyKind) -> pa.ChunkedArray:
    """The key column as text, refused when a row has no key or a value is not of the key's
    form (counted, with the first data row; values are never quoted)."""
    text = _as_key_text(table.column(column), kind)
    if text is None:
        extra = (
            " Person numbers must be stored as text: a number loses leading zeros."
            if not kind.numbers_allowed
            else ""
        )
        raise ExternalDataError(
            f"column:{column}",
            f"The column has the type {table.column(column).type}, not {kind.word}s.{extra}",
        )
    missing = text.null_count
    if missing:
        first = int(pc.index(pc.is_null(text), True).as_py()) + 1
        raise ExternalDataError(
            f"column:{column}",
            f"{missing} rows have no {kind.word} (the first is data row {first}).",
        )
    wrong = pc.invert(pc.match_substring_regex(text, kind.pattern))
    count = int(pc.sum(wrong).as_py() or 0)
    if count:
        first = int(pc.index(wrong, True).as_py()) + 1
        raise ExternalDataError(
            f"column:{column}",
            f"{count} values are not {kind.word}s of {kind.example} (the first is data "
            f"row {first}).",
        )
    return text


def duplicates(keys: pa.ChunkedArray) -> tuple[int, int, int]:
    """(distinct keys, keys on more than one row, rows beyond the first of each)."""
    counts = pc.value_counts(keys)
    repeated = pc.greater(counts.field("counts"), 1)
    distinct = len(counts)
    return distinct, int(pc.sum(repeated).as_py() or 0), len(keys) - distinct


def columns_of_kind(table: pa.Table, kind: KeyKind) -> list[str]:
    """The columns whose every value is a key of `kind`."""
    return [
        name for name in table.column_names if _fits(_as_key_text(table.column(name), kind), kind)
    ]
