"""The language a person reads what the system writes to them by itself: e-mails, official
documents, the notes of a run or session no one was watching. Their choice on their account
(`User.language`), else the office's default; pages follow the request instead
(`web/language.py`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation


def spoken(code: str | None) -> str:
    """`code` if the service speaks that language, else the default (also for "" or None)."""
    codes = {code for code, _name in settings.LANGUAGES}
    return code if code and code in codes else settings.LANGUAGE_CODE


def language_of(person: Any) -> str:
    """The person's chosen language if the service speaks it, else the default (also when
    there is no person)."""
    return spoken(getattr(person, "language", "") or "")


def in_language_of(person: Any) -> translation.override:
    """The block in which words to `person` are written."""
    return translation.override(language_of(person))


def in_language(code: str | None) -> translation.override:
    """The block in which words are written in `code` (a stored document's language; "" for
    the default)."""
    return translation.override(spoken(code))
