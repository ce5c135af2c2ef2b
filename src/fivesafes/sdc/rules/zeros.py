"""Zeros that reveal, and class disclosure (everyone in a group shares one category).

A row or column (a "line") of the table body whose contributors all fall in a single cell
tells the reader that every member of the group has that attribute. The lone non-zero cell
is a class disclosure; the zeros beside it are the zeros that reveal it. Zeros declared
structural (impossible combinations) reveal nothing and are never flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd

from ..aggregate import CellStats
from ..config import RuleSet
from ..errors import SdcInputError
from ..findings import Finding
from .base import CellFinding, describe, findings_at, labels_of


def _lines(stats: CellStats) -> list[tuple[list[str], list[str]]]:
    """(grouping dims, varying dims) for each direction of the body."""
    if stats.rows and stats.columns:
        return [(stats.rows, stats.columns), (stats.columns, stats.rows)]
    return [([], stats.dims)]


def _line_stats(
    stats: CellStats,
    body: pd.DataFrame,
    group: list[str],
    possible: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per body cell: non-zero cells, cells and contributors of its line. With `possible`
    (False for declared structural zeros) only the cells that could hold anyone count."""
    n = body["n"].to_numpy()
    weight = np.ones(len(body)) if possible is None else possible.astype(np.float64)
    if not group:
        nonzero = np.full(len(body), int((n > 0).sum()))
        cells = np.full(len(body), int(weight.sum()))
        return nonzero, cells, np.full(len(body), int(n.sum()))
    line = body.groupby([stats.key(d) for d in group], sort=False, observed=True).ngroup()
    at = line.to_numpy()
    nonzero = np.bincount(at, weights=n > 0)[at].astype(np.int64)
    cells = np.bincount(at, weights=weight)[at].astype(np.int64)
    total = np.bincount(at, weights=n)[at].astype(np.int64)
    return nonzero, cells, total


def _where(line: dict[str, str]) -> str:
    """The line of a finding in words: `region=North`, or the whole one-way table."""
    return describe(line) if line else "the whole table"


def _structural_mask(stats: CellStats, structural: Iterable[dict[str, str]]) -> np.ndarray:
    frame = stats.frame
    mask = np.zeros(len(frame), bool)
    for cell in structural:
        m = np.ones(len(frame), bool)
        for d, v in cell.items():
            if d not in stats.dims:
                raise SdcInputError(
                    "a structural zero names a variable the table does not have", field=str(d)
                )
            m &= stats.labels(d).astype(str).to_numpy() == str(v)
        mask |= m
    return mask


def check_zeros(
    stats: CellStats, rules: RuleSet, structural_zeros: Iterable[dict[str, str]] = ()
) -> list[CellFinding]:
    mode = rules.zeros.mode
    if mode == "none":
        return []
    frame = stats.frame
    n = frame["n"].to_numpy()
    structural = _structural_mask(stats, structural_zeros)
    if mode == "all":
        hits = np.flatnonzero((n == 0) & ~structural)
        return findings_at(
            stats,
            hits,
            "zeros",
            rules.zeros.severity,
            values=lambda pos: {"contributors": 0},
            reason=lambda pos: "an empty cell: the rule set treats every zero as disclosive",
        )
    body_pos = np.flatnonzero(~frame["_margin"].to_numpy())
    body = frame.iloc[body_pos]
    out: list[CellFinding] = []
    seen: set[int] = set()
    for group, varying in _lines(stats):
        nonzero, cells, total = _line_stats(stats, body, group)
        hit = (body["n"].to_numpy() == 0) & (nonzero == 1) & (cells > 1) & (total > 0)
        hit &= ~structural[body_pos]
        for i, pos, cell in _unseen(stats, body_pos, hit, seen):
            line = {d: cell[d] for d in group}
            out.append(
                CellFinding(
                    pos,
                    Finding(
                        rule="zeros",
                        severity=rules.zeros.severity,
                        cell=cell,
                        values={"line_contributors": int(total[i]), "line_nonzero_cells": 1},
                        reason=(
                            f"this zero, with the other zeros of {_where(line)}, shows that all "
                            f"{int(total[i])} contributors there share one value of "
                            f"{'/'.join(varying)}"
                        ),
                    ),
                )
            )
    return out


def check_class_disclosure(
    stats: CellStats, rules: RuleSet, structural_zeros: Iterable[dict[str, str]] = ()
) -> list[CellFinding]:
    """The lone non-zero cell of a line that has other cells which could hold someone: a
    line whose other cells are all declared structural zeros tells nothing new."""
    if not rules.class_disclosure.enabled:
        return []
    frame = stats.frame
    body_pos = np.flatnonzero(~frame["_margin"].to_numpy())
    body = frame.iloc[body_pos]
    possible = ~_structural_mask(stats, structural_zeros)[body_pos]
    out: list[CellFinding] = []
    seen: set[int] = set()
    for group, varying in _lines(stats):
        nonzero, cells, total = _line_stats(stats, body, group, possible)
        hit = (body["n"].to_numpy() > 0) & (nonzero == 1) & (cells > 1)
        for i, where, cell in _unseen(stats, body_pos, hit, seen):
            line = {d: cell[d] for d in group}
            attr = {d: cell[d] for d in varying}
            out.append(
                CellFinding(
                    where,
                    Finding(
                        rule="class_disclosure",
                        severity=rules.class_disclosure.severity,
                        cell=cell,
                        values={"line_contributors": int(total[i]), "line_cells": int(cells[i])},
                        reason=(
                            f"all {int(total[i])} contributors of {_where(line)} have "
                            f"{describe(attr)}: publishing it tells that about every one of them"
                        ),
                    ),
                )
            )
    return out


def _unseen(
    stats: CellStats, body_pos: np.ndarray, hit: np.ndarray, seen: set[int]
) -> Iterator[tuple[int, int, dict[str, str]]]:
    """(index in the body, cell position, labels) of each hit body cell that no earlier line
    has reported; each is added to `seen`."""
    idx = np.flatnonzero(hit)
    for i, cell in zip(idx, labels_of(stats, body_pos[idx]), strict=True):
        pos = int(body_pos[i])
        if pos not in seen:
            seen.add(pos)
            yield int(i), pos, cell
