"""The report counts and never lists: its printed form, its dictionary (the audit payload)
and its sentences hold no person number; `matched` counts against the population given as
strings, an Arrow array or the synthetic registers' NumPy bytes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from fivesafes.linkage import ExternalDataError, read_external
from fivesafes.linkage.report import person_array
from tests.linkage.helpers import PNRS, survey, write


@pytest.fixture
def report(uploads: Path):  # type: ignore[no-untyped-def]
    frame = survey()
    frame.loc[4] = [PNRS[0], 9.0, "again"]
    write(frame, uploads / "s.parquet", "parquet")
    return read_external(uploads, "s.parquet", allow_duplicates=True).report


@pytest.mark.parametrize(
    "population",
    [
        [PNRS[0], PNRS[1], "3112999999"],
        pa.array([PNRS[0], PNRS[1], "3112999999"]),
        pa.chunked_array([[PNRS[0]], [PNRS[1], "3112999999"]]),
        np.array([PNRS[0], PNRS[1], "3112999999"], dtype="S10"),
        np.array([PNRS[0], PNRS[1], "3112999999"]),
    ],
)
def test_matched_counts_persons_and_rows(report, population) -> None:  # type: ignore[no-untyped-def]
    matched = report.matched(population)
    assert (matched.population, matched.matched_persons) == (3, 2)
    assert (matched.unmatched_persons, matched.unmatched_rows) == (2, 2)
    assert report.matched_persons is None  # the report itself is unchanged


def test_no_identifier_in_repr_dict_or_sentences(report) -> None:  # type: ignore[no-untyped-def]
    matched = report.matched(PNRS[:2])
    shown = repr(matched) + str(matched.as_dict()) + " ".join(matched.describe())
    assert not any(pnr in shown for pnr in PNRS)
    import dataclasses
    import pickle

    assert "_keys" not in matched.as_dict()
    assert not any(pnr in str(dataclasses.asdict(matched)) for pnr in PNRS)
    assert not any(pnr.encode() in pickle.dumps(matched) for pnr in PNRS)
    with pytest.raises(ExternalDataError, match="no person numbers"):
        pickle.loads(pickle.dumps(matched)).matched(PNRS)  # noqa: S301 (our own bytes)
    assert matched.as_dict()["duplicated_persons"] == 1
    assert matched.as_dict()["columns"][0] == {"name": "score", "type": "double", "missing": 1}
    assert any("match nobody" in line for line in matched.describe())


def test_a_population_not_of_text_is_refused() -> None:
    with pytest.raises(ExternalDataError, match="as text"):
        person_array(pa.array([1, 2]))


def test_numpy_bytes_of_other_widths_and_short_values() -> None:
    assert person_array(np.array([PNRS[0]], dtype="S12")).to_pylist() == [PNRS[0]]
    assert person_array(np.array(["12345"], dtype="S10")).to_pylist() == ["12345"]
