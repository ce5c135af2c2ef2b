"""The demo's supervisor: a dead worker is started again with back-off; the server's end, a
stop signal or the supervisor's own death stops everything (no orphans)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from fivesafes.web.supervisor import Child, Supervisor

PY = sys.executable


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers; it is gone for our purpose when /proc says so
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "zombie" not in status.read_text()


def test_a_dead_worker_is_started_again_and_the_servers_end_stops_everything() -> None:
    said: list[str] = []
    worker = Child("job worker", [PY, "-c", "import sys; sys.exit(3)"], backoff=0.1)
    server = Child("web server", [PY, "-c", "import time; time.sleep(2.5)"], essential=True)
    status = Supervisor([server, worker], say=said.append, poll=0.05).run()
    assert status == 0
    assert worker.restarts >= 2
    assert any("job worker stopped (exit status 3); starting it again" in s for s in said)
    assert said[-1] == "The web server stopped (exit status 0); stopping the rest."
    assert worker.process is None or worker.process.poll() is not None


def _start_supervisor(tmp_path: Path) -> tuple[subprocess.Popen[str], int]:
    pid_file = tmp_path / "child.pid"
    script = textwrap.dedent(
        f"""
        from fivesafes.web.supervisor import Child, Supervisor
        child = Child("web server", [{PY!r}, "-c",
            "import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(600)"],
            essential=True)
        raise SystemExit(Supervisor([child], poll=0.05).run())
        """
    )
    supervisor = subprocess.Popen([PY, "-c", script], text=True)
    deadline = time.monotonic() + 30
    while not (pid_file.exists() and pid_file.read_text()):
        assert time.monotonic() < deadline, "the child never started"
        time.sleep(0.05)
    return supervisor, int(pid_file.read_text())


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_sigterm_stops_the_children_and_exits_cleanly(tmp_path: Path) -> None:
    supervisor, child = _start_supervisor(tmp_path)
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=20) == 0
    assert _gone_within(child, 5)


def test_children_do_not_outlive_a_killed_supervisor(tmp_path: Path) -> None:
    supervisor, child = _start_supervisor(tmp_path)
    supervisor.kill()
    supervisor.wait(timeout=10)
    assert _gone_within(child, 5), "the child was left running as an orphan"
