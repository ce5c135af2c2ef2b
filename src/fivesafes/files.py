"""Files the service keeps under `DATA_DIR/files`: uploads, generated agreements and contracts,
breach evidence, project archives.

`write()` puts a file under a temporary name and renames it into place, so nobody ever sees
half a file under its final name. Inside `kept_if_committed()`, the files a block wrote are
removed again when the block fails, so a refused or failed change leaves no file behind.
What a crash between writing and committing can still leave is found by `orphans()`: files
that no record refers to. Each app tells which names its records hold with
`register_references()`, and which folders keep every file as history with
`register_kept_folder()`.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from django.core.files.storage import default_storage

_written: ContextVar[list[Path] | None] = ContextVar("fivesafes_files_written", default=None)
_references: list[Callable[[], Iterable[str]]] = []
_kept_folders: set[str] = set()


def root() -> Path:
    """The folder every kept file lives under (the default storage's location)."""
    return Path(default_storage.location)


def path_of(name: str) -> Path:
    """The file of a storage name (a path relative to `root()`); refuses names leaving it."""
    base = root().resolve()
    path = (base / name).resolve()
    if path == base or base not in path.parents:
        raise ValueError(f"'{name}' is not a file name under the file store.")
    return path


def write(name: str, content: bytes) -> str:
    """Write `content` under the storage name `name` via a temporary file; returns `name`."""
    target = path_of(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    written = _written.get()
    if written is not None:
        written.append(target)
    return name


@contextmanager
def kept_if_committed() -> Iterator[None]:
    """Remove the files written inside the block if the block raises.

    Wrap the transaction that records the files, outside it: `with kept_if_committed(),
    transaction.atomic(): ...`. Nested blocks hand their files to the enclosing one on success.
    """
    outer = _written.get()
    mine: list[Path] = []
    token = _written.set(mine)
    try:
        yield
    except BaseException:
        for path in mine:
            path.unlink(missing_ok=True)
        raise
    finally:
        _written.reset(token)
    if outer is not None:
        outer.extend(mine)


def register_references(names: Callable[[], Iterable[str]]) -> None:
    """Add a source of storage names that records refer to (called from an app's ready())."""
    if names not in _references:
        _references.append(names)


def register_kept_folder(folder: str) -> None:
    """Files under `folder` are history (e.g. every version of an agreement): never orphans."""
    _kept_folders.add(folder.strip("/") + "/")


def referenced() -> set[str]:
    """Every storage name some record refers to."""
    found: set[str] = set()
    for source in _references:
        found.update(name for name in source() if name)
    return found


@dataclass(frozen=True)
class Orphan:
    name: str
    size: int
    age_hours: float


def orphans(min_age_hours: float = 0.0) -> list[Orphan]:
    """Files under the store that no record refers to, at least `min_age_hours` old.

    Temporary files of a write in progress (dot-names) count only once they are an hour old.
    """
    base = root()
    if not base.exists():
        return []
    known = referenced()
    now = time.time()
    found = []
    for path in sorted(base.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(base).as_posix()
        if name in known or any(name.startswith(folder) for folder in _kept_folders):
            continue
        stat = path.stat()
        age = (now - stat.st_mtime) / 3600
        if path.name.startswith(".") and age < 1:
            continue
        if age >= min_age_hours:
            found.append(Orphan(name=name, size=stat.st_size, age_hours=age))
    return found
