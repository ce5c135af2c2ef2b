"""CPR-like person numbers: the birth date and sex can be read back, and numbers never repeat."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fivesafes.synthetic.pnr import SerialAllocator, decode, encode
from fivesafes.synthetic.timeline import day

EPOCH = dt.date(1970, 1, 1)


@given(
    birth=st.dates(min_value=dt.date(1870, 1, 1), max_value=dt.date(2025, 12, 31)),
    male=st.booleans(),
    serial=st.integers(min_value=0, max_value=1999),
)
def test_a_person_number_encodes_birth_date_and_sex(
    birth: dt.date, male: bool, serial: int
) -> None:
    [pnr] = encode(np.array([(birth - EPOCH).days]), np.array([male]), np.array([serial]))
    text = pnr.decode()
    assert len(text) == 10 and text.isdigit()
    assert text[:6] == birth.strftime("%d%m%y")
    assert decode(text) == (birth, "M" if male else "F")


def test_serials_continue_across_chunks_so_numbers_stay_unique() -> None:
    alloc = SerialAllocator()
    births = np.full(600, day(1990, 5, 17))
    male = np.arange(600) % 2 == 0
    first = encode(births, male, alloc.allocate(births, male))
    second = encode(births, male, alloc.allocate(births, male))
    both = np.concatenate([first, second])
    assert len(set(both.tolist())) == 1200


def test_too_many_births_on_one_day_is_an_error_not_a_duplicate() -> None:
    births = np.full(2, day(1890, 1, 1))
    with pytest.raises(ValueError, match="too many persons"):
        encode(births, np.array([True, True]), np.array([0, 2000]))


def test_decode_refuses_what_is_not_a_person_number() -> None:
    with pytest.raises(ValueError):
        decode("12345")
