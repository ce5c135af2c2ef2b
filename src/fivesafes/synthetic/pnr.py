"""CPR-like person numbers: DDMMYY plus four digits, the seventh giving the century, the last the sex.

As in the Danish scheme, the seventh digit and the two-digit year together fix the birth year:
0-3 mean 1900-1999; 4 and 9 mean 2000-2036 when YY <= 36, else 1937-1999; 5-8 mean 2000-2057
when YY <= 57, else 1858-1899. The last digit is odd for men and even for women. There is no
modulus-11 check (Denmark dropped it in 2007). Numbers are allocated in order per birth date and
sex by `SerialAllocator`, so they are unique across all chunks of a run.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from fivesafes.synthetic.timeline import FIRST_BIRTH_DAY, LAST_DAY, civil_from_days

_CENTURY_DIGITS: list[tuple[int, int, tuple[int, ...]]] = [  # (first year, last year, 7th digits)
    (1858, 1899, (5, 6, 7, 8)),
    (1900, 1936, (0, 1, 2, 3)),
    (1937, 1999, (0, 1, 2, 3, 4, 9)),
    (2000, 2036, (4, 9, 5, 6, 7, 8)),
    (2037, 2057, (5, 6, 7, 8)),
]
PER_DIGIT = 500  # last three digits with the right parity


def _digit_table() -> np.ndarray:
    """(year - 1858, k) -> seventh digit for the k-th block of 500 serials; -1 where none."""
    table = np.full((2057 - 1858 + 1, 6), -1, dtype=np.int16)
    for first, last, digits in _CENTURY_DIGITS:
        table[first - 1858 : last - 1858 + 1, : len(digits)] = digits
    return table


_TABLE = _digit_table()


class SerialAllocator:
    """Hands out serial numbers per (birth date, sex) in order, across all chunks of a run."""

    def __init__(self) -> None:
        self.used = np.zeros((int(LAST_DAY - FIRST_BIRTH_DAY) + 1, 2), dtype=np.int32)

    def allocate(self, birth_day: np.ndarray, male: np.ndarray) -> np.ndarray:
        day = birth_day - FIRST_BIRTH_DAY
        sex = male.astype(np.int64)
        key = day * 2 + sex
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        first = np.r_[0, np.flatnonzero(np.diff(sorted_key)) + 1]
        rank_sorted = np.arange(len(key)) - np.repeat(first, np.diff(np.r_[first, len(key)]))
        rank = np.empty_like(rank_sorted)
        rank[order] = rank_sorted
        flat = self.used.reshape(-1)
        serial = flat[key] + rank
        flat += np.bincount(key, minlength=flat.size).astype(np.int32)
        return serial


def encode(birth_day: np.ndarray, male: np.ndarray, serial: np.ndarray) -> np.ndarray:
    """Person numbers as a fixed-width bytes array (dtype S10)."""
    year, month, day = civil_from_days(birth_day)
    block = serial // PER_DIGIT
    seventh = _TABLE[year - 1858, np.minimum(block, 5)]
    if np.any(block > 5) or np.any(seventh < 0):
        raise ValueError("too many persons born on one day to give them person numbers")
    last3 = (serial % PER_DIGIT) * 2 + male.astype(np.int64)
    digits = np.empty((len(birth_day), 10), dtype=np.uint8)
    yy = year % 100
    for i, (value, div) in enumerate(
        [(day, 10), (day, 1), (month, 10), (month, 1), (yy, 10), (yy, 1)]
    ):
        digits[:, i] = (value // div) % 10
    digits[:, 6] = seventh
    digits[:, 7] = last3 // 100
    digits[:, 8] = (last3 // 10) % 10
    digits[:, 9] = last3 % 10
    digits += ord("0")
    return digits.view("S10").reshape(-1)


def decode(pnr: str) -> tuple[dt.date, str]:
    """The birth date and sex ('M' or 'F') a person number encodes."""
    if len(pnr) != 10 or not pnr.isdigit():
        raise ValueError(f"not a person number: {pnr!r}")
    day, month, yy, seventh = int(pnr[0:2]), int(pnr[2:4]), int(pnr[4:6]), int(pnr[6])
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if yy <= 36 else 1900
    else:
        century = 2000 if yy <= 57 else 1800
    return dt.date(century + yy, month, day), "M" if int(pnr[9]) % 2 else "F"
