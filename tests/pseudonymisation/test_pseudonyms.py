"""The pseudonym permutation: round trip, no collisions on random and adversarial inputs,
determinism, independence across projects, kinds and purposes, the scheme pinned by known
answers and by a scalar reference written from the documented definition, and refused input."""

from __future__ import annotations

import numpy as np
import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given, settings
from hypothesis import strategies as st

from fivesafes.pseudonymisation import MAX_IDENTIFIER, Pseudonymiser, derive_key

SECRET = bytes.fromhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
KEY = derive_key(SECRET, "P-2026-001", "person")
PSEUDONYMISER = Pseudonymiser(KEY)
identifiers = st.integers(min_value=0, max_value=MAX_IDENTIFIER)


def reference(material: bytes, value: int) -> int:
    """The scheme as docs/delivery/pseudonymisation.md defines it, one identifier at a time."""
    mask = (1 << 31) - 1
    left, right = value >> 31, value & mask
    for number in range(10):
        block = right.to_bytes(8, "little") + number.to_bytes(8, "little")
        encryptor = Cipher(algorithms.AES(material), modes.ECB()).encryptor()  # noqa: S305
        mixed = int.from_bytes(encryptor.update(block)[:8], "little") & mask
        left, right = right, left ^ mixed
    return (left << 31) | right


def adversarial() -> np.ndarray:
    """Inputs that stress a Feistel network's structure: consecutive values, single bits,
    low masks, alternating bits, values with one half zero or full, and the ends."""
    half = (1 << 31) - 1
    values = [0, 1, 2, MAX_IDENTIFIER, MAX_IDENTIFIER - 1, half, half << 31]
    values += [1 << bit for bit in range(62)]
    values += [(1 << bit) - 1 for bit in range(1, 63)]
    values += [MAX_IDENTIFIER ^ (1 << bit) for bit in range(62)]
    values += [0x2AAAAAAAAAAAAAAA, 0x1555555555555555, 0x3333333333333333, 0x0F0F0F0F0F0F0F0F]
    values += [left << 31 for left in range(1024)] + [(left << 31) | half for left in range(1024)]
    values += list(range(1 << 16)) + list(range(MAX_IDENTIFIER - 4096, MAX_IDENTIFIER + 1))
    values += list(range(10**9, 10**9 + 4096)) + list(range(10**10 - 4096, 10**10))
    return np.unique(np.array(values, dtype=np.int64))


# Known answers. They pin version 1 of the scheme (keys.SCHEME = "fivesafes-pseudonym-v1":
# HKDF-SHA256 to an AES-256 key, 10 rounds of a balanced Feistel network on 31-bit halves).
# Computed once on 2026-12-05 from this secret; if one changes, every pseudonym ever delivered
# changes with it: that needs a new scheme version, never an edit of these numbers.
KNOWN_INPUTS = [0, 1, 1234567890, 9999999999, MAX_IDENTIFIER]
KNOWN_ANSWERS = {
    ("P-2026-001", "person", "pseudonym"): (
        "76272175ef6d7fbf",
        [3079776581592363806, 412093226880052893, 1721495938624154128,
         321108201412798769, 1663646369473832323],
    ),
    ("P-2026-002", "person", "pseudonym"): (
        "b87ea6038cecf212",
        [3588012216920724010, 4284878055326673527, 2848945421392459909,
         113081073988510823, 2758678735415293153],
    ),
    ("P-2026-001", "enterprise", "pseudonym"): (
        "acf2382ec8eaf178",
        [258311712969857584, 4185284047258535842, 3222999319833693238,
         3377713557688773255, 2533653663133660652],
    ),
    ("P-2026-001", "person", "sample"): (
        "29c9f1d5690a1987",
        [3116126462370683348, 4256539768118730499, 4078118512527576539,
         3964473650447736457, 3935584086048196518],
    ),
}  # fmt: skip


@pytest.mark.parametrize("names", sorted(KNOWN_ANSWERS))
def test_known_answers_pin_the_scheme(names: tuple[str, str, str]) -> None:
    fingerprint, expected = KNOWN_ANSWERS[names]
    key = derive_key(SECRET, *names)
    assert key.fingerprint == fingerprint
    assert Pseudonymiser(key).apply(np.array(KNOWN_INPUTS)).tolist() == expected
    assert [reference(key.material, value) for value in KNOWN_INPUTS] == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(identifiers, min_size=1, max_size=50))
def test_the_vectorised_permutation_is_the_documented_one(values: list[int]) -> None:
    result = PSEUDONYMISER.apply(np.array(values, dtype=np.int64))
    assert result.tolist() == [reference(KEY.material, value) for value in values]


@settings(max_examples=200, deadline=None)
@given(st.lists(identifiers, max_size=300))
def test_reverse_undoes_apply_and_outputs_stay_in_range(values: list[int]) -> None:
    ids = np.array(values, dtype=np.int64)
    out = PSEUDONYMISER.apply(ids)
    assert out.dtype == np.int64
    assert ((out >= 0) & (out <= MAX_IDENTIFIER)).all()
    assert PSEUDONYMISER.reverse(out).tolist() == values
    assert PSEUDONYMISER.apply(PSEUDONYMISER.reverse(ids)).tolist() == values


@settings(max_examples=50, deadline=None)
@given(st.sets(identifiers, max_size=2000))
def test_distinct_identifiers_get_distinct_pseudonyms(values: set[int]) -> None:
    out = PSEUDONYMISER.apply(np.array(sorted(values), dtype=np.int64))
    assert np.unique(out).size == len(values)


def test_adversarial_inputs_do_not_collide_and_round_trip() -> None:
    ids = adversarial()
    for key in (KEY, derive_key(SECRET, "P-2026-001", "person", "sample")):
        out = Pseudonymiser(key).apply(ids)
        assert np.unique(out).size == ids.size
        assert ((out >= 0) & (out <= MAX_IDENTIFIER)).all()
        assert np.array_equal(Pseudonymiser(key).reverse(out), ids)


def test_many_random_identifiers_do_not_collide_across_chunks() -> None:
    ids = np.unique(np.random.default_rng(7).integers(0, MAX_IDENTIFIER, 300_000, dtype=np.int64))
    out = PSEUDONYMISER.apply(ids)
    assert np.unique(out).size == ids.size
    assert np.array_equal(PSEUDONYMISER.reverse(out), ids)
    # chunking does not change the result: a value gives the same pseudonym wherever it sits
    assert np.array_equal(PSEUDONYMISER.apply(ids[123_456:123_470]), out[123_456:123_470])


def test_consecutive_identifiers_give_balanced_unrelated_bits() -> None:
    out = PSEUDONYMISER.apply(np.arange(1 << 16, dtype=np.int64)).astype(np.uint64)
    bits = (out[:, None] >> np.arange(62, dtype=np.uint64)) & np.uint64(1)
    assert np.abs(bits.mean(axis=0) - 0.5).max() < 0.02
    # one input bit changed: about half of the 62 output bits change (avalanche)
    flipped = PSEUDONYMISER.apply(np.arange(1 << 16, dtype=np.int64) ^ 1).astype(np.uint64)
    changed = np.array([bin(int(x)).count("1") for x in out ^ flipped])
    assert abs(changed.mean() - 31) < 0.5


def test_the_same_key_gives_the_same_pseudonyms() -> None:
    ids = np.arange(1000, dtype=np.int64) * 7919
    again = Pseudonymiser(derive_key(SECRET, "P-2026-001", "person"))
    assert np.array_equal(PSEUDONYMISER.apply(ids), again.apply(ids))


@pytest.mark.parametrize(
    "names",
    [
        ("P-2026-002", "person", "pseudonym"),
        ("P-2026-001", "enterprise", "pseudonym"),
        ("P-2026-001", "person", "sample"),
        ("P-2026-0010", "person", "pseudonym"),
    ],
)
def test_other_projects_kinds_and_purposes_give_unrelated_pseudonyms(
    names: tuple[str, str, str],
) -> None:
    ids = np.arange(50_000, dtype=np.int64)
    ours = PSEUDONYMISER.apply(ids).astype(np.uint64)
    theirs = Pseudonymiser(derive_key(SECRET, *names)).apply(ids).astype(np.uint64)
    assert np.count_nonzero(ours == theirs) == 0
    assert np.intersect1d(ours, theirs).size == 0  # a chance meeting is ~ 2**-32 likely
    differing = (ours[:, None] ^ theirs[:, None]) >> np.arange(62, dtype=np.uint64) & np.uint64(1)
    assert np.abs(differing.mean(axis=0) - 0.5).max() < 0.02
    # no order carries over: the two rankings are uncorrelated
    rank_ours, rank_theirs = np.argsort(np.argsort(ours)), np.argsort(np.argsort(theirs))
    assert abs(np.corrcoef(rank_ours, rank_theirs)[0, 1]) < 0.03


def test_another_secret_gives_other_pseudonyms() -> None:
    other = derive_key(bytes(range(1, 33)), "P-2026-001", "person")
    ids = np.arange(1000, dtype=np.int64)
    assert np.count_nonzero(Pseudonymiser(other).apply(ids) == PSEUDONYMISER.apply(ids)) == 0


def test_shapes_lists_and_unsigned_input_are_accepted() -> None:
    assert PSEUDONYMISER.apply([]).tolist() == []
    assert PSEUDONYMISER.apply(np.int64(5)).shape == ()
    assert PSEUDONYMISER.apply([5, 6]).tolist() == PSEUDONYMISER.apply(np.array([5, 6])).tolist()
    grid = np.arange(12, dtype=np.uint64).reshape(3, 4)
    assert (
        PSEUDONYMISER.apply(grid).tolist()
        == PSEUDONYMISER.apply(np.arange(12)).reshape(3, 4).tolist()
    )


@pytest.mark.parametrize(
    "values",
    [
        np.array([1.0, 2.0]),
        np.array(["0101701234"]),
        np.array([True, False]),
        np.array([1, None], dtype=object),
        [1 << 70],
    ],
)
def test_non_integers_are_refused(values: object) -> None:
    with pytest.raises(TypeError, match="Identifiers must be integers"):
        PSEUDONYMISER.apply(values)


@pytest.mark.parametrize(
    ("values", "counts"),
    [
        (np.array([5, -123456789, 7]), "1 are negative and 0 are larger"),
        (np.array([MAX_IDENTIFIER + 987654321, 2**63 - 1]), "0 are negative and 2 are larger"),
        (np.array([2**64 - 1], dtype=np.uint64), "0 are negative and 1 are larger"),
    ],
)
def test_out_of_range_identifiers_are_counted_never_shown(values: np.ndarray, counts: str) -> None:
    with pytest.raises(ValueError, match=r"0 \.\. 2\*\*62 - 1") as caught:
        PSEUDONYMISER.apply(values)
    assert counts in str(caught.value)
    for value in values.tolist():
        assert str(abs(value)) not in str(caught.value)
    with pytest.raises(ValueError, match="Pseudonyms must lie"):
        PSEUDONYMISER.reverse(values)


def test_a_pseudonymiser_needs_a_derived_key() -> None:
    with pytest.raises(TypeError, match="PseudonymKey"):
        Pseudonymiser(KEY.material)  # type: ignore[arg-type]
