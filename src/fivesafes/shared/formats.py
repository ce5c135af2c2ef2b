"""One way to show numbers, money, dates and times: on pages, in documents and in e-mails.

Each function formats for the active language (Django's translation machinery: English by
default, Danish when the person chose it) and shows a time in the office's time zone
(settings.TIME_ZONE), to the minute, never with microseconds. English keeps the office's ISO
dates (2026-12-05, 2026-12-05 14:30) and groups thousands with a comma (12,500.00); Danish
writes 5.12.2026, 5.12.2026 14.30 and 12.500,00. Templates use the same functions as filters
(`web/templatetags/formats.py`, loaded in every template): `|number`, `|money`, `|day`, `|when`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import dateformat, timezone
from django.utils import formats as django_formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Date and time patterns (Django's date format characters) per language; others use English's.
_DAY = {"da": "j.n.Y"}
_TIME = {"da": "H.i"}
_DAY_DEFAULT = "Y-m-d"
_TIME_DEFAULT = "H:i"


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def number(value: Any, decimals: int | None = None) -> str:
    """12500 as "12,500" (English) or "12.500" (Danish); `decimals` fixes the places."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except ArithmeticError:
            return value
    return django_formats.number_format(
        value, decimal_pos=decimals, use_l10n=True, force_grouping=True
    )


def money(amount: Any, currency: str = "DKK") -> str:
    """An amount with two decimals and its currency: "DKK 12,500.00", "12.500,00 kr."."""
    if amount is None or amount == "":
        return ""
    shown = number(Decimal(str(amount)), 2)
    if currency == "DKK":
        # Translators: an amount of Danish kroner; %(amount)s is the number, already formatted.
        return _("DKK %(amount)s") % {"amount": shown}
    return f"{currency} {shown}"


def _parsed(value: Any) -> Any:
    """A date or moment kept as ISO text (in JSON, say) as a date or datetime; else unchanged."""
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    return value


def day(value: date | datetime | str | None) -> str:
    """A date, or the office's date of a moment: "2026-12-05" or "5.12.2026"."""
    value = _parsed(value)
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        value = _local(value)
    return dateformat.format(value, _DAY.get(_language(), _DAY_DEFAULT))


def clock(value: datetime | None) -> str:
    """The office's time of day of a moment, to the minute: "14:30" or "14.30"."""
    if value is None or value == "":
        return ""
    return dateformat.format(_local(value), _TIME.get(_language(), _TIME_DEFAULT))


def when(value: datetime | date | str | None, *, zone: bool = False) -> str:
    """A moment in the office's time zone, to the minute: "2026-12-05 14:30" or "5.12.2026 14.30".

    `zone` adds the zone's abbreviation ("CET", "CEST"), for documents read elsewhere."""
    value = _parsed(value)
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):
        return day(value)
    local = _local(value)
    shown = f"{day(local)} {clock(local)}"
    return f"{shown} {local.tzname()}" if zone else shown


def _local(value: datetime) -> datetime:
    """The moment in the office's time zone (a naive one is taken to be in it already)."""
    if timezone.is_naive(value):
        return value
    return timezone.localtime(value, timezone.get_default_timezone())


def in_language(value: Any) -> str:
    """A text the catalogue holds in English and in Danish (a variable's or a code's
    `label_en`/`label_da`, or the metadata's `Text` with `en`/`da`), in the reader's language;
    English where the Danish is missing."""
    if value is None:
        return ""
    if hasattr(value, "label_en"):
        english, danish = value.label_en, getattr(value, "label_da", "")
    elif isinstance(value, dict):
        english, danish = value.get("en", ""), value.get("da", "")
    else:
        english, danish = getattr(value, "en", ""), getattr(value, "da", "")
    if _language() == "da" and danish:
        return str(danish)
    return str(english or danish or "")
