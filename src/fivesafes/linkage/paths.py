"""Where an external file is read from: a plain name inside the upload folder. Absolute names,
`..`, symbolic links (the file or any folder on the way), hard links and anything that is not a
regular file are refused before a byte is read."""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

from fivesafes.linkage.errors import ExternalDataError


def _parts(name: str) -> tuple[str, ...]:
    if not name or "\x00" in name:
        raise ExternalDataError("file", "The file name is empty or holds a NUL character.")
    windows = PureWindowsPath(name)
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or windows.is_absolute() or windows.drive or windows.root:
        raise ExternalDataError(
            "file", "The file name is an absolute path; give a name inside the upload folder."
        )
    if ".." in posix.parts:
        raise ExternalDataError(
            "file", "The file name holds '..'; give a name inside the upload folder."
        )
    parts = tuple(part for part in posix.parts if part != ".")
    if not parts:
        raise ExternalDataError("file", "The file name names no file.")
    return parts


def safe_source(root: Path, name: str | os.PathLike[str]) -> Path:
    """The path of `name` inside `root`, refused (`ExternalDataError`, field "file") when the
    name is absolute, holds `..`, passes through or is a symbolic link, has other hard links,
    does not exist or is not a regular file."""
    parts = _parts(os.fspath(name))
    try:
        base = Path(root).resolve(strict=True)
    except OSError as error:
        raise ExternalDataError("file", "The upload folder does not exist.") from error
    current = base
    for index, part in enumerate(parts):
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError as error:
            raise ExternalDataError("file", f"There is no file named '{part}'.") from error
        if stat.S_ISLNK(info.st_mode):
            raise ExternalDataError(
                "file", f"'{part}' is a symbolic link; links are not followed. Upload the file."
            )
        if index < len(parts) - 1 and not stat.S_ISDIR(info.st_mode):
            raise ExternalDataError("file", f"'{part}' is not a folder.")
    if not stat.S_ISREG(info.st_mode):
        raise ExternalDataError("file", "The name does not name a regular file.")
    if info.st_nlink != 1:
        raise ExternalDataError(
            "file", "The file has other names (hard links); only a plain uploaded file is read."
        )
    return current


def open_checked(path: Path) -> int:
    """A read-only descriptor of `path`, opened without following a link, checked to be the
    file `safe_source` looked at (same device and inode, still a regular file)."""
    before = os.lstat(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise ExternalDataError("file", "The file cannot be opened (a link, or gone).") from error
    after = os.fstat(fd)
    if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino) or not stat.S_ISREG(
        after.st_mode
    ):
        os.close(fd)
        raise ExternalDataError("file", "The file changed while it was being opened.")
    return fd


def descriptor_path(fd: int, path: Path) -> Path:
    """A path that names the open file itself (Linux's /proc/self/fd/N), for readers that take
    only a path: the file checked is the file read, even if the name is changed meanwhile.
    Elsewhere the checked path."""
    own = Path(f"/proc/self/fd/{fd}")
    return own if own.exists() else path


def delete_upload(root: Path, name: str | os.PathLike[str]) -> None:
    """Delete the raw upload `name` in `root` (after linking, R15) and check it is gone;
    refused like reading for unsafe names; a symbolic link is removed, not followed."""
    parts = _parts(os.fspath(name))
    path = Path(root).resolve(strict=True).joinpath(*parts)
    for parent in list(path.parents)[: len(parts) - 1]:
        if parent.is_symlink():
            raise ExternalDataError("file", f"'{parent.name}' is a symbolic link.")
    path.unlink(missing_ok=True)
    if path.exists() or path.is_symlink():
        raise ExternalDataError("file", f"The upload '{path.name}' is still there.")
