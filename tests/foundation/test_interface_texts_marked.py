"""Every text of the interface can be read in Danish (issue 16, item 8): no template shows words
outside `{% translate %}`, and no refusal, message, label or help text is a bare string in Python
(the framework-free cores excepted, tests/foundation/interface_texts.py says why)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.foundation.interface_texts import (
    SOURCE,
    python_modules,
    python_texts,
    template_texts,
    templates,
)


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(SOURCE)))
def test_template_shows_no_untranslated_words(path: Path) -> None:
    assert template_texts(path) == []


@pytest.mark.parametrize("path", python_modules(), ids=lambda p: str(p.relative_to(SOURCE)))
def test_python_says_nothing_untranslated(path: Path) -> None:
    assert python_texts(path) == []


def test_the_check_finds_bare_words(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<h1>{% translate "Projects" %}</h1><p title="Help">{{ n }} waiting</p>'
        "{% blocktranslate %}Kept {{ n }}{% endblocktranslate %}<script>let x = 'no';</script>"
    )
    assert template_texts(page) == ['title="Help"', "… waiting"]
    module = tmp_path / "module.py"
    module.write_text(
        "raise RuleViolation('R1', 'field', 'Bare text.')\n"
        "raise RuleViolation('R1', 'field', _('Marked text.'))\n"
        "messages.success(request, f'Saved {x}.')\n"
    )
    assert python_texts(module) == ["line 1: 'Bare text.'", "line 3: f'Saved {x}.'"]
