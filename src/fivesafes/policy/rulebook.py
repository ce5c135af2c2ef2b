"""The rulebook: the text of the rules R1–R26 (`rulebook.toml`), a title and a plain
explanation of each in English and in Danish, and where a text names a rule.

Framework-free: the page /rules/ shows it and the `rule_links` filter links every rule a
refusal names to its text there.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).with_name("rulebook.toml")
LANGUAGES = ("en", "da")
DEFAULT_LANGUAGE = "en"
# A rule's code as a text names it: "R" and its number, a word of its own ("R7", not "R7a").
CODE = re.compile(r"\bR[0-9]{1,2}\b")


@dataclass(frozen=True)
class Rule:
    """One rule in one language: its code ("R7"), the group it belongs to, title and text."""

    code: str
    group: str
    title: str
    text: str


@dataclass(frozen=True)
class RuleGroup:
    """The rules of one part of the service (institutions and people, projects and data,
    settings and outputs), in one language."""

    key: str
    title: str
    rules: tuple[Rule, ...]


def language_of(code: str | None) -> str:
    """The rulebook's language for a language code ("da", "en-gb"): English unless Danish."""
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


@functools.cache
def _source() -> dict[str, Any]:
    with SOURCE.open("rb") as handle:
        return tomllib.load(handle)


def codes() -> tuple[str, ...]:
    """Every rule's code, in the rulebook's order (R1 first)."""
    return tuple(key for key in _source() if CODE.fullmatch(key))


def rule(code: str, language: str | None = None) -> Rule:
    """The rule `code` in `language`; KeyError for a code the rulebook does not hold."""
    entry = _source()[code] if CODE.fullmatch(code) else {}
    if not entry:
        raise KeyError(code)
    words = entry[language_of(language)]
    return Rule(code=code, group=entry["group"], title=words["title"], text=words["text"])


def rules(language: str | None = None) -> list[Rule]:
    """Every rule in `language`, R1 first."""
    return [rule(code, language) for code in codes()]


def groups(language: str | None = None) -> list[RuleGroup]:
    """The rules by group, in the rulebook's order of groups and of rules."""
    every = rules(language)
    chosen = language_of(language)
    return [
        RuleGroup(
            key=key,
            title=titles[chosen],
            rules=tuple(r for r in every if r.group == key),
        )
        for key, titles in _source()["groups"].items()
    ]


def known(code: str) -> bool:
    return code in codes()


def pieces(text: str) -> list[tuple[str, bool]]:
    """`text` cut where it names a rule of the rulebook: (piece, whether it is a rule's code),
    in order, so a page can link each code and show the rest as it is."""
    found: list[tuple[str, bool]] = []
    start = 0
    for match in CODE.finditer(text):
        if not known(match.group()):
            continue
        if match.start() > start:
            found.append((text[start : match.start()], False))
        found.append((match.group(), True))
        start = match.end()
    if start < len(text):
        found.append((text[start:], False))
    return found
