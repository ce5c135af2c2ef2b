"""`fivesafes bench release` on a small request: one JSON line with the figures."""

from __future__ import annotations

import json

from fivesafes.bench import BENCHMARKS
from fivesafes.bench.release import main


def test_the_benchmark_checks_every_output_and_prints_its_figures(capsys) -> None:
    assert "release" in BENCHMARKS
    assert main(["--outputs", "9"]) == 0
    figures = json.loads(capsys.readouterr().out.strip())
    assert figures["files"] == 9
    assert sum(figures["verdicts"].values()) == 9
    assert figures["verdicts"].get("review", 0) >= 1  # the figures
    assert figures["seconds"] > 0
