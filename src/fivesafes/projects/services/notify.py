"""E-mails to applicants and managers when the office acts on an application.

The applicant hears of a question, a return for changes and the decision; the institution's
manager of a quote to accept (R18). Mail goes out only once the change is committed
(`transaction.on_commit`), so a refused or rolled-back step sends nothing, and a mail server
that fails is logged, never turned into a failed decision. Texts name the application and
where to act; they carry no microdata and nothing the person could not read on the page.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import send_mail
from django.db import transaction

from fivesafes.accounts.models import User

logger = logging.getLogger("fivesafes.projects")

STEP_SUBJECTS = {
    "return_for_changes": "returned for changes",
    "approve": "approved",
    "refuse": "refused",
}


def _send(person: User, subject: str, body: str) -> None:
    address = getattr(person, "email", "")
    if not address:
        return

    def deliver() -> None:
        try:
            send_mail(subject, body, None, [address])
        except Exception:  # a mail outage must not undo or hide the decision
            logger.exception("Could not send '%s' to person %s.", subject, person.pk)

    transaction.on_commit(deliver)


def step_taken(application: Any, step: str, note: str) -> None:
    """Tell the applicant their application was returned, approved or refused."""
    outcome = STEP_SUBJECTS.get(step)
    if outcome is None:
        return
    body = f"Application {application.reference} '{application.title}' was {outcome}."
    if note:
        body += f"\n\nThe office's note: {note}"
    if step == "return_for_changes":
        body += "\n\nChange it in fivesafes and submit it again."
    _send(application.applicant, f"Application {application.reference} {outcome}", body)


def question_asked(application: Any) -> None:
    _send(
        application.applicant,
        f"A question about application {application.reference}",
        f"The office asks a question about application {application.reference} "
        f"'{application.title}'. Read and answer it on the application's page in fivesafes.",
    )


def quote_offered(quote: Any) -> None:
    manager = quote.application.institution.manager
    if manager is None:
        return
    _send(
        manager,
        f"Price quote for application {quote.application.reference}",
        f"The office offers a price quote for application {quote.application.reference} "
        f"'{quote.application.title}' of {quote.application.institution}: total {quote.total} "
        "including VAT. Accept it on the application's page in fivesafes (R18).",
    )
