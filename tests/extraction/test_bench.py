"""`fivesafes bench extract` runs the realistic extract, the hand-written SQL and the plain copy
on the same small registers and prints one JSON line with the figures and ratios."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fivesafes.bench import BENCHMARKS
from fivesafes.bench import main as bench


def test_bench_extract_prints_one_line_of_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "extract" in BENCHMARKS
    assert bench(["extract", "--persons", "2000", "--cache", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    figures = json.loads(lines[0])
    assert figures["output_rows"] > 0
    assert figures["same_rows_as_handwritten"] is True
    assert figures["plain_copy"]["rows"] == figures["output_rows"]
    assert figures["peak_rss_mib"] > 0 and figures["ratio_to_handwritten"] > 0
    assert (tmp_path / "registers-2000" / "generation.json").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["registers-2000"]  # the outputs are gone
