"""Enums whose members carry the words a person reads.

`Labelled` is a `StrEnum` whose members are written `NAME = "value", "Label"`: the value is
what is stored, `member.label` what a page shows, and `choices()` the pairs a model field or a
form offers. Plain Python, so the framework-free rule modules may use it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Labelled(StrEnum):
    """A `StrEnum` member with a `label`: declare members as `NAME = "value", "Label"`."""

    _value_: str
    label: str

    # `label` has a default only so that `Kind("value")`, the lookup of a stored value, types;
    # that lookup never reaches `__new__`, and a member declared without a label is refused.
    def __new__(cls, value: str, label: str = "") -> Self:
        if not label:
            raise TypeError(f"{cls.__name__} member {value!r} needs a label.")
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """`(value, label)` for every member, in declaration order."""
        return [(member.value, member.label) for member in cls]
