"""The pseudonym function: a keyed permutation of the integers 0 .. 2**62 - 1 (a balanced
Feistel network of 31-bit halves whose round function is AES-128 from `cryptography`, as in
NIST's format-preserving FF1, vectorised over numpy arrays). A permutation cannot collide, so
distinct identifiers always get distinct pseudonyms; `verify_distinct` still checks every run.
Pseudonyms are non-negative 64-bit integers. `reverse` undoes `apply` with the same key.
"""

from __future__ import annotations

import numpy as np
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from fivesafes.pseudonymisation.keys import PseudonymKey

HALF_BITS = 31
HALF_MASK = np.uint64((1 << HALF_BITS) - 1)
MAX_IDENTIFIER = (1 << (2 * HALF_BITS)) - 1
ROUNDS = 8
CHUNK = 1 << 16  # identifiers per AES call


class CollisionError(Exception):
    """Two identifiers got the same pseudonym (impossible for a permutation; checked anyway)."""


class Pseudonymiser:
    """`apply(ids)` gives the pseudonyms of int64 identifiers in [0, MAX_IDENTIFIER]."""

    def __init__(self, key: PseudonymKey, rounds: int = ROUNDS) -> None:
        self.key = key
        self.rounds = rounds
        self._cipher = Cipher(algorithms.AES(key.material), modes.ECB())  # noqa: S305

    def __repr__(self) -> str:
        return f"Pseudonymiser({self.key})"

    def _permute(self, values: np.ndarray, forward: bool) -> np.ndarray:
        """The Feistel network over `values` (uint64), in chunks that stay in cache; one AES
        call per round and chunk, into buffers allocated once."""
        result = np.empty(values.shape[0], dtype=np.int64)
        size = min(CHUNK, max(values.shape[0], 1))
        blocks = np.zeros((size, 2), dtype=np.uint64)
        cipher_out = np.empty(size * 16 + 16, dtype=np.uint8)
        order = list(range(self.rounds)) if forward else list(reversed(range(self.rounds)))
        for start in range(0, values.shape[0], size):
            chunk = values[start : start + size]
            n = chunk.shape[0]
            left = chunk >> np.uint64(HALF_BITS)
            right = chunk & HALF_MASK
            for number in order:
                source = right if forward else left
                blocks[:n, 0] = source
                blocks[:n, 1] = number
                encryptor = self._cipher.encryptor()
                encryptor.update_into(blocks[:n].data.cast("B"), cipher_out.data)
                mixed = cipher_out[: n * 16].view(np.uint64)[::2] & HALF_MASK
                if forward:
                    left, right = right, left ^ mixed
                else:
                    left, right = right ^ mixed, left
            result[start : start + n] = ((left << np.uint64(HALF_BITS)) | right).view(np.int64)
        return result

    def _check(self, values: np.ndarray, what: str) -> np.ndarray:
        array = np.asarray(values)
        if array.dtype.kind not in "iu":
            raise TypeError(f"{what} must be integers, not {array.dtype}.")
        if array.size and (array.min() < 0 or array.max() > MAX_IDENTIFIER):
            raise ValueError(f"{what} must lie in 0 .. 2**62 - 1.")
        return np.ascontiguousarray(array, dtype=np.uint64)

    def apply(self, identifiers: np.ndarray) -> np.ndarray:
        """The pseudonyms of `identifiers` (int64, same order)."""
        return self._permute(self._check(identifiers, "Identifiers"), forward=True)

    def reverse(self, pseudonyms: np.ndarray) -> np.ndarray:
        """The identifiers of `pseudonyms`: only for the audited two-person staff operation."""
        return self._permute(self._check(pseudonyms, "Pseudonyms"), forward=False)


def verify_distinct(identifiers: np.ndarray, pseudonyms: np.ndarray) -> None:
    """Raise CollisionError unless distinct identifiers have distinct pseudonyms (as many
    distinct pseudonyms as distinct identifiers, and `pseudonyms` a function of `identifiers`:
    callers pass the pairs of one mapping)."""
    ids = np.asarray(identifiers, dtype=np.int64)
    out = np.asarray(pseudonyms, dtype=np.int64)
    if ids.shape != out.shape:
        raise CollisionError("Identifiers and pseudonyms differ in number.")
    if _distinct(out) != _distinct(ids):
        raise CollisionError("Two different identifiers were given the same pseudonym.")


def _distinct(values: np.ndarray) -> int:
    """How many distinct values (by sorting: far faster than np.unique on millions)."""
    if values.size == 0:
        return 0
    ordered = np.sort(values)
    return int(np.count_nonzero(ordered[1:] != ordered[:-1])) + 1
