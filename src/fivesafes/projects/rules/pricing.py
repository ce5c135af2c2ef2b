"""The price of a project (R18), free of Django: data are free, time is charged.

Items: coordination/clarification/quote (hours), creating populations, processing third-party
data, extraction (a fixed price per event-history table, per statistical area for variable
lists, by the hour outside them), archiving/documentation/delivery. 25 % VAT. The offer states
the price and the estimated delivery time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from fivesafes.shared.labels import gettext_noop

VAT_RATE = Decimal("0.25")
CENT = Decimal("0.01")

PRICE_ITEMS: dict[str, tuple[str, str, Decimal]] = {
    # code: (label, unit, default price in DKK); label and unit are translated where shown
    "coordination_hour": (
        gettext_noop("Coordination, clarification, quote and agreement"),
        gettext_noop("hour"),
        Decimal("1100.00"),
    ),
    "population": (
        gettext_noop("Creating a population"),
        gettext_noop("population"),
        Decimal("4400.00"),
    ),
    "third_party_data": (
        gettext_noop("Receiving and processing third-party data"),
        gettext_noop("source"),
        Decimal("6600.00"),
    ),
    "event_history_table": (
        gettext_noop("Extraction from the event-history database"),
        gettext_noop("table"),
        Decimal("2200.00"),
    ),
    "statistical_area": (
        gettext_noop("Extraction from variable lists"),
        gettext_noop("statistical area"),
        Decimal("3300.00"),
    ),
    "outside_lists_hour": (
        gettext_noop("Extraction outside the variable lists"),
        gettext_noop("hour"),
        Decimal("1100.00"),
    ),
    "archiving_delivery": (
        gettext_noop("Archiving, documentation and delivery"),
        gettext_noop("delivery"),
        Decimal("2750.00"),
    ),
}

BASE_DELIVERY_DAYS = 10
DAYS_PER_AREA = 2
DAYS_PER_EVENT_TABLE = 3
DAYS_PER_THIRD_PARTY = 10


@dataclass(frozen=True)
class QuoteInput:
    """What the quote is computed from: the application's scope and the case handler's hours."""

    statistical_areas: tuple[str, ...]
    event_history_tables: tuple[str, ...]
    populations: int
    third_party_sources: tuple[str, ...]
    coordination_hours: Decimal
    outside_list_hours: Decimal = Decimal(0)


@dataclass(frozen=True)
class QuoteLine:
    code: str
    label: str
    detail: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Quote:
    lines: list[QuoteLine] = field(default_factory=list)
    subtotal: Decimal = Decimal(0)
    vat: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    delivery_days: int = 0


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def compute_quote(prices: dict[str, Decimal], facts: QuoteInput) -> Quote:
    """Itemised lines (zero-quantity items left out), subtotal, 25 % VAT, total, delivery days."""
    if facts.coordination_hours < 0 or facts.outside_list_hours < 0 or facts.populations < 0:
        raise ValueError("Quantities cannot be negative.")
    wanted: list[tuple[str, Decimal, str]] = [
        ("coordination_hour", facts.coordination_hours, ""),
        ("population", Decimal(facts.populations), ""),
        (
            "third_party_data",
            Decimal(len(facts.third_party_sources)),
            ", ".join(facts.third_party_sources),
        ),
        (
            "event_history_table",
            Decimal(len(facts.event_history_tables)),
            ", ".join(facts.event_history_tables),
        ),
        (
            "statistical_area",
            Decimal(len(facts.statistical_areas)),
            ", ".join(facts.statistical_areas),
        ),
        ("outside_lists_hour", facts.outside_list_hours, ""),
        ("archiving_delivery", Decimal(1), ""),
    ]
    lines = []
    for code, quantity, detail in wanted:
        if quantity == 0:
            continue
        unit_price = prices.get(code, PRICE_ITEMS[code][2])
        lines.append(
            QuoteLine(
                code=code,
                label=PRICE_ITEMS[code][0],
                detail=detail,
                quantity=quantity,
                unit_price=_money(unit_price),
                amount=_money(quantity * unit_price),
            )
        )
    subtotal = _money(sum((line.amount for line in lines), Decimal(0)))
    vat = _money(subtotal * VAT_RATE)
    days = (
        BASE_DELIVERY_DAYS
        + DAYS_PER_AREA * len(facts.statistical_areas)
        + DAYS_PER_EVENT_TABLE * len(facts.event_history_tables)
        + DAYS_PER_THIRD_PARTY * len(facts.third_party_sources)
    )
    return Quote(lines=lines, subtotal=subtotal, vat=vat, total=subtotal + vat, delivery_days=days)
