"""The language a person reads what the system writes to them by itself: e-mails, official
documents, the notes of a run or session no one was watching. Their choice on their account
(`User.language`), else the office's default; pages follow the request instead
(`web/language.py`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation


def language_of(person: Any) -> str:
    """The person's chosen language if the service speaks it, else the default (also when
    there is no person)."""
    chosen = getattr(person, "language", "") or ""
    codes = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in codes else settings.LANGUAGE_CODE


def in_language_of(person: Any) -> translation.override:
    """The block in which words to `person` are written."""
    return translation.override(language_of(person))
