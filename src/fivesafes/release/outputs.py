"""The project's outputs area (the workspace writes there; only this room reads it).

A project's outputs live at `DATA_DIR/projects/<project number>/outputs`. A path in a release
request is relative to that folder; `resolve` refuses anything that would leave it (`..`,
absolute paths, links pointing out), a folder, and a file type the office does not release.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from fivesafes.shared import formats
from fivesafes.shared.refusals import RuleViolation

# What may be asked for release: tables, records, text, figures and reports.
ALLOWED_SUFFIXES = frozenset(
    {".csv", ".tsv", ".txt", ".xlsx", ".json", ".png", ".jpg", ".jpeg", ".svg", ".pdf", ".md"}
)
# The first bytes of programs: whatever the name says, these never leave.
PROGRAMS = (b"\x7fELF", b"MZ", b"#!", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")


def max_file_bytes() -> int:
    return int(getattr(settings, "FIVESAFES_RELEASE_MAX_FILE_BYTES", 20 * 1024 * 1024))


def outputs_dir(project: Any) -> Path:
    return Path(settings.DATA_DIR) / "projects" / project.number / "outputs"


def clean_path(path: str) -> str:
    """The path as a plain relative POSIX path, or a refusal naming the field `path`."""
    text = (path or "").strip().replace("\\", "/")
    pure = PurePosixPath(text)
    if not text or pure.is_absolute() or ".." in pure.parts or text.startswith("~"):
        raise RuleViolation(
            "R22", "path", _("Give the path of a file inside the project's outputs area.")
        )
    return str(pure)


def resolve(project: Any, path: str) -> Path:
    """The file of the outputs area that `path` names, checked (see the module docstring)."""
    relative = clean_path(path)
    base = outputs_dir(project).resolve()
    target = (base / relative).resolve()
    if base not in target.parents:
        raise RuleViolation(
            "R22", "path", _("'%(path)s' is not inside the outputs area.") % {"path": relative}
        )
    if not target.is_file():
        raise RuleViolation(
            "R22",
            "path",
            _("There is no file '%(path)s' in the outputs area.") % {"path": relative},
        )
    suffix = target.suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise RuleViolation(
            "R21",
            "path",
            (
                _("%(kind)s files are not released; allowed: %(allowed)s.")
                if suffix
                else _("Files without an extension files are not released; allowed: %(allowed)s.")
            )
            % {"kind": suffix, "allowed": ", ".join(sorted(ALLOWED_SUFFIXES))},
        )
    size = target.stat().st_size
    if size > max_file_bytes():
        raise RuleViolation(
            "R21",
            "path",
            _(
                "'%(path)s' is %(size)s MB, over the limit of %(limit)s MB for an output; an "
                "aggregated result is small, so this looks like microdata."
            )
            % {
                "path": relative,
                "size": formats.number(round(size / 1e6, 1), 1),
                "limit": formats.number(round(max_file_bytes() / 1e6, 1), 1),
            },
        )
    with target.open("rb") as handle:
        head = handle.read(8)
    if any(head.startswith(magic) for magic in PROGRAMS):
        raise RuleViolation(
            "R21", "path", _("'%(path)s' is a program; programs never leave.") % {"path": relative}
        )
    return target


def listing(project: Any, limit: int = 500) -> list[str]:
    """The files of the outputs area (relative paths), for the researcher to pick from."""
    base = outputs_dir(project)
    if not base.is_dir():
        return []
    found = []
    for path in sorted(base.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found.append(str(path.relative_to(base).as_posix()))
            if len(found) >= limit:
                break
    return found
