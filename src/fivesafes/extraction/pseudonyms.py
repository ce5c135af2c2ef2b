"""Identifiers to pseudonyms for one run: string identifiers checked (all digits, one width) and
turned into integers, the project's keyed permutation applied (never an engine's hash), the
mapping's distinctness verified, and the sample drawn with the project's sample key."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fivesafes.pseudonymisation import KeyStore, Pseudonymiser, verify_distinct

from .errors import ExtractionError


def as_integers(values: pa.Array | pa.ChunkedArray, field: str) -> np.ndarray:
    """The identifiers as int64: digit strings of one width are read as numbers; integers are
    taken as they are. Anything else is refused, naming the column (never the values)."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_dictionary(values.type):
        values = values.dictionary_decode()
    if len(values) == 0:
        return np.empty(0, dtype=np.int64)
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        lengths = pc.utf8_length(values)
        bounds = pc.min_max(lengths)
        digits = pc.all(pc.match_substring_regex(values, r"^[0-9]+$")).as_py()
        if not digits or bounds["min"].as_py() != bounds["max"].as_py():
            raise ExtractionError(
                field,
                "The identifiers are not digit strings of one width; they cannot be pseudonymised.",
            )
        if bounds["max"].as_py() > 18:
            raise ExtractionError(field, "The identifiers are longer than 18 digits.")
        return np.asarray(pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False))
    if pa.types.is_integer(values.type):
        return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.int64)
    raise ExtractionError(field, f"Identifiers of type {values.type} cannot be pseudonymised.")


def pseudonymise(
    keys: KeyStore, project: str, kind: str, ids: np.ndarray, field: str
) -> np.ndarray:
    """The project's pseudonyms of `ids` for the identifier kind `kind`."""
    try:
        return Pseudonymiser(keys.derive(project, kind)).apply(ids)
    except ValueError:
        raise ExtractionError(
            field, "The identifiers lie outside the range pseudonyms can be made for."
        ) from None


def verify(ids: list[np.ndarray], pseudonyms: list[np.ndarray]) -> None:
    """Every mapping of one kind together: distinct identifiers have distinct pseudonyms."""
    verify_distinct(np.concatenate(ids), np.concatenate(pseudonyms))


def draw_sample(keys: KeyStore, project: str, unit: str, ids: np.ndarray, size: int) -> np.ndarray:
    """The positions of the `size` units whose sample-key values are smallest: the same units
    for the project every time, other units for another project."""
    order = Pseudonymiser(keys.derive(project, unit, "sample")).apply(ids)
    if size >= len(ids):
        return np.arange(len(ids))
    chosen = np.argpartition(order, size - 1)[:size]
    return np.sort(chosen)
