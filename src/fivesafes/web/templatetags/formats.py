"""Template filters for numbers, money, dates and times (fivesafes.shared.formats).

Loaded in every template (settings TEMPLATES' builtins): `{{ total|money }}`,
`{{ rows|number }}`, `{{ share|number:1 }}`, `{{ project.ends_on|day }}`, `{{ event.at|when }}`.
"""

from __future__ import annotations

from typing import Any

from django import template

from fivesafes.shared import formats

register = template.Library()


@register.filter(name="number")
def number(value: Any, decimals: Any = None) -> str:
    return formats.number(value, None if decimals in (None, "") else int(decimals))


@register.filter(name="money")
def money(value: Any, currency: str = "DKK") -> str:
    return formats.money(value, currency)


@register.filter(name="day")
def day(value: Any) -> str:
    return formats.day(value)


@register.filter(name="when")
def when(value: Any, zone: str = "") -> str:
    return formats.when(value, zone=zone == "zone")


@register.filter(name="in_language")
def in_language(value: Any) -> str:
    return formats.in_language(value)
