"""The first process inside the sandbox (its PID 1): limits, the command, and a report.

Copied into the sandbox as /opt/fivesafes/launcher.py and run by the analysis interpreter with
`-I -S`; it imports nothing of fivesafes. Usage:

    launcher.py REPORT_FD CPU_SECONDS MEMORY_BYTES PROCESSES FILE_SIZE_BYTES -- COMMAND...

1. Sets the limits with setrlimit (CPU time soft and hard, address space, processes, file size,
   no core dumps) and reads them back; if one cannot be applied it runs nothing and exits 125.
2. Makes itself non-dumpable, so that the researcher's processes (same user) can neither
   trace it nor open its report pipe through /proc/1/fd.
3. Starts the command and reaps every process of the sandbox (PID 1 inherits orphans).
4. When the command ends, kills what it left running, reaps it, and writes one JSON line to
   REPORT_FD: how the command ended and the resources used by every process of the run.
   SIGTERM from the supervisor (wall-clock limit, cancel) does the same at once.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import sys

LIMITS_FAILED = 125


def _report(fd: int, payload: dict[str, object]) -> None:
    with contextlib.suppress(OSError):
        os.write(fd, (json.dumps(payload) + "\n").encode())


def _non_dumpable() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
    except Exception:  # noqa: BLE001, S110 - defence in depth only; the run goes on
        pass


def main(argv: list[str]) -> int:
    report_fd = int(argv[0])
    cpu, memory, processes, file_size = (int(v) for v in argv[1:5])
    if argv[5] != "--" or len(argv) < 7:
        print("fivesafes-sandbox: launcher: no command", file=sys.stderr)
        return LIMITS_FAILED
    command = argv[6:]
    os.set_inheritable(report_fd, False)
    wanted = (
        ("CPU time", resource.RLIMIT_CPU, cpu, cpu + 2),
        ("memory", resource.RLIMIT_AS, memory, memory),
        ("processes", resource.RLIMIT_NPROC, processes, processes),
        ("file size", resource.RLIMIT_FSIZE, file_size, file_size),
        ("core dumps", resource.RLIMIT_CORE, 0, 0),
    )
    for name, kind, soft, hard in wanted:
        try:
            resource.setrlimit(kind, (soft, hard))
            applied = resource.getrlimit(kind) == (soft, hard)
        except (OSError, ValueError) as error:
            applied, detail = False, str(error)
        else:
            detail = "not applied"
        if not applied:
            message = f"the {name} limit could not be applied: {detail}"
            print(f"fivesafes-sandbox: {message}", file=sys.stderr, flush=True)
            _report(report_fd, {"limits_failed": message})
            return LIMITS_FAILED
    _non_dumpable()

    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)  # every process of the sandbox but this one

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGUSR1, stop)
    child = os.fork()
    if child == 0:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGUSR1, signal.SIG_DFL)
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        try:
            os.execvp(command[0], command)  # noqa: S606 - the researcher's command, sandboxed
        except OSError as error:
            print(f"fivesafes-sandbox: cannot run {command[0]}: {error}", file=sys.stderr)
        os._exit(127)
    status: int | None = None
    while status is None:
        try:
            pid, waited = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        if pid == child:
            status = waited
    # What the command left running dies with it.
    with contextlib.suppress(ProcessLookupError):
        os.kill(-1, signal.SIGKILL)
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    payload: dict[str, object] = {
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "max_rss_bytes": usage.ru_maxrss * 1024,
        "stopped": stopping,
    }
    code = 1
    if status is not None and os.WIFEXITED(status):
        code = os.WEXITSTATUS(status)
        payload["exit_code"] = code
    elif status is not None and os.WIFSIGNALED(status):
        payload["signal"] = os.WTERMSIG(status)
        code = 128 + os.WTERMSIG(status)
    _report(report_fd, payload)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
