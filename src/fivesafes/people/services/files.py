"""Files of safe people: agreement PDFs, breach evidence, the client's written guarantee (R3).

An upload is checked by `fivesafes.shared.uploads` (size limit, type by content, sanitised
name), accepting the kinds evidence comes in (PDF, text, scanned PNG and JPEG), and kept in the file store (fivesafes.files).
"""

from __future__ import annotations

import uuid
from typing import Any

from fivesafes import files
from fivesafes.shared.uploads import CheckedFile
from fivesafes.shared.uploads import check_upload as shared_check

ACCEPT = frozenset({"pdf", "txt", "png", "jpg"})


def check_upload(upload: Any, *, rule: str, field: str) -> CheckedFile:
    """Refuse an upload that is missing, empty, too large or not an accepted kind."""
    return shared_check(upload, rule=rule, field=field, accept=ACCEPT)


def store_checked(checked: CheckedFile, folder: str) -> str:
    """Store under a random name in `folder`; the sanitised name is only ever displayed."""
    return files.write(f"{folder}/{uuid.uuid4().hex}.{checked.extension}", checked.content)
