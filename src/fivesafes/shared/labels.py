"""Enums whose members carry the words a person reads.

`Labelled` is a `StrEnum` whose members are written `NAME = "value", "Label"`: the value is
what is stored, `member.label` what a page shows, and `choices()` the pairs a model field or a
form offers. Plain Python, so the framework-free rule modules may use it.

Labels are written in English and marked `gettext_noop("Label")`, so `makemessages` puts them in
the catalogue; `label` translates when it is read, through the translator the web app installs
at start-up (`use_translator`, Django's `gettext`), so a page shows it in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Self


def gettext_noop(text: str) -> str:
    """Marks a label for the translators' catalogue (xgettext knows the name); translated when
    it is read, not here."""
    return text


_translator: list[Callable[[str], str]] = [lambda text: text]


def use_translator(translate: Callable[[str], str]) -> None:
    """Install the function `label` translates with (the web app's start-up installs gettext)."""
    _translator[0] = translate


def translated(text: str) -> str:
    """`text` in the active language, when a translator is installed; else as written."""
    return _translator[0](text)


class Labelled(StrEnum):
    """A `StrEnum` member with a `label`: declare members as `NAME = "value", "Label"`."""

    _value_: str
    written: str

    # `label` has a default only so that `Kind("value")`, the lookup of a stored value, types;
    # that lookup never reaches `__new__`, and a member declared without a label is refused.
    def __new__(cls, value: str, label: str = "") -> Self:
        if not label:
            raise TypeError(f"{cls.__name__} member {value!r} needs a label.")
        member = str.__new__(cls, value)
        member._value_ = value
        member.written = label
        return member

    @property
    def label(self) -> str:
        """The label in the active language (as written, in English, when none is installed)."""
        return translated(self.written)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """`(value, label)` for every member, in declaration order."""
        return [(member.value, member.label) for member in cls]
