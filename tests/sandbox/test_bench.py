"""`fivesafes bench workspace` runs and prints one JSON line (the figures themselves are not tested)."""

from __future__ import annotations

import json

import pytest

from fivesafes.bench import main


def test_the_workspace_bench_prints_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["workspace", "--runs", "2"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    run = figures["sandbox_start_to_exit"]
    assert run["runs"] == 2
    assert run["p50_ms"] > 0 and run["target_p50_ms"] == 300
