"""The pseudonym function: a keyed permutation of the integers 0 .. 2**62 - 1, a balanced
Feistel network of 31-bit halves with 10 rounds (as NIST's FF1) whose round function is AES-256
from `cryptography`, vectorised over numpy arrays. A permutation cannot collide, so distinct
identifiers always get distinct pseudonyms; `verify_distinct` still checks every run.
Pseudonyms are non-negative 64-bit integers. `reverse` undoes `apply` with the same key.

Round i maps (L, R) to (R, L xor F(i, R)) with F(i, x) = the low 31 bits of the first 8 bytes
(little-endian) of AES_K(x as 8 little-endian bytes || i as 8 little-endian bytes). Changing
any of this changes every pseudonym: the known answers in tests/pseudonymisation pin it, and a
new version needs a new `keys.SCHEME`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from fivesafes.pseudonymisation.keys import KEY_BYTES, PseudonymKey

HALF_BITS = 31
HALF_MASK = np.uint64((1 << HALF_BITS) - 1)
MAX_IDENTIFIER = (1 << (2 * HALF_BITS)) - 1
ROUNDS = 10
CHUNK = 1 << 15  # identifiers per AES call: the two 512 KiB buffers stay in the L2 cache
_BLOCK = np.dtype("<u8")  # the AES blocks' byte order, fixed whatever the machine's


class CollisionError(Exception):
    """Two identifiers got the same pseudonym (impossible for a permutation; checked anyway)."""


class Pseudonymiser:
    """`apply(ids)` gives the pseudonyms of integer identifiers in [0, MAX_IDENTIFIER]."""

    def __init__(self, key: PseudonymKey) -> None:
        if not isinstance(key, PseudonymKey) or len(key.material) != KEY_BYTES:
            raise TypeError("A Pseudonymiser needs a PseudonymKey from a key store.")
        self.key = key
        # ECB here is no mode of encryption: it evaluates AES once per 16-byte block, each block
        # a distinct (half, round) input, which is how the round function uses AES as a PRF.
        self._cipher = Cipher(algorithms.AES(key.material), modes.ECB())  # noqa: S305

    def __repr__(self) -> str:
        return f"Pseudonymiser({self.key})"

    def _permute(self, values: np.ndarray, forward: bool) -> np.ndarray:
        """The Feistel network over `values` (uint64), in chunks; one AES call per round and
        chunk, into buffers allocated once."""
        result = np.empty(values.shape[0], dtype=np.int64)
        size = min(CHUNK, max(values.shape[0], 1))
        blocks = np.zeros((size, 2), dtype=_BLOCK)
        cipher_out = np.empty(size * 16 + 16, dtype=np.uint8)
        order = range(ROUNDS) if forward else range(ROUNDS - 1, -1, -1)
        for start in range(0, values.shape[0], size):
            chunk = values[start : start + size]
            n = chunk.shape[0]
            left = chunk >> np.uint64(HALF_BITS)
            right = chunk & HALF_MASK
            for number in order:
                blocks[:n, 0] = right if forward else left
                blocks[:n, 1] = number
                encryptor = self._cipher.encryptor()
                encryptor.update_into(blocks[:n].data.cast("B"), cipher_out.data)
                mixed = cipher_out[: n * 16].view(_BLOCK)[::2] & HALF_MASK
                if forward:
                    left, right = right, left ^ mixed
                else:
                    left, right = right ^ mixed, left
            result[start : start + n] = ((left << np.uint64(HALF_BITS)) | right).view(np.int64)
        return result

    def _run(self, values: Any, what: str, forward: bool) -> np.ndarray:
        """Check `values` (any shape; integers only) and permute them, keeping the shape. The
        messages give counts and never a value: the values are identifiers."""
        empty_sequence = isinstance(values, list | tuple) and not values
        array = np.asarray(values, dtype=np.int64 if empty_sequence else None)
        if array.dtype.kind not in "iu":
            raise TypeError(
                f"{what} must be integers (int64 or uint64), not {array.dtype}; convert digit "
                "strings to integers first."
            )
        if array.size and (array.min() < 0 or array.max() > MAX_IDENTIFIER):
            low = int(np.count_nonzero(array < 0))
            high = int(np.count_nonzero(array > MAX_IDENTIFIER))
            if low or high:
                raise ValueError(
                    f"{what} must lie in 0 .. 2**62 - 1; {low} are negative and {high} are larger."
                )
        flat = np.ascontiguousarray(array, dtype=np.uint64).reshape(-1)
        return self._permute(flat, forward).reshape(array.shape)

    def apply(self, identifiers: Any) -> np.ndarray:
        """The pseudonyms of `identifiers` (int64, same order and shape)."""
        return self._run(identifiers, "Identifiers", forward=True)

    def reverse(self, pseudonyms: Any) -> np.ndarray:
        """The identifiers of `pseudonyms`: only for the audited two-person staff operation."""
        return self._run(pseudonyms, "Pseudonyms", forward=False)


def verify_distinct(identifiers: np.ndarray, pseudonyms: np.ndarray) -> None:
    """Raise CollisionError unless the pairs (identifiers[i], pseudonyms[i]) are a one-to-one
    mapping: each identifier has one pseudonym, and distinct identifiers distinct pseudonyms.
    Sorting, not hashing: a fraction of a second for 6 million pairs (less when the identifiers
    come sorted, as a mapping's do). The messages give counts only."""
    ids = np.asarray(identifiers).reshape(-1)
    out = np.asarray(pseudonyms).reshape(-1)
    if ids.shape != out.shape:
        raise CollisionError(f"There are {ids.shape[0]} identifiers but {out.shape[0]} pseudonyms.")
    if ids.size == 0:
        return
    if bool((ids[1:] > ids[:-1]).all()):
        distinct_ids = ids.size  # already sorted and distinct, as a mapping usually is
    else:
        ordered = np.sort(ids)
        distinct_ids = int(np.count_nonzero(ordered[1:] != ordered[:-1])) + 1
    if distinct_ids < ids.size:
        # Repeated identifiers: each must carry one pseudonym throughout.
        order = np.argsort(ids)  # any order within equal identifiers will do
        by_id, their = ids[order], out[order]
        repeat = by_id[1:] == by_id[:-1]
        split = int(np.count_nonzero(repeat & (their[1:] != their[:-1])))
        if split:
            raise CollisionError(
                f"{split} times an identifier was given a second, different pseudonym."
            )
        out = their[np.concatenate(([True], ~repeat))]
    ordered_out = np.sort(out)
    shared = int(np.count_nonzero(ordered_out[1:] == ordered_out[:-1]))
    if shared:
        raise CollisionError(
            f"{shared} times two different identifiers were given the same pseudonym."
        )
