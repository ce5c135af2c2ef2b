"""What a call gives back: the result, its verdict in plain words, and where it was recorded.

`Output` prints as a short summary (the verdict first, then why, then the files), shows as
HTML in a notebook (`_repr_html_`), and unpacks like `fivesafes.sdc`'s `CheckedOutput`:
`table, verdict, findings = crosstab(...)`.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HEADLINES = {
    "pass": "Would pass: every rule is met, so it can be asked for release as it is.",
    "fail": "Would fail: it breaks a rule and would be returned as it is.",
    "review": "Needs review: an output checker decides, for the reasons below.",
}
NEXT_STEPS = {
    "pass": "Ask for its release in the release room.",
    "fail": (
        "Change it (merge small groups, drop the cell, use a coarser variable) and run it "
        "again, or give a reason: add_exception({name!r}, 'why this output is safe')."
    ),
    "review": "Add a comment for the checker if it helps: add_comments({name!r}, '...').",
}
MAX_REASONS = 6
COLOURS = {"pass": "#1b6e20", "fail": "#a11212", "review": "#8a5a00"}


@dataclass
class Output:
    """One recorded output: `name` (the files' stem), `status`, `reasons`, the `table` and
    the paths written (`paths["table"]`, `paths["record"]`, or `paths["file"]`)."""

    name: str
    method: str
    command: str
    record: dict[str, Any]
    paths: dict[str, Path]
    table: Any = None
    findings: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return str(self.record["verdict"]["status"])

    @property
    def verdict(self) -> str:
        return self.status

    @property
    def reasons(self) -> list[str]:
        return list(self.record["verdict"].get("reasons") or [])

    def __iter__(self) -> Iterator[Any]:
        return iter((self.table, self.status, self.findings))

    def summary(self) -> str:
        lines = [f"{self.name}: {HEADLINES.get(self.status, self.status)}"]
        reasons = self.reasons
        for reason in reasons[:MAX_REASONS]:
            lines.append(f"  - {reason}")
        if len(reasons) > MAX_REASONS:
            lines.append(f"  - ... and {len(reasons) - MAX_REASONS} more (see the record)")
        files = ", ".join(p.name for p in self.paths.values())
        folder = next(iter(self.paths.values())).parent if self.paths else ""
        lines.append(f"  Recorded as {files} in {folder}.")
        lines.append("  " + NEXT_STEPS.get(self.status, "").format(name=self.name))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        colour = COLOURS.get(self.status, "#333")
        reasons = "".join(f"<li>{html.escape(r)}</li>" for r in self.reasons[:MAX_REASONS])
        if len(self.reasons) > MAX_REASONS:
            reasons += f"<li>... and {len(self.reasons) - MAX_REASONS} more (see the record)</li>"
        files = ", ".join(html.escape(p.name) for p in self.paths.values())
        table = ""
        if self.table is not None and hasattr(self.table, "to_html"):
            table = self.table.to_html(max_rows=40, max_cols=20)
        step = html.escape(NEXT_STEPS.get(self.status, "").format(name=self.name))
        return (
            f'<div class="fivesafes-output" data-status="{html.escape(self.status)}">'
            f'<p style="color:{colour};font-weight:bold">{html.escape(self.name)}: '
            f"{html.escape(HEADLINES.get(self.status, self.status))}</p>"
            f"<ul>{reasons}</ul>{table}"
            f"<p>Recorded as {files}. {step}</p></div>"
        )
