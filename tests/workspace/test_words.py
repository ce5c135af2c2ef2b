"""How a run ended and a project's limits, as the workspace shows them: in English exactly the
sandbox's own words, in Danish the same figures in Danish (`workspace.views.words`)."""

from __future__ import annotations

from dataclasses import asdict
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import translation

from fivesafes.sandbox import Limits, Stop
from fivesafes.sandbox.outcome import describe
from fivesafes.workspace.views.words import limits_words, run_words, stop_name

LIMITS = Limits(
    cpu_seconds=90,
    memory_bytes=1_500_000_000,
    processes=40,
    file_size_bytes=2_000_000,
    wall_seconds=3600,
)


def ended(limits: Limits = LIMITS, **how: Any) -> Any:
    """A run as the workspace keeps it, ended as the sandbox describes `how`."""
    facts: dict[str, Any] = {
        "returncode": 0,
        "report": None,
        "head": [],
        "tail": [],
        "stopped_by_supervisor": None,
        "cancel_note": "",
        "limits": limits,
        "cpu_seconds": 1.0,
        "max_rss_bytes": 1000,
        "wall_seconds": 2.0,
    }
    result = describe(**(facts | how))
    return SimpleNamespace(
        stop=result.stop.value,
        words=result.words,
        exit_code=result.exit_code,
        signal=result.signal or "",
        limits=asdict(limits),
    )


ENDINGS = {
    "finished": {},
    "failed": {"returncode": 1},
    "cpu": {"report": {"signal": 24}},
    "wall-clock": {"returncode": -9, "stopped_by_supervisor": Stop.WALL_CLOCK},
    "memory": {"returncode": 1, "tail": ["MemoryError"]},
    "processes": {"returncode": 1, "tail": ["BlockingIOError: fork"]},
    "file size": {"returncode": 1, "tail": ["OSError: File too large"]},
    "disk full": {"returncode": 1, "tail": ["No space left on device"]},
    "killed": {"report": {"signal": 15}},
}


@pytest.mark.parametrize("how", ENDINGS.values(), ids=ENDINGS.keys())
def test_in_english_a_run_ends_in_the_sandboxs_own_words(how: dict[str, Any]) -> None:
    run = ended(**how)
    with translation.override("en-gb"):
        assert run_words(run) == run.words


def test_in_danish_a_run_ends_in_danish() -> None:
    with translation.override("da"):
        assert run_words(ended()) == "færdig"
        assert run_words(ended(returncode=2)) == "fejlede med slutkode 2"
        memory = run_words(ended(returncode=1, tail=["MemoryError"]))
        assert memory == "stoppet: den brugte mere end sin grænse for hukommelse på 1,5 GB"
        wall = run_words(ended(returncode=-9, stopped_by_supervisor=Stop.WALL_CLOCK))
        assert wall == "stoppet efter sin grænse for samlet tid på 1 t"


def test_words_fivesafes_wrote_on_the_run_are_shown_as_kept() -> None:
    run = ended(returncode=-9, stopped_by_supervisor=Stop.CANCELLED, cancel_note="stopped")
    run.words = "stoppet: annulleret af medlemmet"
    with translation.override("en-gb"):
        assert run_words(run) == "stoppet: annulleret af medlemmet"


@pytest.mark.parametrize(
    "limits",
    [LIMITS, Limits(), Limits(cpu_seconds=120, memory_bytes=700_000, file_size_bytes=999)],
)
def test_limits_read_as_the_sandbox_writes_them_in_english(limits: Limits) -> None:
    with translation.override("en-gb"):
        assert limits_words(limits) == limits.words()


def test_limits_in_danish() -> None:
    with translation.override("da"):
        assert limits_words(LIMITS) == (
            "CPU 90 s, hukommelse 1,5 GB, 40 processer, filer op til 2 MB, samlet tid 1 t"
        )


def test_the_short_name_of_a_stop_is_the_sandboxs_in_english_and_danish_in_danish() -> None:
    with translation.override("en-gb"):
        assert [stop_name(s) for s in ("finished", "cpu_limit", "")] == [
            "finished",
            "cpu_limit",
            "",
        ]
    with translation.override("da"):
        assert [stop_name(s) for s in ("finished", "cpu_limit", "")] == ["færdig", "CPU-grænse", ""]
