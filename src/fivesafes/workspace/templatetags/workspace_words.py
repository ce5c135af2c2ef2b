"""Template filters for the sandbox's words in the reader's language (`workspace.views.words`):
`{{ run|run_words }}` says how a run ended, `{{ run.stop|stop_name }}` the short name of how
it stopped, `{{ limits|limits_words }}` a set of limits."""

from __future__ import annotations

from typing import Any

from django import template

from fivesafes.sandbox import Limits
from fivesafes.workspace.views import words

register = template.Library()


@register.filter
def run_words(run: Any) -> str:
    return words.run_words(run)


@register.filter
def limits_words(limits: Limits) -> str:
    return words.limits_words(limits)


@register.filter
def stop_name(stop: str) -> str:
    return words.stop_name(stop)
