"""The rulebook (R1–R26 in English and Danish) holds every rule the code refuses under, and a
refusal reads words first, the rule after them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import fivesafes
from fivesafes.policy import rulebook
from fivesafes.projects.rules.findings import Finding as ApplicationFinding
from fivesafes.projects.rules.findings import Severity
from fivesafes.shared.refusals import Finding, RuleViolation

SOURCE = Path(fivesafes.__file__).parent
EVERY_CODE = [f"R{number}" for number in range(1, 27)]


def codes_in_source() -> dict[str, str]:
    """Every text in src/ that is a rule's code alone ("R7"), as in `RuleViolation("R7", ...)`,
    `Finding(Severity.X, "R11", ...)` or `rule="R22"`, with a file that uses it."""
    found: dict[str, str] = {}
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and re.fullmatch(r"R[0-9]{1,2}", text):
                found.setdefault(text, str(path.relative_to(SOURCE)))
    return found


def test_the_rulebook_holds_r1_to_r26_in_english_and_danish() -> None:
    assert list(rulebook.codes()) == EVERY_CODE
    for language in rulebook.LANGUAGES:
        for rule in rulebook.rules(language):
            assert rule.title.strip() and len(rule.text) > 40, (language, rule.code)
            assert "\\" not in rule.text and "  " not in rule.text, (language, rule.code)
    english, danish = rulebook.rule("R24", "en-gb"), rulebook.rule("R24", "da")
    assert english.title == "Breaches have consequences" and "three years" in english.text
    assert danish.title == "Brud har konsekvenser" and "tre år" in danish.text
    assert rulebook.rule("R24", "fr").title == english.title  # another language reads English
    groups = rulebook.groups("da")
    assert [g.title for g in groups][0] == "Institutioner og personer"
    assert [r.code for g in groups for r in g.rules] == EVERY_CODE


def test_every_rule_code_the_source_uses_is_in_the_rulebook() -> None:
    used = codes_in_source()
    assert {"R1", "R8", "R11", "R20", "R24"} <= set(used)  # the search finds them
    unknown = {code: where for code, where in used.items() if not rulebook.known(code)}
    assert unknown == {}


def test_an_unknown_code_is_no_rule() -> None:
    with pytest.raises(KeyError):
        rulebook.rule("R27")
    assert rulebook.pieces("See R27, R2a and R7.") == [
        ("See R27, R2a and ", False),
        ("R7", True),
        (".", False),
    ]


def test_a_refusal_reads_words_first_then_the_rule() -> None:
    violation = RuleViolation("R8", "allowed_networks", "Not a CIDR range.")
    assert str(violation) == "Not a CIDR range (R8)."
    assert violation.finding.with_field() == "Not a CIDR range (R8, field: allowed_networks)."
    assert str(Finding("R1", "", "Ask the office")) == "Ask the office (R1)"
    finding = ApplicationFinding(Severity.BLOCKING, "R12", "dpia", "Add the DPIA.")
    assert str(finding) == "Add the DPIA (R12, blocking)."
