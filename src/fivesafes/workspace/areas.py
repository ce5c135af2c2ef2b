"""The member's areas of a project's workspace, reached on the host without ever following a
link (R20).

A member sees four areas: `data` (the project's delivered data, read-only; its names and sizes
only, never its bytes), `files` (shared by the project's members), `private` (theirs alone) and
`outputs` (what goes to output checking). A path inside an area is a plain relative POSIX path:
no `..`, no absolute path, no empty or hidden trick. Every folder on the way and the file itself
are opened relative to the area with `O_NOFOLLOW`, so a symbolic link a run planted (to
`/etc/shadow`, the key store, another project) is never followed, and anything that is not a
regular file or a folder is refused.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fivesafes.sandbox import ProjectAreas
from fivesafes.sandbox.spec import INSIDE_FILES, INSIDE_OUTPUTS, INSIDE_PRIVATE
from fivesafes.shared.formats import number
from fivesafes.shared.refusals import RuleViolation

AREAS = ("files", "private", "outputs", "data")
WRITABLE = ("files", "private", "outputs")
INSIDE = {"files": INSIDE_FILES, "private": INSIDE_PRIVATE, "outputs": INSIDE_OUTPUTS}
# The areas' names as written (English); `area_label` gives them in the reader's language.
AREA_WORDS = {
    "files": gettext_noop("Shared files"),
    "private": gettext_noop("My private area"),
    "outputs": gettext_noop("Outputs"),
    "data": gettext_noop("Delivered data"),
}
MAX_PATH = 300
MAX_LISTED = 1000
MAX_WALKED = 20_000


def area_label(area: str) -> str:
    """The name of an area in the reader's language (an unknown area: as given)."""
    return _(AREA_WORDS[area]) if area in AREA_WORDS else area


def member_folder_name(person: Any) -> str:
    """The name of a member's private folder: stable, never their e-mail or name."""
    return f"m{int(person.pk)}"


def areas_for(project: Any, person: Any) -> ProjectAreas:
    return ProjectAreas.under(Path(settings.DATA_DIR), project.number, member_folder_name(person))


def area_root(areas: ProjectAreas, area: str) -> Path:
    if area not in AREAS:
        raise RuleViolation(
            "R20", "area", _("'%(area)s' is not an area of the workspace.") % {"area": area}
        )
    root: Path = getattr(areas, area)
    return root


def clean(path: str, *, allow_root: bool = False) -> PurePosixPath:
    """`path` as a plain relative path inside an area, or a refusal naming the field `path`."""
    text = (path or "").strip().rstrip("/")
    if not text:
        if allow_root:
            return PurePosixPath(".")
        raise RuleViolation("R20", "path", _("Give the name of a file in the area."))
    pure = PurePosixPath(text)
    if (
        len(text) > MAX_PATH
        or "\\" in text
        or "\x00" in text
        or any(part in ("..", ".", "") for part in pure.parts)
        or text.startswith("/")
    ):
        raise RuleViolation(
            "R20", "path", _("A path stays inside its area: no '..', no absolute paths.")
        )
    return pure


@contextmanager
def _folder_fd(root: Path, parts: tuple[str, ...]) -> Iterator[int]:
    """A descriptor of the folder `root/parts...`, every step opened without following links."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(root, flags)
    except FileNotFoundError:
        raise RuleViolation("R20", "path", _("The area does not exist yet.")) from None
    try:
        for part in parts:
            try:
                step = os.open(part, flags, dir_fd=fd)
            except (FileNotFoundError, NotADirectoryError, OSError):
                raise RuleViolation(
                    "R20",
                    "path",
                    _("There is no folder '%(folder)s' here (links are not followed).")
                    % {"folder": part},
                ) from None
            os.close(fd)
            fd = step
        yield fd
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Entry:
    name: str
    path: str
    kind: str  # "folder", "file" or "link" (shown, never followed)
    bytes: int
    modified: float

    @property
    def modified_at(self) -> datetime:
        return datetime.fromtimestamp(self.modified, tz=UTC)


def listing(root: Path, folder: str = "") -> list[Entry]:
    """The entries of a folder of an area, folders first; links are listed, never followed."""
    relative = clean(folder, allow_root=True)
    parts = () if str(relative) == "." else relative.parts
    if not root.exists():
        return []
    entries = []
    with _folder_fd(root, parts) as fd, os.scandir(fd) as found:
        for item in found:
            st = item.stat(follow_symlinks=False)
            if stat.S_ISLNK(st.st_mode):
                kind = "link"
            elif stat.S_ISDIR(st.st_mode):
                kind = "folder"
            elif stat.S_ISREG(st.st_mode):
                kind = "file"
            else:
                continue
            path = item.name if not parts else "/".join((*parts, item.name))
            entries.append(Entry(item.name, path, kind, st.st_size, st.st_mtime))
            if len(entries) >= MAX_LISTED:
                break
    return sorted(entries, key=lambda e: (e.kind != "folder", e.name.lower()))


def _open_file(root: Path, relative: PurePosixPath, flags: int, mode: int = 0o644) -> int:
    with _folder_fd(root, relative.parts[:-1]) as folder:
        try:
            fd = os.open(relative.name, flags | os.O_NOFOLLOW | os.O_CLOEXEC, mode, dir_fd=folder)
        except FileNotFoundError:
            raise RuleViolation(
                "R20", "path", _("There is no file '%(path)s'.") % {"path": relative}
            ) from None
        except OSError:
            raise RuleViolation(
                "R20",
                "path",
                _("'%(path)s' is not a file of the area (links are not followed).")
                % {"path": relative},
            ) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise RuleViolation(
            "R20", "path", _("'%(path)s' is not a regular file.") % {"path": relative}
        )
    return fd


def file_size(root: Path, path: str) -> int:
    fd = _open_file(root, clean(path), os.O_RDONLY)
    try:
        return os.fstat(fd).st_size
    finally:
        os.close(fd)


def read_text(root: Path, path: str, max_bytes: int) -> str:
    """A text file of an area, if it is at most `max_bytes` and text; a refusal otherwise."""
    relative = clean(path)
    fd = _open_file(root, relative, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise RuleViolation(
                "R20",
                "path",
                _(
                    "'%(path)s' is %(size)s bytes; only text files up to %(most)s bytes are "
                    "shown here. Open it in a run or in JupyterLab."
                )
                % {"path": relative, "size": number(size), "most": number(max_bytes)},
            )
        content = handle.read(max_bytes + 1)
    if b"\x00" in content:
        raise RuleViolation("R20", "path", _("'%(path)s' is not a text file.") % {"path": relative})
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        raise RuleViolation(
            "R20", "path", _("'%(path)s' is not UTF-8 text.") % {"path": relative}
        ) from None


def write_bytes(root: Path, path: str, content: bytes, owner: tuple[int, int] | None) -> int:
    """Write a file of an area (making its folders), never through a link; its size."""
    relative = clean(path)
    root.mkdir(parents=True, exist_ok=True)
    folder_path = root
    for part in relative.parts[:-1]:
        folder_path = folder_path / part
        if folder_path.is_symlink():
            raise RuleViolation(
                "R20",
                "path",
                _("'%(folder)s' is a link; links are not followed.") % {"folder": part},
            )
        folder_path.mkdir(exist_ok=True)
        if owner is not None:
            os.chown(folder_path, *owner, follow_symlinks=False)
    fd = _open_file(root, relative, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        os.fchmod(handle.fileno(), 0o664)
        if owner is not None:
            os.fchown(handle.fileno(), *owner)
    return len(content)


def delete(root: Path, path: str) -> int:
    """Delete a file (or a link itself) of an area; the bytes it held."""
    relative = clean(path)
    with _folder_fd(root, relative.parts[:-1]) as folder:
        try:
            st = os.stat(relative.name, dir_fd=folder, follow_symlinks=False)
        except FileNotFoundError:
            raise RuleViolation(
                "R20", "path", _("There is no file '%(path)s'.") % {"path": relative}
            ) from None
        if stat.S_ISDIR(st.st_mode):
            raise RuleViolation(
                "R20", "path", _("'%(path)s' is a folder; delete its files.") % {"path": relative}
            )
        os.unlink(relative.name, dir_fd=folder)
        return st.st_size if stat.S_ISREG(st.st_mode) else 0


def walk(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """(relative path, lstat) of every regular file under `root`, never through a link."""
    if not root.is_dir() or root.is_symlink():
        return
    stack = [(root, "")]
    seen = 0
    while stack:
        folder, prefix = stack.pop()
        try:
            items = list(os.scandir(folder))
        except OSError:
            continue
        for item in items:
            seen += 1
            if seen > MAX_WALKED:
                return
            st = item.stat(follow_symlinks=False)
            path = f"{prefix}{item.name}"
            if stat.S_ISDIR(st.st_mode):
                stack.append((Path(item.path), f"{path}/"))
            elif stat.S_ISREG(st.st_mode):
                yield path, st


def usage(root: Path) -> tuple[int, int]:
    """(files, bytes) stored under an area."""
    files = total = 0
    for _path, st in walk(root):
        files += 1
        total += st.st_size
    return files, total


Snapshot = dict[tuple[str, str], tuple[int, int]]


def snapshot(areas: ProjectAreas) -> Snapshot:
    """Size and modification time of every file of the writable areas (for what a run wrote)."""
    found: Snapshot = {}
    for area in WRITABLE:
        for path, st in walk(area_root(areas, area)):
            found[(area, path)] = (st.st_size, st.st_mtime_ns)
    return found


def written(before: Snapshot, after: Snapshot, limit: int = 200) -> list[dict[str, Any]]:
    """The files new or changed between two snapshots: [{area, path, bytes}]."""
    changed = [
        {"area": area, "path": path, "bytes": size}
        for (area, path), (size, mtime) in sorted(after.items())
        if before.get((area, path)) != (size, mtime)
    ]
    return changed[:limit]


def inside_path(script: str) -> tuple[str, PurePosixPath]:
    """A script's path as the member sees it (`/project/files/x.py`): its area and the path in
    it; only the shared files and the private area hold scripts."""
    text = (script or "").strip()
    for area in ("files", "private"):
        prefix = INSIDE[area] + "/"
        if text.startswith(prefix):
            return area, clean(text[len(prefix) :])
    raise RuleViolation(
        "R20",
        "script",
        _(
            "A script is run from the shared files (/project/files/...) or your private area "
            "(/project/private/...)."
        ),
    )
