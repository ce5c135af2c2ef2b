"""Irreversible actions ask twice (issue #16 item 6): the first button opens what will happen and
who is affected; only the second submits."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError


def render(source: str, **context: object) -> str:
    return Template("{% load confirm %}" + source).render(Context(context))


def test_the_confirmation_names_what_happens_and_submits_only_from_inside() -> None:
    html = render(
        '<form>{% confirm yes="Yes, accept the quote" style="danger" %}Accept for {{ who }}'
        "{% consequences %}<p>{{ who }} pays.</p>{% endconfirm %}</form>",
        who="Aarhus <University>",
    )
    assert html.startswith('<form><details class="confirm danger"><summary>Accept for ')
    assert "Aarhus &lt;University&gt;" in html and "<University>" not in html
    assert 'aria-label="Confirm: Accept for Aarhus &lt;University&gt;"' in html
    summary_end = html.index("</summary>")
    assert "<button" not in html[:summary_end]  # the first click submits nothing
    assert '<button type="submit" class="danger">Yes, accept the quote</button>' in html


def test_only_yes_and_style_are_accepted() -> None:
    with pytest.raises(TemplateSyntaxError):
        render('{% confirm no="x" %}a{% consequences %}b{% endconfirm %}')
