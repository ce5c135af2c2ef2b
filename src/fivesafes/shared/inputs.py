"""The one base of every API request body (`In`): what the web forms refuse, the API refuses
too (issue 15, defect 7).

- The body is a JSON object (a list or a bare value is refused, naming the body).
- Text holds no NUL byte or other control character (tabs and line breaks are fine), as
  Django's form fields refuse NUL; no text is longer than `MAX_TEXT` characters, or the
  narrower limit a schema sets for a field in `limits`.
- Dates lie between `EARLIEST` and `LATEST`; a period (`starts_on`, `ends_on`) does not end
  before it starts.

Each refusal is a 422 naming the field and the reason (`fivesafes.shared.api.validation_error`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ValidationInfo, field_validator, model_validator

MAX_TEXT = 20_000
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class In(Schema):
    """Base of the API's request bodies; `limits` narrows the length of named text fields."""

    limits: ClassVar[dict[str, int]] = {}

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        data = getattr(data, "_obj", data)  # django-ninja wraps what it was given
        if data is None or isinstance(data, list | tuple | str | int | float | bool):
            if isinstance(data, list | tuple):
                refusal = _("The body must be a JSON object with named fields; this is a list.")
            else:
                refusal = _(
                    "The body must be a JSON object with named fields; this is not an object."
                )
            raise ValueError(refusal)
        return data

    @field_validator("*", mode="after")
    @classmethod
    def _plain_values(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        if isinstance(value, str):
            if CONTROL.search(value):
                raise ValueError(_("Text may not hold NUL bytes or other control characters."))
            limit = cls.limits.get(name, MAX_TEXT)
            if len(value) > limit:
                raise ValueError(
                    _("At most %(limit)s characters; this text has %(length)s.")
                    % {"limit": f"{limit:,}", "length": f"{len(value):,}"}
                )
        elif isinstance(value, date) and not EARLIEST <= value <= LATEST:
            raise ValueError(
                _("A date between %(earliest)s and %(latest)s, please.")
                % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}
            )
        return value

    @model_validator(mode="after")
    def _a_period_ends_after_it_starts(self) -> In:
        starts, ends = getattr(self, "starts_on", None), getattr(self, "ends_on", None)
        if isinstance(starts, date) and isinstance(ends, date) and ends < starts:
            raise ValueError(
                _("ends_on: the period ends (%(ends)s) before it starts (%(starts)s).")
                % {"ends": ends.isoformat(), "starts": starts.isoformat()}
            )
        return self


class TextIn(In):
    """A body of one text: a question, an answer, a note, a reason."""

    text: str
