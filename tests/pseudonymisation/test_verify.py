"""verify_distinct: the per-run check that a mapping is one-to-one catches injected faults."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fivesafes.pseudonymisation import CollisionError, Pseudonymiser, derive_key, verify_distinct

PSEUDONYMISER = Pseudonymiser(derive_key(bytes(range(32)), "P-2026-001", "person"))


def test_a_true_mapping_passes() -> None:
    ids = np.random.default_rng(3).permutation(10_000).astype(np.int64) * 1_000_003
    verify_distinct(ids, PSEUDONYMISER.apply(ids))
    verify_distinct(np.array([], dtype=np.int64), np.array([], dtype=np.int64))


def test_repeated_identifiers_with_their_one_pseudonym_pass() -> None:
    ids = np.array([5, 9, 5, 5, 9, 12], dtype=np.int64)
    verify_distinct(ids, PSEUDONYMISER.apply(ids))


def test_an_injected_collision_is_caught() -> None:
    ids = np.arange(1000, dtype=np.int64)
    out = PSEUDONYMISER.apply(ids)
    out[5] = out[777]
    with pytest.raises(CollisionError, match="1 times two different identifiers"):
        verify_distinct(ids, out)


def test_a_collision_among_repeated_identifiers_is_caught() -> None:
    ids = np.array([1, 2, 2, 3, 3], dtype=np.int64)
    out = PSEUDONYMISER.apply(ids)
    out[3:] = out[1]  # identifier 3 takes identifier 2's pseudonym everywhere
    with pytest.raises(CollisionError, match="same pseudonym"):
        verify_distinct(ids, out)


def test_a_split_identifier_is_caught_even_when_it_hides_a_collision() -> None:
    # identifier 1 has two pseudonyms, a and b, and identifier 2 also has b: counting distinct
    # values alone (2 identifiers, 2 pseudonyms) would pass this
    ids = np.array([1, 1, 2], dtype=np.int64)
    a, b = PSEUDONYMISER.apply(np.array([1, 2])).tolist()
    with pytest.raises(CollisionError, match="second, different pseudonym"):
        verify_distinct(ids, np.array([a, b, b], dtype=np.int64))


def test_lengths_must_agree_and_messages_show_no_values() -> None:
    ids = np.array([1234567890, 2345678901], dtype=np.int64)
    with pytest.raises(CollisionError, match="2 identifiers but 1 pseudonyms"):
        verify_distinct(ids, ids[:1])
    with pytest.raises(CollisionError) as caught:
        verify_distinct(ids, np.array([42424242, 42424242], dtype=np.int64))
    assert "1234567890" not in str(caught.value) and "42424242" not in str(caught.value)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=12))
def test_it_refuses_exactly_the_pairs_that_are_not_one_to_one(pairs: list[tuple[int, int]]) -> None:
    ids = np.array([i for i, _ in pairs], dtype=np.int64)
    out = np.array([p for _, p in pairs], dtype=np.int64)
    one_to_one = len({i for i, _ in pairs}) == len(set(pairs)) == len({p for _, p in pairs})
    if one_to_one:
        verify_distinct(ids, out)
    else:
        with pytest.raises(CollisionError):
            verify_distinct(ids, out)
