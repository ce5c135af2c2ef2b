"""The project's outputs area as the analysis library writes to it: where it is, safe names,
and atomic writes that never replace a file silently.

Inside the sandbox the outputs area is `/project/outputs`, named by the environment variable
`FIVESAFES_OUTPUTS`; tests and scripts outside give another folder. Every file is written
under a temporary name in the same folder and then linked to its final name, so a reader (the
release room, a checker) never sees half a file, and an existing file is never overwritten: a
name already taken gets `_2`, `_3`, ... instead.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

ENVIRONMENT_VARIABLE = "FIVESAFES_OUTPUTS"
INSIDE_SANDBOX = "/project/outputs"
MAX_NAME = 80


class OutputsAreaError(Exception):
    """The outputs area cannot be used; the message says why in words."""


def outputs_area(folder: str | os.PathLike[str] | None = None) -> Path:
    """The folder outputs are written to: `folder`, else $FIVESAFES_OUTPUTS, else
    /project/outputs. It must exist: the sandbox mounts it, and making one elsewhere would
    put outputs where no one looks for them."""
    chosen = folder or os.environ.get(ENVIRONMENT_VARIABLE) or INSIDE_SANDBOX
    path = Path(chosen)
    if not path.is_dir():
        raise OutputsAreaError(
            f"no outputs area at {path}: inside the sandbox it is {INSIDE_SANDBOX}; elsewhere "
            f"set {ENVIRONMENT_VARIABLE} or give outputs= to the Session"
        )
    return path


def safe_name(text: str, fallback: str = "output") -> str:
    """A file stem of letters, digits, '-', '_' and '.', never hidden, never a path."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", str(text)).strip("._-")
    name = re.sub(r"_+", "_", name)[:MAX_NAME].rstrip("._-")
    return name or fallback


def free_stem(folder: Path, stem: str, suffixes: tuple[str, ...]) -> str:
    """`stem`, or `stem_2`, `stem_3`, ...: the first for which no `stem + suffix` exists."""
    candidate, n = stem, 1
    while any((folder / f"{candidate}{s}").exists() for s in suffixes):
        n += 1
        candidate = f"{stem}_{n}"
    return candidate


def _temporary(folder: Path, data: bytes) -> Path:
    """Write `data` to a new hidden file of `folder`, flushed to disk."""
    tmp = folder / f".writing-{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _publish(tmp: Path, target: Path) -> None:
    """Give the finished temporary file its name; FileExistsError when the name is taken."""
    try:
        os.link(tmp, target)  # fails when target exists: never replaces
    except FileExistsError:
        raise
    except OSError:
        # file systems without hard links: check, then rename (a small race, same folder)
        if target.exists():
            raise FileExistsError(str(target)) from None
        os.rename(tmp, target)
        return
    tmp.unlink()


def write_new(folder: Path, stem: str, files: Mapping[str, bytes]) -> dict[str, Path]:
    """Write files sharing one stem (e.g. {".csv": ..., ".json": ...}) under the first free
    stem, each atomically and none over an existing file. Returns suffix -> path."""
    suffixes = tuple(files)
    for _attempt in range(100):
        chosen = free_stem(folder, stem, suffixes)
        temps = {s: _temporary(folder, data) for s, data in files.items()}
        written: dict[str, Path] = {}
        try:
            for suffix, tmp in temps.items():
                target = folder / f"{chosen}{suffix}"
                _publish(tmp, target)
                written[suffix] = target
            return written
        except FileExistsError:
            for path in written.values():  # another writer took the name meanwhile: retry
                path.unlink(missing_ok=True)
        except BaseException:
            for path in written.values():  # never half a pair: a table without its record
                path.unlink(missing_ok=True)
            raise
        finally:
            for tmp in temps.values():
                tmp.unlink(missing_ok=True)
    raise OutputsAreaError(f"could not find a free name for {stem} in {folder}")


def replace_own(path: Path, data: bytes) -> None:
    """Atomically replace a file this library wrote (a record gaining a comment)."""
    tmp = _temporary(path.parent, data)
    try:
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
