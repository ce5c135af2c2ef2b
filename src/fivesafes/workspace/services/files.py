"""Writing the member's text files of the workspace: save, upload, delete, each audited (R20).

Only the writable areas (shared files, the member's private area, outputs) are written; the
data folder never is. Every path is checked and reached without following links
(`workspace.areas`). An upload is small code or text, read in bounded steps and checked by its
content; data come in only through a delivery (R15), so data files are refused. Files written
when the server runs as root are given to the sandbox's user, so a run can change them.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from fivesafes.audit.services import record
from fivesafes.policy import workspaces as policy
from fivesafes.shared.formats import number
from fivesafes.shared.refusals import RuleViolation
from fivesafes.shared.uploads import executable_kind
from fivesafes.workspace import areas

UPLOAD_SUFFIXES = frozenset({".py", ".r", ".sql", ".txt", ".md", ".json", ".yaml", ".yml"})
MAX_UPLOAD_BYTES = 1_000_000
CHUNK = 64 * 1024


def max_text_bytes() -> int:
    return int(getattr(settings, "FIVESAFES_WORKSPACE_MAX_TEXT_BYTES", 512_000))


def _writable_root(project: Any, person: Any, area: str) -> Any:
    if area not in areas.WRITABLE:
        raise RuleViolation(
            "R20", "area", _("The data folder is read-only: write to files, private or outputs.")
        )
    return areas.area_root(areas.areas_for(project, person), area)


def sandbox_owner() -> tuple[int, int] | None:
    """The (uid, gid) files are given to when the server runs as root, else None."""
    if os.geteuid() != 0:
        return None
    from fivesafes.sandbox import LocalBubblewrapSpawner, SandboxError

    try:
        return LocalBubblewrapSpawner.from_environment().run_as
    except SandboxError:
        return None


def _text(content: bytes, field: str) -> str:
    if b"\x00" in content or executable_kind(content):
        raise RuleViolation("R20", field, _("Only text files (code, notes) are written here."))
    if content.lstrip()[:5] == b"%PDF-":  # a document (it may carry scripts), however named
        raise RuleViolation(
            "R20",
            field,
            _("The file is a PDF document; only text files (code, notes) are written here."),
        )
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        raise RuleViolation("R20", field, _("The file is not UTF-8 text.")) from None


def save_text(
    *, actor: Any, project: Any, area: str, path: str, text: str, request: Any = None
) -> int:
    """Create or replace a text file of a writable area; its size in bytes."""
    policy.check_enter_workspace(actor, project, request)
    root = _writable_root(project, actor, area)
    relative = str(areas.clean(path))
    content = (text or "").replace("\r\n", "\n").encode("utf-8")
    if len(content) > max_text_bytes():
        raise RuleViolation(
            "R20",
            "text",
            _("A text file saved here is at most %(most)s bytes.")
            % {"most": number(max_text_bytes())},
        )
    _text(content, "text")
    with transaction.atomic():
        size = areas.write_bytes(root, relative, content, sandbox_owner())
        record(
            action="workspace.file_saved",
            actor=actor,
            obj=project,
            data={"area": area, "path": relative, "bytes": size},
            request=request,
        )
    return size


def read_upload(upload: Any) -> bytes:
    """The upload's bytes, read in bounded steps: never more than the limit plus one chunk."""
    chunks, total = [], 0
    for chunk in upload.chunks(CHUNK):
        total += len(chunk)
        if total > MAX_UPLOAD_BYTES:
            raise RuleViolation(
                "R20",
                "upload",
                _("An upload is at most %(most)s bytes of code or text.")
                % {"most": number(MAX_UPLOAD_BYTES)},
            )
        chunks.append(chunk)
    return b"".join(chunks)


def upload(
    *, actor: Any, project: Any, area: str, folder: str, upload: Any, request: Any = None
) -> str:
    """Put a small code or text file into a writable area; its path there."""
    policy.check_enter_workspace(actor, project, request)
    root = _writable_root(project, actor, area)
    name = os.path.basename(str(getattr(upload, "name", "") or "")).strip()
    suffix = os.path.splitext(name)[1].lower()
    if not name or suffix not in UPLOAD_SUFFIXES:
        raise RuleViolation(
            "R15",
            "upload",
            _(
                "Upload code or text (%(suffixes)s); data come into the project only through "
                "a delivery."
            )
            % {"suffixes": ", ".join(sorted(UPLOAD_SUFFIXES))},
        )
    content = read_upload(upload)
    _text(content, "upload")
    base = areas.clean(folder, allow_root=True)
    relative = name if str(base) == "." else f"{base}/{name}"
    areas.clean(relative)
    with transaction.atomic():
        size = areas.write_bytes(root, relative, content, sandbox_owner())
        record(
            action="workspace.file_uploaded",
            actor=actor,
            obj=project,
            data={"area": area, "path": relative, "bytes": size},
            request=request,
        )
    return relative


def delete(*, actor: Any, project: Any, area: str, path: str, request: Any = None) -> int:
    """Delete a file of a writable area (a link is removed, never followed)."""
    policy.check_enter_workspace(actor, project, request)
    root = _writable_root(project, actor, area)
    relative = str(areas.clean(path))
    with transaction.atomic():
        size = areas.delete(root, relative)
        record(
            action="workspace.file_deleted",
            actor=actor,
            obj=project,
            data={"area": area, "path": relative, "bytes": size},
            request=request,
        )
    return size
