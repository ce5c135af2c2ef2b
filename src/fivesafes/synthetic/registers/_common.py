"""Shared pieces of the register modules: the per-chunk context, code positions, drawing helpers.

Their metadata is declared in `_metadata`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from fivesafes.synthetic import codelists
from fivesafes.synthetic.enterprises import Enterprises
from fivesafes.synthetic.people import People
from fivesafes.synthetic.writer import RegisterSink, dictionary_of

REFORM_YEAR = 2007  # the municipal reform: codes before it are the old municipalities'


@dataclass
class Chunk:
    """What one chunk's register modules share."""

    rng: np.random.Generator
    people: People
    enterprises: Enterprises
    sink: RegisterSink
    persons_total: int
    ids: dict[str, int]  # next free id per event kind, carried across chunks
    work_days: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0))
    )  # (n, years) days employed
    pay_factor: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0))
    )  # (n, years) pay-weighted days

    def next_ids(self, kind: str, count: int) -> np.ndarray:
        first = self.ids.get(kind, 1)
        self.ids[kind] = first + count
        return np.arange(first, first + count, dtype=np.int64)


def leaf_positions(hierarchy: codelists.Hierarchy) -> np.ndarray:
    """The position of each leaf in the dictionary of the hierarchy's code list."""
    _, positions = dictionary_of(hierarchy.code_list)
    return np.array([positions[x] for x in hierarchy.leaves], dtype=np.int32)


@dataclass(frozen=True)
class MunicipalityCodes:
    """The position in the municipality code list's dictionary of each municipality's code valid
    from the reform (`new`) and of its predecessors' codes valid before (`old`)."""

    new: np.ndarray  # (municipalities,)
    old: np.ndarray  # (municipalities, 4); a municipality without predecessors repeats its new code
    n_old: np.ndarray  # predecessors per municipality

    def in_year(self, year: int, municipality: np.ndarray, predecessor: np.ndarray) -> np.ndarray:
        """Dictionary positions of the codes valid in `year`: before the reform, each
        municipality's `predecessor`-th old code (taken modulo its number of predecessors
        by the caller), after it the new code."""
        if year >= REFORM_YEAR:
            return self.new[municipality]
        return np.where(
            self.n_old[municipality] > 0,
            self.old[municipality, predecessor],
            self.new[municipality],
        )


@cache
def municipality_codes() -> MunicipalityCodes:
    """The positions of the synthetic municipality codes (see `MunicipalityCodes`)."""
    munis = codelists.municipalities()
    _, pos = dictionary_of(munis.code_list)
    old = [
        [pos[c] if c else pos[munis.new_codes[i]] for c in row]
        for i, row in enumerate(munis.old_codes)
    ]
    return MunicipalityCodes(
        np.array([pos[c] for c in munis.new_codes], dtype=np.int32),
        np.array(old, dtype=np.int32),
        munis.n_old,
    )


def cumulative_draw(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One category per row of `probabilities` (rows, categories), each row normalised first."""
    cum = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
    drawn = (rng.random(len(probabilities))[:, None] > cum).sum(axis=1)
    return drawn.clip(0, probabilities.shape[1] - 1)


def leaves_within(
    rng: np.random.Generator,
    hierarchy: codelists.Hierarchy,
    choice: np.ndarray,
    groups: Sequence[int],
) -> np.ndarray:
    """A leaf per row, drawn by the leaves' weights from top-level group `groups[choice[row]]`."""
    leaf = np.zeros(len(choice), dtype=np.int64)
    for i, group in enumerate(groups):
        rows = np.flatnonzero(choice == i)
        members = np.flatnonzero(hierarchy.leaf_group == group)
        w = hierarchy.weights[members]
        leaf[rows] = members[rng.choice(len(members), size=len(rows), p=w / w.sum())]
    return leaf
