"""Data and an outputs area for the analysis library's tests.

`frame` is a small register-like table: three regions of 100 people and one of 3 (region W),
so a crosstab by region and sex has cells that fail the minimum-frequency rule; `regions`
has only the three large regions, so its crosstab passes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from fivesafes.analysis import Session


def make_frame(small_region: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 300
    frame = pd.DataFrame(
        {
            "region": np.repeat(["E", "N", "S"], 100),
            "sex": np.tile(["F", "M"], 150),
            "income": rng.gamma(2.0, 15000.0, n).round(2),
            "age": rng.integers(18, 80, n),
            "employed": rng.integers(0, 2, n),
            "years": rng.integers(1, 6, n),
            "died": rng.integers(0, 2, n),
        }
    )
    if small_region:
        extra = frame.head(3).copy()
        extra["region"] = "W"
        frame = pd.concat([frame, extra], ignore_index=True)
    return frame


@pytest.fixture
def frame() -> pd.DataFrame:
    return make_frame()


@pytest.fixture
def regions() -> pd.DataFrame:
    return make_frame(small_region=False)


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    folder = tmp_path / "outputs"
    folder.mkdir()
    return folder


@pytest.fixture
def session(outputs: Path) -> Session:
    return Session(outputs, show=False)
