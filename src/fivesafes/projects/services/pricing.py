"""The price list and quotes (R18): staff edit prices; the case handler issues a quote computed
from an approved application; only the owning institution's manager accepts it, which
produces the contract. Invoices go to the owning institution (for affiliated foreign
researchers, that is the domestic institution they are affiliated to)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes import files
from fivesafes.accounts.models import User
from fivesafes.audit.services import record
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import Application, Invoice, PriceItem, Quote
from fivesafes.projects.rules import pricing
from fivesafes.projects.services import notify
from fivesafes.projects.workflow import QUOTE, QuoteState
from fivesafes.shared import workflow
from fivesafes.shared.refusals import RuleViolation
from fivesafes.shared.services import change, lock, next_free_number, require

EVENT_TEMPORALITY = "EVENT"


def prices() -> dict[str, Decimal]:
    return {item.code: item.unit_price for item in PriceItem.objects.all()}


def set_price(*, actor: User, code: str, unit_price: Any, request: Any = None) -> PriceItem:
    require(actor, Permission.EDIT_PRICE_LIST)
    try:
        value = Decimal(str(unit_price))
    except (InvalidOperation, ValueError):
        raise RuleViolation(
            "R18", "unit_price", _("'%(value)s' is not an amount.") % {"value": unit_price}
        ) from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
        raise RuleViolation("R18", "unit_price", _("A price is an amount of zero or more."))
    with transaction.atomic():
        item = PriceItem.objects.select_for_update().filter(code=code).first()
        if item is None:
            raise RuleViolation(
                "R18", "code", _("'%(code)s' is not an item of the price list.") % {"code": code}
            )
        item.changed_at = timezone.now()
        item.changed_by = actor
        change(
            item,
            {"unit_price": value.quantize(pricing.CENT)},
            audit_action="price_list.changed",
            actor=actor,
            request=request,
            stamped=("changed_at", "changed_by"),
        )
    return item


def quote_input(
    application: Application, coordination_hours: Decimal, outside_list_hours: Decimal
) -> pricing.QuoteInput:
    """The application's scope in the terms of the price list."""
    areas: set[str] = set()
    event_tables: set[str] = set()
    for line in application.variables.select_related("variable__version__register"):
        version = line.variable.version
        if version.temporality == EVENT_TEMPORALITY:
            event_tables.add(version.register.short_name)
        else:
            areas.add(version.register.subject_area)
    return pricing.QuoteInput(
        statistical_areas=tuple(sorted(areas)),
        event_history_tables=tuple(sorted(event_tables)),
        populations=1,
        third_party_sources=tuple(e.source for e in application.external_data.all()),
        coordination_hours=coordination_hours,
        outside_list_hours=outside_list_hours,
    )


def _hours(value: Any, field: str) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RuleViolation(
            "R18", field, _("'%(value)s' is not a number of hours.") % {"value": value}
        ) from None
    if not hours.is_finite() or hours < 0 or hours > 10000:
        raise RuleViolation("R18", field, _("Hours are a number from 0 to 10000."))
    return hours


def _refuse_if_closed(application: Application) -> None:
    """No new offer or contract for a closed project (R25): its access has ended."""
    project = application.project
    if project is not None and project.is_closed:
        raise RuleViolation(
            "R18",
            "state",
            _("Project %(number)s is closed; no quote is offered or accepted for it.")
            % {"number": project.number},
        )


def issue_quote(
    *,
    actor: User,
    application: Application,
    coordination_hours: Any,
    outside_list_hours: Any = 0,
    request: Any = None,
) -> Quote:
    """Compute and offer a quote for an approved application; an earlier offer is superseded."""
    require(actor, Permission.REVIEW_PROJECT_APPLICATIONS)
    coordination = _hours(coordination_hours, "coordination_hours")
    outside = _hours(outside_list_hours, "outside_list_hours")
    with transaction.atomic():
        locked = lock(application)
        if locked.state != "approved":
            raise RuleViolation(
                "R18",
                "state",
                _("A quote is offered once %(reference)s is approved.")
                % {"reference": locked.reference},
            )
        _refuse_if_closed(locked)
        if locked.quotes.filter(state=Quote.State.ACCEPTED).exists():
            raise RuleViolation(
                "R18",
                "state",
                _("The quote for %(reference)s has been accepted already.")
                % {"reference": locked.reference},
            )
        computed = pricing.compute_quote(prices(), quote_input(locked, coordination, outside))
        superseded = []
        for offered in locked.quotes.filter(state=Quote.State.OFFERED):
            workflow.take_step(
                QUOTE, QUOTE_HOOKS, obj=offered, step="supersede", actor=actor, request=request
            )
            superseded.append(offered.pk)
        quote = Quote.objects.create(
            application=locked,
            lines=[
                {
                    "code": line.code,
                    "label": line.label,
                    "detail": line.detail,
                    "quantity": str(line.quantity),
                    "unit_price": str(line.unit_price),
                    "amount": str(line.amount),
                }
                for line in computed.lines
            ],
            subtotal=computed.subtotal,
            vat=computed.vat,
            total=computed.total,
            delivery_days=computed.delivery_days,
            estimated_delivery_on=timezone.localdate() + timedelta(days=computed.delivery_days),
            invoice_to=locked.institution,
            issued_by=actor,
        )
        record(
            action="quote.issued",
            actor=actor,
            obj=locked,
            after={
                "quote": quote.reference,
                "total": quote.total,
                "delivery_days": quote.delivery_days,
            },
            data={"superseded": superseded},
            request=request,
        )
        notify.quote_offered(quote)
    return quote


def _accept(step: workflow.Step[QuoteState]) -> None:
    """Only the manager of the owning institution accepts, and not for a closed project."""
    quote = step.obj
    if quote.application.institution.manager_id != step.actor.pk:
        raise RuleViolation(
            "R18",
            "accepted_by",
            _(
                "Only the manager of the institution that owns the project and pays the invoices "
                "accepts the quote."
            ),
        )
    _refuse_if_closed(quote.application)
    quote.accepted_at = timezone.now()
    step.fields.append("accepted_at")


def _write_contract(step: workflow.Step[QuoteState]) -> None:
    """Once accepted: the contract PDF, kept by its hash."""
    from fivesafes.projects.services.documents import store_contract

    quote = step.obj
    quote.contract_name, quote.contract_sha256 = store_contract(quote)
    quote.save(update_fields=["contract_name", "contract_sha256"])
    step.after.update(
        quote=quote.reference, total=quote.total, contract_sha256=quote.contract_sha256
    )


QUOTE_HOOKS = workflow.Hooks(
    lock=lambda quote: lock(quote, "application__institution"),
    before={"accept": _accept},
    after={"accept": _write_contract},
    describe=lambda quote: _("Quote %(reference)s") % {"reference": quote.reference},
    audited=lambda quote: quote.application,
)


def accept_quote(*, actor: User, quote: Quote, request: Any = None) -> Quote:
    """R18: only the manager of the owning institution accepts; the contract PDF is written."""
    require(actor, Permission.ACCEPT_QUOTES)
    with files.kept_if_committed():
        accepted: Quote = workflow.take_step(
            QUOTE, QUOTE_HOOKS, obj=quote, step="accept", actor=actor, request=request
        )
    return accepted


PAYMENT_DAYS = 30


def _invoice_number(year: int) -> str:
    return next_free_number(Invoice, f"INV-{year}-", 4)


def issue_invoice(*, actor: User, quote: Quote, request: Any = None) -> Invoice:
    """The invoice for an accepted quote, to the institution that owns the project (R7, R18)."""
    require(actor, Permission.ISSUE_INVOICES)
    with transaction.atomic():
        locked = lock(quote, "invoice_to")
        if locked.state != Quote.State.ACCEPTED:
            raise RuleViolation(
                "R18",
                "state",
                _("Quote %(reference)s is not accepted; nothing to invoice.")
                % {"reference": locked.reference},
            )
        if Invoice.objects.filter(quote=locked).exists():
            raise RuleViolation(
                "R18",
                "state",
                _("Quote %(reference)s is invoiced already.") % {"reference": locked.reference},
            )
        institution = locked.invoice_to
        invoice = Invoice.objects.create(
            quote=locked,
            number=_invoice_number(timezone.localdate().year),
            addressed_to=institution,
            address=institution.address,
            subtotal=locked.subtotal,
            vat=locked.vat,
            total=locked.total,
            issued_by=actor,
            due_on=timezone.localdate() + timedelta(days=PAYMENT_DAYS),
        )
        record(
            action="invoice.issued",
            actor=actor,
            obj=locked.application,
            after={"invoice": invoice.number, "to": institution.name, "total": invoice.total},
            request=request,
        )
    return invoice
