"""The bubblewrap argument list for a `SandboxSpec`, and the launcher that sets the limits inside.

Everything the sandboxed process can see is named here; whatever is not mounted does not exist
for it. docs/workspace/sandbox.md explains each option. The argument list is built as data
(`Invocation`) so that it can be read, logged and tested without running anything.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from fivesafes.sandbox.spec import (
    INSIDE_DATA,
    INSIDE_FILES,
    INSIDE_OUTPUTS,
    INSIDE_PRIVATE,
    SandboxError,
    SandboxSpec,
)

BWRAP = "/usr/bin/bwrap"
RSCRIPT = "/usr/bin/Rscript"

# Inside the sandbox
ANALYSIS = "/opt/analysis"  # the analysis Python environment (a venv's packages), read-only
ANALYSIS_PYTHON = f"{ANALYSIS}/bin/python"
RUNNERS = "/opt/fivesafes"  # small runner scripts (the SQL runner), read-only
SQL_RUNNER = f"{RUNNERS}/run_sql.py"
# fivesafes' researcher-facing library: only these parts of the package, read-only, on
# PYTHONPATH (never the settings, the rooms, or anything that reads DATA_DIR or a secret)
LIBRARY = f"{RUNNERS}/lib"
PACKAGE = Path(__file__).resolve().parent.parent  # src/fivesafes on this host
LIBRARY_PARTS = ("__init__.py", "sdc", "analysis")
LAUNCHER = f"{RUNNERS}/launcher.py"
REPORT_FD = "{report_fd}"  # replaced by the number of the report pipe when the run starts
SANDBOX_UID = 1000  # the researcher's user id inside (mapped to the unprivileged host user)
SANDBOX_GID = 1000
HOSTNAME = "research-sandbox"

# Read-only pieces of the host's /etc a program needs: the dynamic linker's cache, the
# alternatives symlinks (BLAS for R and numpy), the time zone, fonts, R's own configuration.
# Nothing else of /etc: no passwd or shadow (a minimal passwd/group is written instead), no
# hosts or resolver of the host, no SSL keys, no fivesafes configuration.
ETC_READ_ONLY = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/alternatives",
    "/etc/localtime",
    "/etc/timezone",
    "/etc/fonts",
    "/etc/R",
)
# The merged-/usr top-level names: a symlink into /usr on Debian, mounted read-only otherwise.
TOP_LEVEL = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")


@dataclass(frozen=True)
class AnalysisPython:
    """Which Python runs researchers' code: a venv's packages and an interpreter of its version.

    The venv's `lib/` is mounted read-only at /opt/analysis/lib and /opt/analysis/bin/python is a
    symlink to `interpreter`, which must be visible inside the sandbox at its own path: under
    /usr, or below `interpreter_prefix`, which is then mounted read-only too. A fresh
    pyvenv.cfg points the venv at that interpreter. For now this is the project's own .venv;
    a separate, curated analysis environment is a later step.
    """

    venv: Path
    interpreter: Path
    interpreter_prefix: Path | None = None

    @classmethod
    def from_venv(cls, venv: Path, interpreter: Path | None = None) -> AnalysisPython:
        """The venv's own base interpreter (from its pyvenv.cfg), unless `interpreter` is given."""
        venv = Path(venv)
        config = venv / "pyvenv.cfg"
        if not config.is_file():
            raise SandboxError(f"{venv} is not a Python virtual environment (no pyvenv.cfg)")
        values = dict(
            (key.strip(), value.strip())
            for key, _, value in (
                line.partition("=") for line in config.read_text().splitlines() if "=" in line
            )
        )
        version = values.get("version_info") or values.get("version") or ""
        match = re.match(r"(\d+)\.(\d+)", version)
        if not match:
            raise SandboxError(f"{config} does not say which Python version the venv is for")
        if interpreter is None:
            home = Path(values.get("home", ""))
            interpreter = home / f"python{match.group(1)}.{match.group(2)}"
        interpreter = Path(interpreter)
        prefix = None if str(interpreter).startswith("/usr/") else interpreter.parent.parent
        return cls(venv=venv, interpreter=interpreter, interpreter_prefix=prefix)

    @property
    def version(self) -> str:
        match = re.search(r"python(\d+\.\d+)$", self.interpreter.name)
        if not match:
            raise SandboxError(f"cannot tell the Python version of {self.interpreter}")
        return match.group(1)

    def site_lib(self) -> Path:
        return self.venv / "lib"

    def pyvenv_cfg(self) -> str:
        return (
            f"home = {self.interpreter.parent}\n"
            "include-system-site-packages = false\n"
            f"version = {self.version}\n"
        )


@dataclass
class Invocation:
    """The command line to start, and the small files bwrap copies in from pipes."""

    argv: list[str]
    env: dict[str, str]
    # Contents of small files: the placeholder "{fd:N}" in argv (before "--") is replaced by
    # the read end of a pipe holding data_files[N] when the run starts.
    data_files: list[str] = field(default_factory=list)


def sandbox_environment(spec: SandboxSpec) -> dict[str, str]:
    """The whole environment inside: nothing of the server's is passed on."""
    return {
        "PATH": f"{ANALYSIS}/bin:/usr/local/bin:/usr/bin:/bin",
        "HOME": INSIDE_PRIVATE,
        "USER": "researcher",
        "LOGNAME": "researcher",
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp",
        "TERM": "dumb",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "FIVESAFES_PROJECT": spec.project,
        "FIVESAFES_DATA": INSIDE_DATA,
        "FIVESAFES_OUTPUTS": INSIDE_OUTPUTS,
        "PYTHONPATH": LIBRARY,
        **dict(spec.environment),
    }


# What bwrap itself runs with: /proc/1/environ inside the sandbox is bwrap's own environment,
# so bwrap must be started with nothing of the server's either (--clearenv alone is not enough).
BWRAP_ENVIRONMENT = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def limits_launcher(spec: SandboxSpec, python: AnalysisPython, report_fd: str) -> list[str]:
    """The launcher (launcher.py, the sandbox's PID 1) that applies the limits inside the
    sandbox, runs the command, and reports how it ended and what it used on `report_fd`."""
    limits = spec.limits
    return [
        str(python.interpreter),
        "-I",
        "-S",
        LAUNCHER,
        report_fd,
        str(limits.cpu_seconds),
        str(limits.memory_bytes),
        str(limits.processes),
        str(limits.file_size_bytes),
        "--",
    ]


def _data_file(invocation: Invocation, content: str) -> str:
    invocation.data_files.append(content)
    return f"{{fd:{len(invocation.data_files) - 1}}}"


def bwrap_invocation(
    spec: SandboxSpec,
    python: AnalysisPython,
    *,
    bwrap: str = BWRAP,
    launcher_source: str,
    sql_runner_source: str | None = None,
) -> Invocation:
    """The bwrap argument list for `spec` (see docs/workspace/sandbox.md for each option)."""
    invocation = Invocation(argv=[bwrap], env=dict(BWRAP_ENVIRONMENT))
    args = invocation.argv
    limits = spec.limits
    args += [
        # Namespaces: a new user, mount, PID, IPC, UTS, cgroup and network namespace. The new
        # network namespace has only a loopback device that is down: no network at all.
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",  # no further user namespaces inside (kernel attack surface)
        "--uid",
        str(SANDBOX_UID),
        "--gid",
        str(SANDBOX_GID),
        "--hostname",
        HOSTNAME,
        "--as-pid-1",  # the launcher is PID 1: it reaps everything, so its report is complete
        "--die-with-parent",  # the sandbox is killed if the supervisor dies
        "--new-session",  # no access to a controlling terminal (TIOCSTI)
        "--cap-drop",
        "ALL",
        "--clearenv",
    ]
    for name, value in sandbox_environment(spec).items():
        args += ["--setenv", name, value]

    # The read-only system
    args += ["--ro-bind", "/usr", "/usr"]
    for name in TOP_LEVEL:
        host = Path("/") / name
        if host.is_symlink():
            args += ["--symlink", os.readlink(host), f"/{name}"]
        elif host.is_dir():
            args += ["--ro-bind", str(host), f"/{name}"]
    for path in ETC_READ_ONLY:
        args += ["--ro-bind-try", path, path]
    args += ["--perms", "0444", "--ro-bind-data", _data_file(invocation, _PASSWD), "/etc/passwd"]
    args += ["--perms", "0444", "--ro-bind-data", _data_file(invocation, _GROUP), "/etc/group"]
    args += ["--perms", "0444", "--ro-bind-data", _data_file(invocation, _HOSTS), "/etc/hosts"]

    # Fresh kernel file systems and temporary areas, private to this run
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--size", str(limits.tmp_bytes), "--tmpfs", "/tmp"]
    args += ["--size", str(min(limits.tmp_bytes, limits.memory_bytes)), "--tmpfs", "/dev/shm"]

    # The analysis environment, read-only
    args += ["--ro-bind", str(python.site_lib()), f"{ANALYSIS}/lib"]
    args += ["--symlink", "lib", f"{ANALYSIS}/lib64"]
    cfg = python.pyvenv_cfg()
    args += [
        "--perms",
        "0444",
        "--ro-bind-data",
        _data_file(invocation, cfg),
        f"{ANALYSIS}/pyvenv.cfg",
    ]
    if python.interpreter_prefix is not None:
        prefix = str(python.interpreter_prefix)
        args += ["--ro-bind", prefix, prefix]
    for name in ("python", "python3", f"python{python.version}"):
        args += ["--symlink", str(python.interpreter), f"{ANALYSIS}/bin/{name}"]
    launcher = _data_file(invocation, launcher_source)
    args += ["--perms", "0444", "--ro-bind-data", launcher, LAUNCHER]
    for part in LIBRARY_PARTS:
        args += ["--ro-bind", str(PACKAGE / part), f"{LIBRARY}/fivesafes/{part}"]
    if sql_runner_source is not None:
        runner = _data_file(invocation, sql_runner_source)
        args += ["--perms", "0444", "--ro-bind-data", runner, SQL_RUNNER]

    # The project: its data read-only, its work areas writable; nothing of any other project
    areas = spec.areas
    args += ["--ro-bind", str(areas.data), INSIDE_DATA]
    args += ["--bind", str(areas.files), INSIDE_FILES]
    args += ["--bind", str(areas.private), INSIDE_PRIVATE]
    args += ["--bind", str(areas.outputs), INSIDE_OUTPUTS]
    # A session's own folders (its socket folder, its read-only configuration)
    for mount in spec.mounts:
        args += ["--bind" if mount.writable else "--ro-bind", str(mount.host), mount.inside]
    # The root (bwrap's own tmpfs, holding the mount points) becomes read-only last.
    args += ["--remount-ro", "/"]
    args += ["--chdir", spec.workdir]

    args += ["--", *limits_launcher(spec, python, REPORT_FD), *spec.command]
    return invocation


_PASSWD = (
    "root:x:0:0:root:/nonexistent:/usr/sbin/nologin\n"
    f"researcher:x:{SANDBOX_UID}:{SANDBOX_GID}:researcher:{INSIDE_PRIVATE}:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
)
_GROUP = f"root:x:0:\nresearcher:x:{SANDBOX_GID}:\nnogroup:x:65534:\n"
_HOSTS = f"127.0.0.1 localhost {HOSTNAME}\n::1 localhost\n"
