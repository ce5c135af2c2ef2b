"""The JupyterLab server processes this machine runs: start, find, measure and stop them.

Supervision (docs/workspace/lab.md): the web server process that starts a session is its
parent and supervises it (bubblewrap's `--die-with-parent`: nothing outlives that process).
The database holds the state; this module holds the handles of the sessions this process
started. Any process of the machine (another uvicorn worker, the job worker culling) can
still stop a session by its recorded pid: it checks first that the pid is really that
session's bubblewrap (its command line names the session's folder), so a recycled pid is
never hit. A session whose process is gone is found by `alive()` and ended by the services.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fivesafes.sandbox import LocalBubblewrapSpawner, RunHandle, SandboxSpec

_handles: dict[str, RunHandle] = {}
_lock = threading.Lock()
_spawner: LocalBubblewrapSpawner | None = None


def spawner() -> LocalBubblewrapSpawner:
    global _spawner
    if _spawner is None:
        _spawner = LocalBubblewrapSpawner.from_environment()
    return _spawner


def owner_ids() -> tuple[int, int]:
    """The host (uid, gid) the sandbox runs as, which owns the session's folders."""
    run_as = spawner().run_as
    return run_as if run_as is not None else (os.getuid(), os.getgid())


def machine() -> str:
    return socket.gethostname()[:100]


# Sessions are started from this one long-lived thread. bubblewrap's --die-with-parent is the
# kernel's "parent death signal", which fires when the *thread* that started it ends, and
# Django's ASGI handler runs each request's synchronous code on a thread of its own that ends
# with the request: started there, a session would be killed a moment later.
_starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lab-sessions")


def start(key: str, spec: SandboxSpec) -> RunHandle:
    handle = _starter.submit(spawner().start, spec).result()
    with _lock:
        _handles[key] = handle
    return handle


def handle_of(key: str) -> RunHandle | None:
    with _lock:
        return _handles.get(key)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def is_session_process(pid: int | None, folder: str) -> bool:
    """Whether `pid` is alive and is the bubblewrap of the session whose folder is `folder`."""
    return bool(pid) and folder in _cmdline(int(pid or 0))


def alive(key: str, pid: int | None, folder: str) -> bool:
    handle = handle_of(key)
    if handle is not None:
        return handle.wait(0) is None
    return is_session_process(pid, folder)


def stop(key: str, pid: int | None, folder: str, note: str) -> None:
    """Stop the session's whole sandbox now; wait a little for it to end."""
    with _lock:
        handle = _handles.pop(key, None)
    if handle is not None:
        handle.cancel(note)
        handle.wait(5)
        return
    if is_session_process(pid, folder):
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid or 0), signal.SIGKILL)  # its sandbox dies with it


def forget(key: str) -> None:
    with _lock:
        _handles.pop(key, None)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def usage(pid: int | None) -> tuple[float, int]:
    """CPU seconds used so far and resident memory now of a session's whole process tree."""
    if not pid:
        return 0.0, 0
    tick = os.sysconf("SC_CLK_TCK")
    page = os.sysconf("SC_PAGE_SIZE")
    tree = _children()
    cpu, rss = 0.0, 0
    todo = [int(pid)]
    while todo:
        current = todo.pop()
        todo.extend(tree.get(current, []))
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / tick
            rss += int(fields[21]) * page
    return cpu, rss
