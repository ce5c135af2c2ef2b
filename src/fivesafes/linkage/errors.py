"""The one refusal of the linkage core: which field (the file, a column, a line) and why, in
words. Messages count identifiers; they never quote one."""

from __future__ import annotations


class ExternalDataError(ValueError):
    """An external file or a scrambling-key exchange is refused; `.field` names what
    ("file", "encoding", "line 12", "columns", "column:income", "serial", ...) and `.message`
    says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
