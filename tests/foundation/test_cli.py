"""The `fivesafes` command lists the project's commands and runs Django's."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fivesafes.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_help_lists_core_service_and_django_commands() -> None:
    result = run("--help")
    assert result.returncode == 0, result.stderr
    for name in (
        "sdc",
        "generate-registers",
        "bench",
        "worker",
        "audit",
        "totp",
        "demo",
        "migrate",
    ):
        assert name in result.stdout, name


def test_django_commands_run_through_fivesafes() -> None:
    result = run("check")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_unknown_benchmark_is_refused() -> None:
    result = run("bench", "no-such-benchmark")
    assert result.returncode == 2
    assert "unknown benchmark" in result.stderr
