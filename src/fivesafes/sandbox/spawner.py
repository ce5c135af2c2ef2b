"""Starting sandboxed runs: the `Spawner` interface and the local bubblewrap implementation.

Like the spawners of UK DBT's data workspace (a process spawner beside a cluster spawner, chosen
by name), a spawner knows nothing of Django or the database and keeps no state beyond the
handles of the runs it started: the caller (the workspace room) records runs, their owners and
their results. A cluster spawner (Kubernetes with gVisor, or Slurm) implements the same
interface; docs/workspace/sandbox.md says what changes.

Nothing runs unsandboxed: every condition the sandbox depends on is checked before the start
(`preflight`), and any failure raises `SandboxError` with a sentence for the researcher.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from fivesafes.sandbox.bwrap import (
    ANALYSIS_PYTHON,
    BWRAP,
    LAUNCHER,
    REPORT_FD,
    RSCRIPT,
    SQL_RUNNER,
    AnalysisPython,
    Invocation,
    bwrap_invocation,
)
from fivesafes.sandbox.outcome import RunResult, Stop, describe
from fivesafes.sandbox.spec import SandboxError, SandboxSpec

STOP_GRACE = 3.0  # seconds the launcher has to stop a run and report before it is killed
MAX_LINE = 64 * 1024  # a longer line of output is cut
KEEP_LINES = 100_000  # output lines kept per run for late readers; older ones are dropped
KEEP_BYTES = 4 * 1024 * 1024  # and at most this much text: a run printing without end stays small
BATCH_KINDS = ("python", "r", "sql")
DEFAULT_SANDBOX_USER = (61000, 61000)


class RunHandle(Protocol):
    """One started run."""

    @property
    def pid(self) -> int: ...

    @property
    def spec(self) -> SandboxSpec: ...

    def lines(self) -> Iterator[str]:
        """The run's output (stdout and stderr), line by line, from the start, as it comes."""
        ...

    def wait(self, timeout: float | None = None) -> RunResult | None:
        """The result once the run has ended; None if `timeout` passed first."""
        ...

    def cancel(self, note: str = "") -> None:
        """Stop the whole run at once (every process in its sandbox)."""
        ...


class Spawner(Protocol):
    name: str

    def preflight(self, spec: SandboxSpec) -> None:
        """Raise SandboxError if `spec` cannot be run fully sandboxed here."""
        ...

    def start(self, spec: SandboxSpec) -> RunHandle: ...


def batch_command(kind: str, script: str, *, memory_bytes: int = 0) -> tuple[str, ...]:
    """The command (inside the sandbox) for a batch run of a script at `script` (an inside path)."""
    if not script.startswith("/project/") or "/../" in script or script.endswith("/.."):
        raise SandboxError(f"the script {script!r} is not in the project's folders")
    if kind == "python":
        return (ANALYSIS_PYTHON, "-s", "-u", script)
    if kind == "r":
        return (RSCRIPT, "--vanilla", script)
    if kind == "sql":
        return (ANALYSIS_PYTHON, "-s", "-u", SQL_RUNNER, script, str(memory_bytes))
    raise SandboxError(f"a batch run is a Python or R script or a SQL file, not {kind!r}")


class _Output:
    """Lines of output, kept for readers that come late, with a cap on lines and on bytes:
    the oldest lines go first (a reader that falls behind skips them), so a run or a
    JupyterLab session printing without end never grows this process's memory past the cap."""

    def __init__(self, keep_lines: int = KEEP_LINES, keep_bytes: int = KEEP_BYTES) -> None:
        self._lines: list[str] = []
        self._dropped = 0
        self._size = 0
        self._keep_lines = keep_lines
        self._keep_bytes = keep_bytes
        self._closed = False
        self._cond = threading.Condition()
        self.head: list[str] = []

    @property
    def dropped(self) -> int:
        """How many of the oldest lines are no longer kept."""
        return self._dropped

    def append(self, line: str) -> None:
        with self._cond:
            if len(self.head) < 3:
                self.head.append(line)
            self._lines.append(line)
            self._size += len(line) + 1
            if len(self._lines) > self._keep_lines or self._size > self._keep_bytes:
                # Over a cap: drop the oldest quarter at once (one shift of the list, not one
                # per line), keeping at least the newest line.
                lines_to, bytes_to = self._keep_lines * 3 // 4, self._keep_bytes * 3 // 4
                drop = 0
                while drop < len(self._lines) - 1 and (
                    len(self._lines) - drop > lines_to or self._size > bytes_to
                ):
                    self._size -= len(self._lines[drop]) + 1
                    drop += 1
                del self._lines[:drop]
                self._dropped += drop
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def tail(self, count: int) -> list[str]:
        with self._cond:
            return self._lines[-count:] if count > 0 else []

    def __iter__(self) -> Iterator[str]:
        index = 0
        while True:
            with self._cond:
                while index - self._dropped >= len(self._lines) and not self._closed:
                    self._cond.wait()
                index = max(index, self._dropped)
                if index - self._dropped >= len(self._lines):
                    return
                line = self._lines[index - self._dropped]
            index += 1
            yield line


class LocalRun:
    """A run under bubblewrap on this machine, supervised by two threads of this process."""

    def __init__(
        self,
        spec: SandboxSpec,
        invocation: Invocation,
        *,
        run_as: tuple[int, int] | None,
    ) -> None:
        self._spec = spec
        self._output = _Output()
        self._stopped_by: Stop | None = None
        self._cancel_note = ""
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._result: RunResult | None = None
        self._inner_pidfd: int | None = None

        self._report: dict[str, object] | None = None
        argv, keep = _with_pipes(invocation)
        info_read, info_write = os.pipe()
        report_read, report_write = os.pipe()
        argv = [argv[0], "--info-fd", str(info_write), *argv[1:]]
        slot = argv.index(LAUNCHER, argv.index("--")) + 1
        if argv[slot] != REPORT_FD:
            raise SandboxError("the launcher's command line is not as expected")
        argv[slot] = str(report_write)
        keep += [info_write, report_write]
        user: int | None = None if run_as is None else run_as[0]
        group: int | None = None if run_as is None else run_as[1]
        extra_groups: list[int] | None = None if run_as is None else []
        self._started = time.monotonic()
        try:
            self._process = subprocess.Popen(  # noqa: S603 - an argument list, no shell
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=invocation.env,
                pass_fds=keep,
                start_new_session=True,
                close_fds=True,
                umask=0o027,
                user=user,
                group=group,
                extra_groups=extra_groups,
            )
        except OSError as error:
            os.close(info_read)
            os.close(report_read)
            raise SandboxError(f"the sandbox could not be started: {error}") from error
        finally:
            for fd in keep:
                os.close(fd)
        self._pidfd = os.pidfd_open(self._process.pid)
        self._timer = threading.Timer(spec.limits.wall_seconds, self._stop, (Stop.WALL_CLOCK,))
        self._timer.daemon = True
        self._timer.start()
        threading.Thread(target=self._read_info, args=(info_read,), daemon=True).start()
        self._report_reader = threading.Thread(
            target=self._read_report, args=(report_read,), daemon=True
        )
        self._report_reader.start()
        self._reader = threading.Thread(target=self._read_output, daemon=True)
        self._reader.start()
        threading.Thread(target=self._wait, daemon=True).start()

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def spec(self) -> SandboxSpec:
        return self._spec

    def lines(self) -> Iterator[str]:
        return iter(self._output)

    def wait(self, timeout: float | None = None) -> RunResult | None:
        self._done.wait(timeout)
        return self._result

    def cancel(self, note: str = "") -> None:
        self._cancel_note = note
        self._stop(Stop.CANCELLED)

    # supervision

    def _read_info(self, fd: int) -> None:
        """bwrap reports the host pid of the sandbox's first process (its PID 1)."""
        import json

        with os.fdopen(fd, "rb") as info:
            data = info.read()
        try:
            child = int(json.loads(data)["child-pid"])
        except (ValueError, KeyError, TypeError):
            return
        with self._lock:
            if self._done.is_set():
                return
            with contextlib.suppress(OSError):
                self._inner_pidfd = os.pidfd_open(child)
            if self._stopped_by is not None:
                self._kill()

    def _read_report(self, fd: int) -> None:
        import json

        with os.fdopen(fd, "rb") as pipe:
            data = pipe.read(4096)
        with contextlib.suppress(ValueError, IndexError):
            report = json.loads(data.decode("utf-8", "replace").splitlines()[0])
            if isinstance(report, dict):
                self._report = report

    def _stop(self, why: Stop) -> None:
        """Ask the launcher (PID 1) to kill every process of the sandbox and report; kill the
        sandbox outright if it has not ended within STOP_GRACE seconds."""
        with self._lock:
            if self._done.is_set() or self._stopped_by is not None:
                return
            self._stopped_by = why
            if self._inner_pidfd is None:
                self._kill()
                return
            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(self._inner_pidfd, signal.SIGTERM)
        if not self._done.wait(STOP_GRACE):
            with self._lock:
                if not self._done.is_set():
                    self._kill()

    def _kill(self) -> None:
        """Kill the sandbox's PID 1, which takes every process of its PID namespace with it,
        and bwrap (whose death also kills the sandbox, --die-with-parent). pidfds make sure no
        recycled process id is hit."""
        for fd in (self._inner_pidfd, self._pidfd):
            if fd is not None:
                with contextlib.suppress(ProcessLookupError, OSError):
                    signal.pidfd_send_signal(fd, signal.SIGKILL)

    def _read_output(self) -> None:
        stream = self._process.stdout
        assert stream is not None
        with stream:
            while True:
                raw = stream.readline(MAX_LINE)
                if not raw:
                    break
                self._output.append(raw.decode("utf-8", "replace").rstrip("\r\n"))
        self._output.close()

    def _wait(self) -> None:
        _pid, status, usage = os.wait4(self._process.pid, 0)
        wall = time.monotonic() - self._started
        returncode = os.waitstatus_to_exitcode(status)
        with self._lock:
            self._process.returncode = returncode
            self._timer.cancel()
        self._reader.join(timeout=5)
        self._report_reader.join(timeout=5)
        result = describe(
            returncode=returncode,
            report=self._report,
            head=list(self._output.head),
            stopped_by_supervisor=self._stopped_by,
            cancel_note=self._cancel_note,
            tail=self._output.tail(40),
            limits=self._spec.limits,
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            max_rss_bytes=usage.ru_maxrss * 1024,
            wall_seconds=wall,
        )
        with self._lock:
            self._result = result
            self._done.set()
            for fd in (self._inner_pidfd, self._pidfd):
                if fd is not None:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self._inner_pidfd = None


def _with_pipes(invocation: Invocation) -> tuple[list[str], list[int]]:
    """Replace each "{fd:N}" placeholder by the read end of a pipe holding data file N."""
    fds: list[int] = []
    for content in invocation.data_files:
        data = content.encode("utf-8")
        if len(data) > 60_000:  # must fit in the pipe's buffer: written before bwrap reads
            raise SandboxError("a file copied into the sandbox is too large")
        read, write = os.pipe()
        os.write(write, data)
        os.close(write)
        fds.append(read)
    argv = list(invocation.argv)
    end = argv.index("--")  # never in the command itself
    for i, arg in enumerate(argv[:end]):
        if arg.startswith("{fd:") and arg.endswith("}"):
            argv[i] = str(fds[int(arg[4:-1])])
    return argv, fds


def _readable_by(path: Path, uid: int, gid: int, *, directory: bool) -> bool:
    """Whether `uid`/`gid` (no supplementary groups) may reach and read `path`."""

    def allowed(st: os.stat_result, bits: int) -> bool:
        if st.st_uid == uid:
            return bool(st.st_mode & (bits << 6))
        if st.st_gid == gid:
            return bool(st.st_mode & (bits << 3))
        return bool(st.st_mode & bits)

    path = Path(os.path.abspath(path))
    try:
        for parent in reversed(path.parents):
            if not allowed(os.stat(parent), 1):
                return False
        return allowed(os.stat(path), 5 if directory else 4)
    except OSError:
        return False


class LocalBubblewrapSpawner:
    """Runs each spec under bubblewrap on this machine.

    `run_as` is the unprivileged host (uid, gid) the sandbox runs as. It is required when the
    server runs as root: the kernel does not apply the process limit to root's processes (nor
    to a user namespace mapped to root), and the sandbox should not be root's anyway. When the
    server runs as its own unprivileged user, the sandbox runs as that user by default.
    """

    name = "local-bubblewrap"

    def __init__(
        self,
        python: AnalysisPython,
        *,
        bwrap: str = BWRAP,
        run_as: tuple[int, int] | None = None,
    ) -> None:
        self.python = python
        self.bwrap = bwrap
        self.run_as = run_as

    @classmethod
    def from_environment(cls) -> LocalBubblewrapSpawner:
        """Configured from the environment:

        FIVESAFES_BWRAP            bubblewrap (default /usr/bin/bwrap)
        FIVESAFES_SANDBOX_USER     "uid:gid" the sandbox runs as; when the server runs as root
                                   and this is unset, 61000:61000 (an unprivileged id that owns
                                   nothing else)
        FIVESAFES_ANALYSIS_VENV    the analysis environment (default: fivesafes' own venv)
        FIVESAFES_ANALYSIS_PYTHON  its interpreter (default: the venv's base interpreter, or
                                   /usr/bin/pythonX.Y when the sandbox user cannot read that)
        """
        run_as: tuple[int, int] | None = None
        user = os.environ.get("FIVESAFES_SANDBOX_USER", "")
        if user:
            uid_text, _, gid_text = user.partition(":")
            try:
                run_as = (int(uid_text), int(gid_text or uid_text))
            except ValueError:
                raise SandboxError(f"FIVESAFES_SANDBOX_USER={user!r} is not uid:gid") from None
        elif os.geteuid() == 0:
            run_as = DEFAULT_SANDBOX_USER
        venv = Path(os.environ.get("FIVESAFES_ANALYSIS_VENV") or sys.prefix)
        given = os.environ.get("FIVESAFES_ANALYSIS_PYTHON")
        python = AnalysisPython.from_venv(venv, Path(given) if given else None)
        uid, gid = run_as if run_as is not None else (os.getuid(), os.getgid())
        system = Path(f"/usr/bin/python{python.version}")
        if (
            not given
            and not _readable_by(python.interpreter, uid, gid, directory=False)
            and system.is_file()
        ):
            python = AnalysisPython.from_venv(venv, system)
        return cls(python, bwrap=os.environ.get("FIVESAFES_BWRAP") or BWRAP, run_as=run_as)

    def _user(self) -> tuple[int, int]:
        return self.run_as if self.run_as is not None else (os.getuid(), os.getgid())

    def preflight(self, spec: SandboxSpec) -> None:
        bwrap = Path(self.bwrap)
        if not (bwrap.is_file() and os.access(bwrap, os.X_OK)):
            raise SandboxError(
                f"not run: bubblewrap is not installed ({self.bwrap} is missing), and nothing "
                "runs outside the sandbox; an administrator installs the Debian package "
                "'bubblewrap'"
            )
        if self.run_as is None and os.geteuid() == 0:
            raise SandboxError(
                "not run: the server runs as root and no unprivileged user is configured for "
                "the sandbox, so the process limit cannot be applied"
            )
        if self.run_as is not None and 0 in self.run_as:
            raise SandboxError("not run: the sandbox may not run as root (user or group 0)")
        limits = spec.limits
        for name, kind, wanted in (
            ("CPU time", resource.RLIMIT_CPU, limits.cpu_seconds + 2),
            ("memory", resource.RLIMIT_AS, limits.memory_bytes),
            ("processes", resource.RLIMIT_NPROC, limits.processes),
            ("file size", resource.RLIMIT_FSIZE, limits.file_size_bytes),
        ):
            hard = resource.getrlimit(kind)[1]
            if hard != resource.RLIM_INFINITY and hard < wanted:
                raise SandboxError(
                    f"not run: the {name} limit of {wanted} cannot be applied (the server's own "
                    f"hard limit is {hard})"
                )
        uid, gid = self._user()
        areas = spec.areas
        if not areas.data.is_dir():
            raise SandboxError(f"not run: project {spec.project} has no data folder")
        for label, path in (
            ("data folder", areas.data),
            ("shared files", areas.files),
            ("private area", areas.private),
            ("outputs area", areas.outputs),
        ):
            if path.is_symlink() or Path(os.path.realpath(path)) != Path(os.path.abspath(path)):
                raise SandboxError(f"not run: the project's {label} is a symbolic link")
        if not _readable_by(areas.data, uid, gid, directory=True):
            raise SandboxError(
                f"not run: the project's data folder is not readable by the sandbox's user {uid}"
            )
        for path in (areas.files, areas.private, areas.outputs):
            self._prepare_writable(path, uid, gid)
        for mount in spec.mounts:
            if mount.host.is_symlink() or not _readable_by(mount.host, uid, gid, directory=True):
                raise SandboxError(
                    f"not run: the folder for {mount.inside} is missing, a symbolic link, or "
                    f"not readable by the sandbox's user {uid}"
                )
        python = self.python
        if not _readable_by(python.site_lib(), uid, gid, directory=True):
            raise SandboxError(
                f"not run: the analysis environment {python.venv} is not readable by the "
                f"sandbox's user {uid}"
            )
        if not _readable_by(python.interpreter, uid, gid, directory=False):
            raise SandboxError(
                f"not run: the analysis Python {python.interpreter} is not readable by the "
                f"sandbox's user {uid}; give another interpreter of Python {python.version}"
            )
        if spec.command[0] == RSCRIPT and not os.access(RSCRIPT, os.X_OK):
            raise SandboxError("not run: R is not installed on this server")

    @staticmethod
    def _prepare_writable(path: Path, uid: int, gid: int) -> None:
        """A work area exists, is a real folder, and belongs to the sandbox's user."""
        path.mkdir(parents=True, exist_ok=True, mode=0o770)
        st = os.lstat(path)
        if not stat.S_ISDIR(st.st_mode):
            raise SandboxError(f"not run: {path.name} is not a folder")
        if (st.st_uid, st.st_gid) != (uid, gid):
            if os.geteuid() != 0:
                raise SandboxError(f"not run: the work area {path.name} belongs to another user")
            os.chown(path, uid, gid)
        if not _readable_by(path, uid, gid, directory=True):
            raise SandboxError(f"not run: the sandbox's user cannot reach {path.name}")

    def start(self, spec: SandboxSpec) -> LocalRun:
        self.preflight(spec)
        here = Path(__file__).parent
        runner = None
        if SQL_RUNNER in spec.command:
            runner = (here / "run_sql.py").read_text(encoding="utf-8")
        invocation = bwrap_invocation(
            spec,
            self.python,
            bwrap=self.bwrap,
            launcher_source=(here / "launcher.py").read_text(encoding="utf-8"),
            sql_runner_source=runner,
        )
        return LocalRun(spec, invocation, run_as=self.run_as)


SPAWNERS: dict[str, type[LocalBubblewrapSpawner]] = {
    LocalBubblewrapSpawner.name: LocalBubblewrapSpawner,
}
