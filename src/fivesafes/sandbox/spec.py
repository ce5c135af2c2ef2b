"""What one sandboxed run is: a project's folders, its limits and the command.

A `SandboxSpec` names host folders and says where each appears inside the sandbox. Inside, the
paths are always the same, whatever the project:

    /project/data      the project's delivered data, read-only (DATA_DIR/projects/<n>/data/)
    /project/files     the project's shared files (code, notes), writable
    /project/private   the member's own area, writable; also $HOME
    /project/outputs   outputs for checking, writable
    /tmp               a fresh, size-limited temporary area that disappears with the run

Nothing else of the host's folders is visible except the read-only system and the analysis
environment (see `bwrap.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

INSIDE_DATA = "/project/data"
INSIDE_FILES = "/project/files"
INSIDE_PRIVATE = "/project/private"
INSIDE_OUTPUTS = "/project/outputs"

_PROJECT_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_MEMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

KB = 1000
MB = 1000 * KB
GB = 1000 * MB


class SandboxError(Exception):
    """A run was refused: it cannot be run sandboxed as asked, so it is not run at all."""


def words_for_bytes(amount: int) -> str:
    """`2000000000` -> "2 GB"; decimal units, as staff set them."""
    for unit, size in (("GB", GB), ("MB", MB), ("kB", KB)):
        if amount >= size:
            value = amount / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{amount} bytes"


def words_for_seconds(seconds: int | float) -> str:
    seconds = int(seconds)
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


@dataclass(frozen=True)
class Limits:
    """Per-run limits, set per project by staff. Every one is always applied.

    `processes` counts processes and threads (Linux counts both against RLIMIT_NPROC);
    `memory_bytes` is the address space of each process (RLIMIT_AS); `cpu_seconds` the CPU time
    of each process (RLIMIT_CPU); `file_size_bytes` the largest file a run may write
    (RLIMIT_FSIZE); `tmp_bytes` the size of its /tmp; `wall_seconds` is enforced from outside.
    """

    cpu_seconds: int = 3600
    memory_bytes: int = 8 * GB
    processes: int = 256
    file_size_bytes: int = 2 * GB
    wall_seconds: int = 4 * 3600
    tmp_bytes: int = 1 * GB

    def __post_init__(self) -> None:
        for name in (
            "cpu_seconds",
            "memory_bytes",
            "processes",
            "file_size_bytes",
            "wall_seconds",
            "tmp_bytes",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise SandboxError(
                    f"the limit {name} must be a positive whole number, not {value!r}"
                )

    def words(self) -> str:
        return (
            f"CPU {words_for_seconds(self.cpu_seconds)}, memory {words_for_bytes(self.memory_bytes)}, "
            f"{self.processes} processes, files up to {words_for_bytes(self.file_size_bytes)}, "
            f"wall-clock {words_for_seconds(self.wall_seconds)}"
        )


@dataclass(frozen=True)
class ProjectAreas:
    """The host folders of one member's view of one project's workspace."""

    project: str
    data: Path
    files: Path
    private: Path
    outputs: Path

    @classmethod
    def under(cls, data_root: Path, project: str, member: str) -> ProjectAreas:
        """The conventional layout under the fivesafes data folder.

        DATA_DIR/projects/<number>/data/       delivered data (the delivery room's contract)
        DATA_DIR/projects/<number>/files/      shared files
        DATA_DIR/projects/<number>/private/<member>/
        DATA_DIR/projects/<number>/outputs/
        """
        check_project_number(project)
        if not _MEMBER.match(member) or member in (".", ".."):
            raise SandboxError(f"{member!r} is not a usable member name for a private area")
        base = Path(data_root) / "projects" / project
        return cls(
            project=project,
            data=base / "data",
            files=base / "files",
            private=base / "private" / member,
            outputs=base / "outputs",
        )


def check_project_number(project: str) -> str:
    if not _PROJECT_NUMBER.match(project):
        raise SandboxError(f"{project!r} is not a project number")
    return project


# Where extra mounts may appear inside (a JupyterLab session's socket folder and its
# read-only configuration); never over the project's folders or the system.
_EXTRA_MOUNT = re.compile(r"^/(run|opt/session)/[a-z][a-z0-9_-]{0,30}$")
_EXTRA_ENV = re.compile(r"^JUPYTER(LAB)?_[A-Z_]{1,40}$")


@dataclass(frozen=True)
class Mount:
    """One more host folder in the sandbox (a session's socket folder, its configuration)."""

    host: Path
    inside: str
    writable: bool = False

    def __post_init__(self) -> None:
        if not _EXTRA_MOUNT.match(self.inside):
            raise SandboxError(f"{self.inside!r} is not a place for an extra folder")


@dataclass(frozen=True)
class SandboxSpec:
    """One run: whose areas, which limits, which command (argv as seen inside the sandbox).

    `mounts` and `environment` are for long-lived sessions (JupyterLab, `sandbox.lab`): extra
    folders under /run or /opt/session, and JUPYTER_* variables; batch runs have neither.
    """

    areas: ProjectAreas
    command: tuple[str, ...]
    limits: Limits = field(default_factory=Limits)
    workdir: str = INSIDE_FILES
    mounts: tuple[Mount, ...] = ()
    environment: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        check_project_number(self.areas.project)
        if not self.command:
            raise SandboxError("a run needs a command")
        if not self.workdir.startswith("/project/"):
            raise SandboxError(f"the working folder {self.workdir!r} is not inside /project/")
        for name, _value in self.environment:
            if not _EXTRA_ENV.match(name):
                raise SandboxError(f"{name!r} may not be set in the sandbox")

    @property
    def project(self) -> str:
        return self.areas.project
