"""Keeps the demo's processes running together: the web server and the job worker.

A worker that dies is started again after a back-off that doubles up to a minute (and resets
once it has run for a while); when the server dies, or the supervisor gets SIGINT or SIGTERM,
everything stops: children get SIGTERM, then SIGKILL after a grace period. Children are asked
(by the kernel, PR_SET_PDEATHSIG) to stop if the supervisor itself is killed, so no orphans.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

PR_SET_PDEATHSIG = 1
FIRST_BACKOFF = 1.0
LONGEST_BACKOFF = 60.0
HEALTHY_AFTER = 30.0  # a child that ran this long starts its next back-off from the beginning
GRACE = 10.0


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    if sys.platform.startswith("linux"):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    """One supervised command; `essential` children stop everything when they end."""

    name: str
    argv: Sequence[str]
    essential: bool = False
    process: subprocess.Popen[bytes] | None = None
    started: float = 0.0
    backoff: float = FIRST_BACKOFF
    restarts: int = 0
    due: float = 0.0

    def start(self) -> None:
        self.process = subprocess.Popen(list(self.argv), preexec_fn=_die_with_parent)  # noqa: S603
        self.started = time.monotonic()


@dataclass
class Supervisor:
    children: list[Child]
    say: Callable[[str], None] = print
    poll: float = 0.5
    _stopping: bool = field(default=False, init=False)

    def _stop_signal(self, signum: int, _frame: object) -> None:
        self._stopping = True

    def run(self) -> int:
        """Run until an essential child ends or a stop signal comes; the essential child's exit
        status (0 after a stop signal)."""
        previous = {s: signal.signal(s, self._stop_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        status = 0
        try:
            for child in self.children:
                child.start()
            while not self._stopping:
                ended = self._tend()
                if ended is not None:
                    status = ended
                    break
                time.sleep(self.poll)
        finally:
            self.stop_all()
            for s, handler in previous.items():
                signal.signal(s, handler)
        return 0 if self._stopping else status

    def _tend(self) -> int | None:
        """Restart what is due; the exit status of an essential child that ended, else None."""
        now = time.monotonic()
        for child in self.children:
            process = child.process
            if process is None:
                if now >= child.due:
                    child.start()
                continue
            code = process.poll()
            if code is None:
                continue
            if child.essential:
                self.say(f"The {child.name} stopped (exit status {code}); stopping the rest.")
                return code
            if now - child.started >= HEALTHY_AFTER:
                child.backoff = FIRST_BACKOFF
            child.process = None
            child.restarts += 1
            child.due = now + child.backoff
            self.say(
                f"The {child.name} stopped (exit status {code}); starting it again in "
                f"{child.backoff:.0f} s."
            )
            child.backoff = min(child.backoff * 2, LONGEST_BACKOFF)
        return None

    def stop_all(self) -> None:
        running = [c.process for c in self.children if c.process and c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        for process in running:
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
