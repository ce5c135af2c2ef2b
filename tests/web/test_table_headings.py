"""Every column of every table in the templates has a heading a screen reader can say (axe's
empty-table-header): a column of buttons is named for what they do, if only for screen readers."""

from __future__ import annotations

import re
from pathlib import Path

import fivesafes

EMPTY_HEADING = re.compile(r"<th(\s[^>]*)?>\s*</th>")


def test_no_table_column_is_without_a_heading() -> None:
    root = Path(fivesafes.__file__).parent
    templates = [p for p in root.rglob("*.html") if "templates" in p.parts]
    assert len(templates) > 80
    empty = [
        f"{path.relative_to(root)}:{text[: m.start()].count(chr(10)) + 1}"
        for path in templates
        for text in [path.read_text(encoding="utf-8")]
        for m in EMPTY_HEADING.finditer(text)
    ]
    assert empty == []
