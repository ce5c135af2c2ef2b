"""Reading a page as a person sees it: its text without the markup, and its links to rules."""

from __future__ import annotations

import html
import re
from typing import Any


def shown(page: Any) -> str:
    """The page's text without tags, entities read, runs of white space as one space and none
    inside brackets or before punctuation (a tag's edge reads as a space)."""
    content = page if isinstance(page, str) else page.content.decode()
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())
    return re.sub(r"\s+([).,;:])", r"\1", re.sub(r"\(\s+", "(", text))


def rule_link(code: str) -> str:
    """The start of the link a refusal's rule code becomes (see `web.templatetags.rule_links`)."""
    return f'<a class="rule-link" href="/rules/#{code}"'
