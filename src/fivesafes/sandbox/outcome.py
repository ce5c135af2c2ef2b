"""How a run ended, in plain words for the researcher.

The supervisor knows for certain when it stopped a run itself (wall-clock, cancel), and the
kernel reports a signal for the CPU limit (SIGXCPU, then SIGKILL) and for an oversized file in a
program that does not catch SIGXFSZ. The memory, process and file-size limits otherwise show up
as a failed allocation, fork or write inside the program, which then exits with an error; those
are recognised from the last lines of its output (MemoryError, "cannot allocate", "Resource
temporarily unavailable", "File too large", ...). That recognition is a good guess, not proof:
the exit status and the output are always kept beside the words.
"""

from __future__ import annotations

import enum
import re
import signal
from collections.abc import Sequence
from dataclasses import dataclass

from fivesafes.sandbox.spec import Limits, words_for_bytes, words_for_seconds


class Stop(enum.StrEnum):
    FINISHED = "finished"
    FAILED = "failed"
    CPU_LIMIT = "cpu_limit"
    MEMORY_LIMIT = "memory_limit"
    PROCESS_LIMIT = "process_limit"
    FILE_SIZE_LIMIT = "file_size_limit"
    DISK_FULL = "disk_full"
    WALL_CLOCK = "wall_clock"
    CANCELLED = "cancelled"
    KILLED = "killed"
    NOT_STARTED = "not_started"


@dataclass(frozen=True)
class RunResult:
    stop: Stop
    words: str
    exit_code: int | None  # the program's exit code, when it exited by itself
    signal: str | None  # the signal that ended it, e.g. "SIGXCPU"
    cpu_seconds: float  # user + system time of every process of the run
    max_rss_bytes: int  # the largest resident memory of any one process of the run
    wall_seconds: float

    @property
    def ok(self) -> bool:
        return self.stop is Stop.FINISHED

    def as_dict(self) -> dict[str, object]:
        return {
            "stop": self.stop.value,
            "words": self.words,
            "exit_code": self.exit_code,
            "signal": self.signal,
            "cpu_seconds": round(self.cpu_seconds, 3),
            "max_rss_bytes": self.max_rss_bytes,
            "wall_seconds": round(self.wall_seconds, 3),
        }


_MEMORY = re.compile(
    r"MemoryError|cannot allocate|Cannot allocate memory|std::bad_alloc|out of memory"
    r"|Out of Memory|failed to allocate|mmap failed",
    re.IGNORECASE,
)
_PROCESSES = re.compile(
    r"Resource temporarily unavailable|BlockingIOError|can't start new thread|fork: retry"
    r"|cannot fork|Cannot fork|pthread_create failed|unable to fork",
)
_FILE_SIZE = re.compile(r"File too large|Errno 27|EFBIG|File size limit exceeded")
_CPU = re.compile(r"CPU time limit exceeded")  # a shell's words for a child's SIGXCPU
_DISK_FULL = re.compile(r"No space left on device|Errno 28|ENOSPC|Disk quota exceeded")
_BWRAP_FAILED = re.compile(r"^bwrap: (.*)$")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def describe(
    *,
    returncode: int,
    report: dict[str, object] | None,
    head: Sequence[str],
    tail: Sequence[str],
    stopped_by_supervisor: Stop | None,
    cancel_note: str,
    limits: Limits,
    cpu_seconds: float,
    max_rss_bytes: int,
    wall_seconds: float,
) -> RunResult:
    """The result of a run from the launcher's report (how the command ended, the resources of
    every process of the run), what the supervisor did, and the first and last lines of output.
    Without a report (the sandbox was not set up, or was killed) bwrap's exit status is used:
    bwrap exits 128+N when its command dies of signal N."""
    exit_code: int | None = None
    signal_name: str | None = None
    if report is not None and ("exit_code" in report or "signal" in report):
        if "signal" in report:
            signal_name = _signal_name(int(str(report["signal"])))
        else:
            exit_code = int(str(report["exit_code"]))
        cpu_seconds = float(str(report.get("cpu_seconds", cpu_seconds)))
        max_rss_bytes = int(str(report.get("max_rss_bytes", max_rss_bytes)))
    elif returncode < 0:  # bwrap itself was killed (by the supervisor)
        signal_name = _signal_name(-returncode)
    elif returncode > 128:
        signal_name = _signal_name(returncode - 128)
    else:
        exit_code = returncode

    def result(stop: Stop, words: str) -> RunResult:
        return RunResult(
            stop=stop,
            words=words,
            exit_code=exit_code,
            signal=signal_name,
            cpu_seconds=cpu_seconds,
            max_rss_bytes=max_rss_bytes,
            wall_seconds=wall_seconds,
        )

    if report is not None and "limits_failed" in report:
        return result(Stop.NOT_STARTED, f"not run: {report['limits_failed']}")
    first = head[0] if head else ""
    if report is None and exit_code not in (None, 0) and (failed := _BWRAP_FAILED.match(first)):
        # bwrap speaks before the program does: its complaint is the first line.
        return result(
            Stop.NOT_STARTED, f"not run: the sandbox could not be set up ({failed.group(1)})"
        )
    if stopped_by_supervisor is Stop.WALL_CLOCK:
        return result(
            Stop.WALL_CLOCK,
            f"stopped after its {words_for_seconds(limits.wall_seconds)} wall-clock limit",
        )
    if stopped_by_supervisor is Stop.CANCELLED:
        return result(Stop.CANCELLED, f"cancelled{': ' + cancel_note if cancel_note else ''}")
    cpu = words_for_seconds(limits.cpu_seconds)
    memory = words_for_bytes(limits.memory_bytes)
    file_size = words_for_bytes(limits.file_size_bytes)
    text = "\n".join(tail)
    if signal_name == "SIGXCPU" or (signal_name == "SIGKILL" and cpu_seconds >= limits.cpu_seconds):
        return result(Stop.CPU_LIMIT, f"stopped: it used more than its {cpu} CPU-time limit")
    if signal_name == "SIGXFSZ":
        return result(
            Stop.FILE_SIZE_LIMIT,
            f"stopped: it tried to write a file larger than its {file_size} file-size limit",
        )
    if exit_code == 0:
        return result(Stop.FINISHED, "finished")
    if _CPU.search(text):
        return result(Stop.CPU_LIMIT, f"stopped: it used more than its {cpu} CPU-time limit")
    if _MEMORY.search(text):
        return result(Stop.MEMORY_LIMIT, f"stopped: it used more than its {memory} memory limit")
    if _PROCESSES.search(text):
        return result(
            Stop.PROCESS_LIMIT,
            f"stopped: it tried to run more than its {limits.processes} processes and threads",
        )
    if _FILE_SIZE.search(text):
        return result(
            Stop.FILE_SIZE_LIMIT,
            f"stopped: it tried to write a file larger than its {file_size} file-size limit",
        )
    if _DISK_FULL.search(text):
        return result(Stop.DISK_FULL, "stopped: the space it may write to is full")
    if signal_name is not None:
        return result(Stop.KILLED, f"stopped by {signal_name}")
    return result(Stop.FAILED, f"failed with exit code {exit_code}")
