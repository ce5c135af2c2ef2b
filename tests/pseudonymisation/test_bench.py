"""`fivesafes bench pseudonymise` on a tiny register: one JSON line with the figures, both
replacement methods agree on the rows, and an identifier missing from a mapping is refused."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fivesafes.bench import BENCHMARKS
from fivesafes.bench.pseudonymise import Mapping, main


def test_the_benchmark_prints_its_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "pseudonymise" in BENCHMARKS
    argv = ["--ids", "3000", "--rows", "20000", "--chunk-rows", "7000", "--workdir", str(tmp_path)]
    assert main(argv) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    figures = json.loads(lines[0])
    assert figures["mapping"]["ids"] == 3000
    assert figures["mapping"]["build_ids_per_s"] > 0
    assert figures["register"]["rows"] == 20000 and figures["register"]["row_groups"] == 3
    for method in ("numpy", "duckdb"):
        assert figures[f"replace_{method}"]["rows"] == 20000
        assert figures[f"replace_{method}"]["rows_per_s"] > 0
    assert figures["peak_rss_mib"] > 0
    assert list(tmp_path.iterdir()) == []  # its working folder is removed


def test_a_value_missing_from_the_mapping_is_refused() -> None:
    mapping = Mapping(np.array([1, 5, 9], dtype=np.int64), np.array([7, 8, 6], dtype=np.int64))
    assert mapping.lookup(np.array([9, 1, 1]), "pnr").tolist() == [6, 7, 7]
    with pytest.raises(ValueError, match="2 values of pnr are not in the mapping"):
        mapping.lookup(np.array([9, 4, 10]), "pnr")
