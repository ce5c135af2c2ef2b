"""Finds interface texts not marked for translation: in templates, the words a person reads
(text between tags and the `title`, `alt`, `placeholder`, `aria-label` and button `value`
attributes) outside `{% translate %}`/`{% blocktranslate %}`; in Python, refusal reasons,
messages, form labels and help texts written as bare strings instead of through `gettext`.

Used by tests/foundation/test_interface_texts_marked.py; `python -m tests.foundation.interface_texts
[PATH ...]` prints what is left, one line per text.
"""

from __future__ import annotations

import ast
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

import fivesafes

SOURCE = Path(fivesafes.__file__).parent

# Names and codes that read the same in Danish and English.
SAME_IN_EVERY_LANGUAGE = {
    "fivesafes",
    "JupyterLab",
    "Jupyter",
    "API",
    "OpenAPI",
    "CSV",
    "JSON",
    "HTML",
    "PDF",
    "SQL",
    "Python",
    "R",
    "Stata",
    "SPSS",
    "SAS",
    "Parquet",
    "SHA-256",
    "TOTP",
    "ID",
    "OK",
    "htmx",
    "DuckDB",
    "Spark",
    "CPR",
    "CVR",
    "DPIA",
    "GDPR",
    "Dansk",
    "English",
    "e-mail",
    "kB",
    "MB",
    "GB",
    "MiB",
    "CPU",
    "ms",
    "s",
    "px",
    "ORCID",
    "URL",
    "DKK",
    "EUR",
    "v",
    "x",
}

# Packages with no Django import (framework-free cores, docs/architecture.md): they cannot use
# Django's translations, so their texts are English by design.
CORES = {
    "sdc",
    "metadata",
    "synthetic",
    "extraction",
    "pseudonymisation",
    "linkage",
    "sandbox",
    "analysis",
    "bench",
    "migrations",
    "management",
}
# Modules of start-up and configuration: nothing in them is said to a person on a page.
START_UP = {"asgi.py", "wsgi.py", "settings.py", "config.py", "cli.py", "__main__.py"}

READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
HOLE = "\x00"
WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def _skeleton(source: str) -> str:
    """The template's text with every variable and translated text replaced by a hole and every
    other tag and comment removed, so only untranslated words are left as words."""
    parts: list[str] = []
    depth = {"blocktranslate": 0, "comment": 0, "verbatim": 0}
    for token in Lexer(source).tokenize():
        words = token.contents.split()
        name = words[0] if words else ""
        if token.token_type == TokenType.BLOCK:
            if name in ("blocktranslate", "blocktrans"):
                depth["blocktranslate"] += 1
                parts.append(HOLE)
            elif name in ("endblocktranslate", "endblocktrans"):
                depth["blocktranslate"] -= 1
            elif name == "comment":
                depth["comment"] += 1
            elif name == "endcomment":
                depth["comment"] -= 1
            elif name in ("translate", "trans"):
                parts.append(HOLE)
            continue
        if depth["blocktranslate"] or depth["comment"]:
            continue
        if token.token_type == TokenType.VAR:
            parts.append(HOLE)
        elif token.token_type == TokenType.TEXT:
            parts.append(token.contents)
    return "".join(parts)


def _untranslated(text: str) -> bool:
    words = WORD.findall(text.replace(HOLE, " "))
    return any(w.strip(".-'’") not in SAME_IN_EVERY_LANGUAGE for w in words if w.strip(".-'’"))


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        values = dict(attrs)
        for name, value in attrs:
            shown = name in READ_ATTRIBUTES or (
                name == "value" and values.get("type") in ("submit", "button", "reset")
            )
            if shown and value and _untranslated(value):
                self.found.append(f'{name}="{value.replace(HOLE, "…")}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden and _untranslated(data):
            self.found.append(" ".join(data.replace(HOLE, "…").split()))


def template_texts(path: Path) -> list[str]:
    """The texts of one template a person reads that are not marked for translation."""
    reader = _Reader()
    reader.feed(_skeleton(path.read_text()))
    reader.close()
    return reader.found


# Calls whose text argument a person reads: refusals, page messages, form labels and help.
SAID_BY_CALLS = {"RuleViolation": 2, "Finding": 2, "AccessDenied": 0, "unseen": -1}
MESSAGE_CALLS = {"success", "error", "info", "warning"}
SAID_BY_KEYWORDS = {"label", "help_text", "success", "reason", "message"}


def _bare(node: ast.expr | None) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(node.value.strip())
    )


def python_texts(path: Path) -> list[str]:
    """Texts a person reads written in Python as bare strings, not through gettext."""
    tree = ast.parse(path.read_text())
    found: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        said: list[ast.expr | None] = []
        position = SAID_BY_CALLS.get(name)
        if position is not None and position >= 0 and len(node.args) > position:
            said.append(node.args[position])
        if (
            name in MESSAGE_CALLS
            and isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "messages"
            and len(node.args) > 1
        ):
            said.append(node.args[1])
        said += [k.value for k in node.keywords if k.arg in SAID_BY_KEYWORDS]
        for text in said:
            if _bare(text):
                found.append(f"line {node.lineno}: {ast.unparse(text)[:90]}")
    return found


def templates(root: Path = SOURCE) -> list[Path]:
    return sorted(p for p in root.rglob("*.html") if "/locale/" not in str(p))


def python_modules(root: Path = SOURCE) -> list[Path]:
    return sorted(
        p
        for p in root.rglob("*.py")
        if not CORES.intersection(p.relative_to(root).parts) and p.name not in START_UP
    )


def main(paths: list[str]) -> int:
    roots = [Path(p).resolve() for p in paths] or [SOURCE]
    left = 0
    for root in roots:
        for path in templates(root) if root.is_dir() else [root]:
            if path.suffix == ".html":
                for text in template_texts(path):
                    left += 1
                    print(f"{path.relative_to(SOURCE)}: {text}")
        for path in python_modules(root) if root.is_dir() else [root]:
            if path.suffix == ".py":
                for text in python_texts(path):
                    left += 1
                    print(f"{path.relative_to(SOURCE)}: {text}")
    print(f"{left} texts not marked for translation", file=sys.stderr)
    return 1 if left else 0


if __name__ == "__main__":
    import django

    django.setup()
    sys.exit(main(sys.argv[1:]))
