"""The `rule_links` filter: a refusal's text, escaped, with every rule it names (R1–R26) a
link to that rule's text on the page /rules/ (fivesafes.policy.rulebook).

Loaded in every template (settings TEMPLATES' builtins): `{{ message|rule_links }}`,
`{{ error|rule_links }}`, `{{ reason|rule_links }}`.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language

from fivesafes.policy import rulebook

register = template.Library()


def rule_link(code: str) -> SafeString:
    """A link to the rule `code` on /rules/, titled with the rule's title in the page's language."""
    title = rulebook.rule(code, get_language()).title
    return format_html(
        '<a class="rule-link" href="{}#{}" title="{}">{}</a>',
        reverse("web:rules"),
        code,
        title,
        code,
    )


@register.filter(name="rule_links", needs_autoescape=True)
def rule_links(value: Any, autoescape: bool = True) -> SafeString:
    """`value` escaped, each rule code in it a link; a text already made HTML is left as it is
    (it may hold links already)."""
    text = "" if value is None else str(value)
    if isinstance(text, SafeData):
        return mark_safe(text)  # noqa: S308 - made HTML already
    escape = conditional_escape if autoescape else str
    return mark_safe(  # noqa: S308 - every piece is escaped or a link built by format_html
        "".join(
            rule_link(piece) if code else escape(piece) for piece, code in rulebook.pieces(text)
        )
    )
