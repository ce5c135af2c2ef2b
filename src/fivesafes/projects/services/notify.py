"""E-mails to applicants and managers when the office acts on an application.

The applicant hears of a question, a return for changes and the decision; the institution's
manager of a quote to accept (R18). Mail goes out only once the change is committed
(`transaction.on_commit`), so a refused or rolled-back step sends nothing, and a mail server
that fails is logged, never turned into a failed decision. Texts name the application and
where to act; they carry no microdata and nothing the person could not read on the page.
Each is written in the recipient's language (`User.language`, else the site's default).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from fivesafes.accounts.models import User
from fivesafes.shared.language import in_language_of

logger = logging.getLogger("fivesafes.projects")


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


def _step_words(step: str) -> tuple[str, str] | None:
    """The subject and first sentence of the mail for a step, or None for a step not told."""
    if step == "return_for_changes":
        return (
            _("Application %(reference)s returned for changes"),
            _("Application %(reference)s '%(title)s' was returned for changes."),
        )
    if step == "approve":
        return (
            _("Application %(reference)s approved"),
            _("Application %(reference)s '%(title)s' was approved."),
        )
    if step == "refuse":
        return (
            _("Application %(reference)s refused"),
            _("Application %(reference)s '%(title)s' was refused."),
        )
    return None


def step_taken(application: Any, step: str, note: str) -> None:
    """Tell the applicant their application was returned, approved or refused."""
    applicant = application.applicant
    with in_language_of(applicant):
        words = _step_words(step)
        if words is None:
            return
        names = {"reference": application.reference, "title": application.title}
        subject, body = words[0] % names, words[1] % names
        if note:
            body += "\n\n" + _("The office's note: %(note)s") % {"note": note}
        if step == "return_for_changes":
            body += "\n\n" + _("Change it in fivesafes and submit it again.")
    _send(applicant, subject, body)


def question_asked(application: Any) -> None:
    applicant = application.applicant
    names = {"reference": application.reference, "title": application.title}
    with in_language_of(applicant):
        subject = _("A question about application %(reference)s") % names
        body = (
            _(
                "The office asks a question about application %(reference)s '%(title)s'. "
                "Read and answer it on the application's page in fivesafes."
            )
            % names
        )
    _send(applicant, subject, body)


def quote_offered(quote: Any) -> None:
    manager = quote.application.institution.manager
    if manager is None:
        return
    application = quote.application
    names = {
        "reference": application.reference,
        "title": application.title,
        "institution": application.institution,
        "total": quote.total,
    }
    with in_language_of(manager):
        subject = _("Price quote for application %(reference)s") % names
        body = (
            _(
                "The office offers a price quote for application %(reference)s '%(title)s' of "
                "%(institution)s: total %(total)s including VAT. Accept it on the application's "
                "page in fivesafes (R18)."
            )
            % names
        )
    _send(manager, subject, body)
