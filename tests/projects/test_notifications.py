"""The applicant hears of a question, a return and the decision; the manager of a quote to
accept. Mail goes out only for a change that was made."""

from __future__ import annotations

import pytest

from fivesafes.projects.services import decisions, pricing
from fivesafes.shared.refusals import AccessDenied
from tests.projects.conftest import complete


def test_applicant_and_manager_are_told_what_the_office_did(
    pw, draft, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    take = decisions.take_step
    complete(draft, pw.researcher)
    with django_capture_on_commit_callbacks(execute=True):
        take(actor=pw.researcher, application=draft, step="submit")
        take(actor=pw.case_handler, application=draft, step="start_review")
        decisions.ask_question(actor=pw.case_handler, application=draft, text="Why 2010?")
        take(actor=pw.case_handler, application=draft, step="return_for_changes", note="Years.")
    assert [m.subject for m in mailoutbox] == [
        f"A question about application {draft.reference}",
        f"Application {draft.reference} returned for changes",
    ]
    assert all(m.to == [pw.researcher.email] for m in mailoutbox)
    assert "The office's note: Years." in mailoutbox[1].body

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        take(actor=pw.researcher, application=draft, step="submit")
        take(actor=pw.case_handler, application=draft, step="start_review")
        take(actor=pw.case_handler, application=draft, step="recommend", note="Fine.")
        with pytest.raises(AccessDenied):  # not an approver: refused, nothing sent
            take(actor=pw.case_handler, application=draft, step="approve")
        approved = take(actor=pw.approver, application=draft, step="approve")
        quote = pricing.issue_quote(
            actor=pw.case_handler, application=approved, coordination_hours=1
        )
    assert [(m.subject, m.to) for m in mailoutbox] == [
        (f"Application {draft.reference} approved", [pw.researcher.email]),
        (f"Price quote for application {draft.reference}", [pw.manager.email]),
    ]
    assert str(quote.total) in mailoutbox[1].body
