"""Staff time on a delivery, booked against a line of the project's accepted quote (R18: data
are free, time is charged). The delivery's `finish` step sums it by line in its audit event."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from fivesafes.audit.services import record
from fivesafes.delivery.models import Delivery, StaffTime
from fivesafes.policy import deliveries as policy
from fivesafes.shared.refusals import RuleViolation

MAX_HOURS = Decimal(1000)


def quote_lines(delivery: Delivery) -> list[dict[str, Any]]:
    """The accepted quote's lines that time can be booked on (those with a price-list code)."""
    quote = policy.accepted_quote(delivery.project)
    return [line for line in (quote.lines if quote else []) if line.get("code")]


def record_time(
    *, actor: Any, delivery: Delivery, line: str, hours: Any, note: str = "", request: Any = None
) -> StaffTime:
    policy.check_record_time(actor, delivery)
    try:
        amount = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        raise RuleViolation(
            "R18", "hours", _("'%(hours)s' is not a number of hours.") % {"hours": hours}
        ) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_HOURS:
        raise RuleViolation(
            "R18", "hours", _("Hours are more than 0 and at most %(most)s.") % {"most": MAX_HOURS}
        )
    quote = policy.accepted_quote(delivery.project)
    if quote is None:
        raise RuleViolation("R18", "quote", _("Time is booked against an accepted quote."))
    codes = {entry.get("code") for entry in quote.lines}
    if line not in codes:
        raise RuleViolation(
            "R18",
            "line",
            _("'%(line)s' is not a line of quote %(quote)s; choose one of %(lines)s.")
            % {
                "line": line,
                "quote": quote.reference,
                "lines": ", ".join(sorted(c for c in codes if c)) or _("none"),
            },
        )
    with transaction.atomic():
        entry = StaffTime.objects.create(
            delivery=delivery,
            quote=quote,
            line=line,
            hours=amount.quantize(Decimal("0.01")),
            note=note.strip()[:300],
            recorded_by=actor,
        )
        record(
            action="delivery.time_recorded",
            actor=actor,
            obj=delivery,
            after={"line": line, "hours": entry.hours},
            data={"quote": quote.reference, "note": entry.note},
            request=request,
        )
    return entry
