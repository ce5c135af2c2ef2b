"""The sandbox's words, as the workspace shows them, in the reader's language.

The sandbox is a framework-free core: it describes limits (`Limits.words`) and how a run ended
(`RunResult.words`, kept on the run) in English only. The workspace says the same again from
the figures the run keeps (its `stop`, exit code, signal and limits), translated; in English it
reads exactly as the sandbox wrote it. Words the sandbox wrote about something the figures do
not hold (a run not started, a cancel with its note), and words fivesafes itself wrote on the
run (already in its member's language), are shown as kept.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fivesafes.sandbox import GB, MB, Limits, SandboxError, Stop
from fivesafes.sandbox.spec import KB
from fivesafes.shared.formats import number

# The sandbox's short names of how a run stopped (`Stop`), as the staff overview shows them.
STOP_NAMES = {
    Stop.FINISHED: gettext_noop("finished"),
    Stop.FAILED: gettext_noop("failed"),
    Stop.CPU_LIMIT: gettext_noop("cpu_limit"),
    Stop.MEMORY_LIMIT: gettext_noop("memory_limit"),
    Stop.PROCESS_LIMIT: gettext_noop("process_limit"),
    Stop.FILE_SIZE_LIMIT: gettext_noop("file_size_limit"),
    Stop.DISK_FULL: gettext_noop("disk_full"),
    Stop.WALL_CLOCK: gettext_noop("wall_clock"),
    Stop.CANCELLED: gettext_noop("cancelled"),
    Stop.KILLED: gettext_noop("killed"),
    Stop.NOT_STARTED: gettext_noop("not_started"),
}


def stop_name(stop: str) -> str:
    """The short name of how a run stopped, in the reader's language ("" while it runs)."""
    return _(STOP_NAMES[Stop(stop)]) if stop in {s.value for s in Stop} else stop


def amount(size: int) -> str:
    """`2000000000` as "2 GB", `1500000` as "1.5 MB" (Danish "1,5 MB"): decimal units, as
    staff set them (`sandbox.spec.words_for_bytes`)."""
    for unit, step in (("GB", GB), ("MB", MB), ("kB", KB)):
        if size >= step:
            value = size / step
            shown = str(int(value)) if value == int(value) else number(value, 1)
            return f"{shown} {unit}"
    return _("%(size)s bytes") % {"size": size}


def duration(seconds: int | float) -> str:
    """Whole hours, whole minutes or seconds (`sandbox.spec.words_for_seconds`)."""
    seconds = int(seconds)
    if seconds >= 3600 and seconds % 3600 == 0:
        return _("%(hours)s h") % {"hours": seconds // 3600}
    if seconds >= 60 and seconds % 60 == 0:
        return _("%(minutes)s min") % {"minutes": seconds // 60}
    return _("%(seconds)s s") % {"seconds": seconds}


def limits_words(limits: Limits) -> str:
    """A run's or a project's limits in one line."""
    return _(
        "CPU %(cpu)s, memory %(memory)s, %(processes)s processes, files up to %(file_size)s, "
        "wall-clock %(wall)s"
    ) % {
        "cpu": duration(limits.cpu_seconds),
        "memory": amount(limits.memory_bytes),
        "processes": limits.processes,
        "file_size": amount(limits.file_size_bytes),
        "wall": duration(limits.wall_seconds),
    }


def _limits_of(run: Any) -> Limits | None:
    try:
        return Limits(**run.limits) if run.limits else Limits()
    except (SandboxError, TypeError):
        return None


def run_words(run: Any) -> str:
    """How the run ended, in the reader's language (see the module docstring)."""
    stop, kept = run.stop, run.words
    limits = _limits_of(run)
    if stop == Stop.FINISHED and kept == "finished":
        return _("finished")
    if stop == Stop.FAILED and run.exit_code is not None:
        return _("failed with exit code %(code)s") % {"code": run.exit_code}
    if stop == Stop.KILLED and run.signal:
        return _("stopped by %(signal)s") % {"signal": run.signal}
    if stop == Stop.DISK_FULL:
        return _("stopped: the space it may write to is full")
    if limits is None:
        return str(kept)
    if stop == Stop.WALL_CLOCK:
        return _("stopped after its %(wall)s wall-clock limit") % {
            "wall": duration(limits.wall_seconds)
        }
    if stop == Stop.CPU_LIMIT:
        return _("stopped: it used more than its %(cpu)s CPU-time limit") % {
            "cpu": duration(limits.cpu_seconds)
        }
    if stop == Stop.MEMORY_LIMIT:
        return _("stopped: it used more than its %(memory)s memory limit") % {
            "memory": amount(limits.memory_bytes)
        }
    if stop == Stop.PROCESS_LIMIT:
        return _("stopped: it tried to run more than its %(processes)s processes and threads") % {
            "processes": limits.processes
        }
    if stop == Stop.FILE_SIZE_LIMIT:
        return _(
            "stopped: it tried to write a file larger than its %(file_size)s file-size limit"
        ) % {"file_size": amount(limits.file_size_bytes)}
    return str(kept)
