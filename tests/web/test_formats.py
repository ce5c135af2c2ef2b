"""Numbers, money, dates and times: one way, in the person's language and the office's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from fivesafes.shared import formats

WINTER = datetime(2026, 12, 5, 13, 30, 15, 123456, tzinfo=UTC)  # 14:30 in Copenhagen (CET)
SUMMER = datetime(2026, 7, 1, 22, 5, 59, 999999, tzinfo=UTC)  # 00:05 the next day (CEST)


def test_english_numbers_money_and_times() -> None:
    with translation.override("en-gb"):
        assert formats.number(1234567) == "1,234,567"
        assert formats.number(Decimal("12500.5"), 2) == "12,500.50"
        assert formats.money(Decimal("12500")) == "DKK 12,500.00"
        assert formats.day(date(2026, 12, 5)) == "2026-12-05"
        assert formats.when(WINTER) == "2026-12-05 14:30"
        assert formats.when(WINTER, zone=True) == "2026-12-05 14:30 CET"
        assert formats.when(SUMMER, zone=True) == "2026-07-02 00:05 CEST"
        assert formats.day(SUMMER) == "2026-07-02"  # the office's date, not UTC's


def test_danish_numbers_money_and_times() -> None:
    with translation.override("da"):
        assert formats.number(1234567) == "1.234.567"
        assert formats.number(Decimal("12500.5"), 2) == "12.500,50"
        assert formats.money(Decimal("12500")) == "12.500,00 kr."
        assert formats.day(date(2026, 12, 5)) == "5.12.2026"
        assert formats.when(WINTER) == "5.12.2026 14.30"


def test_no_microseconds_and_nothing_for_nothing() -> None:
    with translation.override("en-gb"):
        assert "123456" not in formats.when(WINTER) and ":15" not in formats.when(WINTER)
        assert formats.when(None) == formats.day(None) == formats.money(None) == ""
        # A moment kept as ISO text (JSON) reads the same; other text is shown as it is.
        assert formats.when(WINTER.isoformat()) == "2026-12-05 14:30"
        assert formats.day("2026-12-05") == "2026-12-05" and formats.day("soon") == "soon"


def test_the_template_filters_are_everywhere() -> None:
    template = Template("{{ n|number }} · {{ a|money }} · {{ d|day }} · {{ t|when }}")
    context = Context({"n": 48213, "a": "1999.5", "d": date(2027, 1, 4), "t": WINTER})
    with translation.override("da"):
        assert template.render(context) == "48.213 · 1.999,50 kr. · 4.1.2027 · 5.12.2026 14.30"
    with translation.override("en-gb"):
        assert template.render(context) == "48,213 · DKK 1,999.50 · 2027-01-04 · 2026-12-05 14:30"


def test_a_catalogue_text_is_shown_in_the_readers_language() -> None:
    from types import SimpleNamespace

    from django.utils import translation

    from fivesafes.shared.formats import in_language

    variable = SimpleNamespace(label_en="Income", label_da="Indkomst")
    unit = SimpleNamespace(en="Person", da="")
    with translation.override("da"):
        assert in_language(variable) == "Indkomst"
        assert in_language(unit) == "Person"  # no Danish: the English
        assert in_language({"en": "Family", "da": "Familie"}) == "Familie"
    with translation.override("en-gb"):
        assert in_language(variable) == "Income"
    assert in_language(None) == ""
