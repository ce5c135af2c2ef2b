"""Who may see, offer, accept and invoice a quote (R18): `check_x` raises, `can_x` answers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from fivesafes.policy import applications
from fivesafes.policy.permissions import Permission, holds, pk_of
from fivesafes.projects.models import Application, Invoice, Quote
from fivesafes.shared.refusals import AccessDenied, passes, unseen


def check_see(person: Any, quote: Quote) -> None:
    """Whoever may see the application sees its quotes and contract."""
    applications.check_see(person, quote.application)


def can_see(person: Any, quote: Quote) -> bool:
    return applications.can_see(person, quote.application)


def can_offer(person: Any, application: Application) -> bool:
    """A case handler offers a quote for an approved application without an accepted one."""
    return (
        holds(person, Permission.REVIEW_PROJECT_APPLICATIONS)
        and application.state == "approved"
        and not application.quotes.filter(state=Quote.State.ACCEPTED).exists()
    )


def check_accept(person: Any, quote: Quote) -> None:
    if not holds(person, Permission.ACCEPT_QUOTES) or (
        quote.application.institution.manager_id != pk_of(person)
    ):
        raise AccessDenied(_("Only the institution's manager accepts this quote."))


def can_accept(person: Any, quote: Quote) -> bool:
    return passes(lambda: check_accept(person, quote))


def can_accept_for(person: Any, application: Application) -> bool:
    """May the person accept the quotes of this application (the institution's manager)?"""
    return holds(person, Permission.ACCEPT_QUOTES) and application.institution.manager_id == pk_of(
        person
    )


def can_see_invoice(person: Any, invoice: Invoice) -> bool:
    """The manager of the institution it is addressed to, and the office's staff who issue
    invoices or read applications."""
    if holds(person, Permission.ISSUE_INVOICES) or holds(
        person, Permission.VIEW_PROJECT_APPLICATIONS
    ):
        return True
    return invoice.addressed_to.manager_id == pk_of(person)


def can_see_invoices_of(person: Any, application: Application) -> bool:
    return (
        holds(person, Permission.ISSUE_INVOICES)
        or holds(person, Permission.VIEW_PROJECT_APPLICATIONS)
        or application.institution.manager_id == pk_of(person)
    )


def check_see_invoice(person: Any, invoice: Invoice) -> None:
    if not can_see_invoice(person, invoice):
        raise unseen(_("invoice"))
