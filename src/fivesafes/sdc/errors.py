"""Errors raised for bad input: each names the field or cell at fault and the reason.

Every error the disclosure-control core raises for something wrong with what it was given is an
`SdcInputError`; the CLI turns these into exit code 3. They are never swallowed: a table that
cannot be checked is never reported as passing.
"""

from __future__ import annotations

from typing import Any


class SdcInputError(ValueError):
    """The input cannot be checked. `field` and `cell` say where, `reason` says why."""

    kind = "bad_input"

    def __init__(self, reason: str, *, field: str | None = None, cell: Any = None) -> None:
        self.reason = reason
        self.field = field
        self.cell = cell
        where = []
        if field is not None:
            where.append(f"field {field!r}")
        if cell is not None:
            where.append(f"cell {cell!r}")
        prefix = f"{', '.join(where)}: " if where else ""
        super().__init__(prefix + reason)

    def as_dict(self) -> dict[str, Any]:
        return {
            "error": self.kind,
            "field": self.field,
            "cell": None if self.cell is None else _jsonable(self.cell),
            "reason": self.reason,
        }


def _jsonable(cell: Any) -> Any:
    if isinstance(cell, dict):
        return {str(k): str(v) for k, v in cell.items()}
    if isinstance(cell, tuple | list):
        return [str(c) for c in cell]
    return str(cell)


class EmptyTableError(SdcInputError):
    kind = "empty_table"


class NonNumericCellError(SdcInputError):
    kind = "non_numeric_cell"


class NonFiniteValueError(SdcInputError):
    kind = "non_finite_value"


class MarginMismatchError(SdcInputError):
    kind = "margin_mismatch"


class DuplicateLabelError(SdcInputError):
    kind = "duplicate_label"


class DeclarationError(SdcInputError):
    kind = "bad_declaration"


class FileFormatError(SdcInputError):
    kind = "bad_file_format"


class FileTooLargeError(SdcInputError):
    kind = "file_too_large"


class ConfigError(SdcInputError):
    kind = "bad_config"


class StructureError(SdcInputError):
    """A table's hierarchy or additivity structure is inconsistent."""

    kind = "bad_structure"
