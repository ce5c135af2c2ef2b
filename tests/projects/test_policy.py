"""The projects policy: each `check_x` refuses with a reason and its `can_x` twin agrees."""

from __future__ import annotations

import pytest

from fivesafes.people.models import Institution
from fivesafes.policy import applications, projects, quotes
from fivesafes.policy.permissions import Role
from fivesafes.projects.services import closure, decisions, pricing
from fivesafes.shared.refusals import AccessDenied, RuleViolation


@pytest.fixture
def approved(pw, recommended):
    return decisions.take_step(actor=pw.approver, application=recommended, step="approve")


@pytest.fixture
def outsider(make_user):
    person = make_user(Role.RESEARCHER, Role.INSTITUTION_MANAGER, username="outsider")
    Institution.objects.create(name="Elsewhere College", manager=person)
    return person


def _agree(check, can, *args) -> bool:
    """`can` answers True exactly when `check` does not refuse."""
    try:
        check(*args)
    except (AccessDenied, RuleViolation):
        assert can(*args) is False
        return False
    assert can(*args) is True
    return True


def test_who_sees_an_application_and_its_project(pw, approved, outsider) -> None:
    project = approved.project
    for person in (pw.researcher, pw.manager, pw.case_handler):
        assert _agree(applications.check_see, applications.can_see, person, approved)
        assert _agree(projects.check_see, projects.can_see, person, project)
    assert not _agree(applications.check_see, applications.can_see, outsider, approved)
    assert not _agree(projects.check_see, projects.can_see, outsider, project)
    with pytest.raises(AccessDenied, match="There is no such project") as refused:
        projects.check_see(outsider, project)
    assert refused.value.status == 404 and project.number not in refused.value.reason


def test_only_the_applicant_edits_and_only_a_draft(pw, draft, submitted) -> None:
    assert not _agree(applications.check_edit, applications.can_edit, pw.researcher, submitted)
    with pytest.raises(RuleViolation) as caught:
        applications.check_edit(pw.researcher, submitted)
    assert caught.value.rule == "R16" and caught.value.field == "state"
    with pytest.raises(AccessDenied, match="Only the applicant"):
        applications.check_edit(pw.manager, submitted)


def test_who_closes_changes_and_publishes(pw, approved, outsider, make_user) -> None:
    project = approved.project
    assert _agree(projects.check_close, projects.can_close, pw.researcher, project)
    assert _agree(projects.check_close, projects.can_close, pw.case_handler, project)
    assert not _agree(projects.check_close, projects.can_close, outsider, project)
    assert _agree(projects.check_change, projects.can_change, pw.researcher, project)
    assert not _agree(projects.check_change, projects.can_change, pw.manager, project)
    assert _agree(projects.check_publish, projects.can_publish, pw.researcher, project)
    assert not _agree(projects.check_publish, projects.can_publish, outsider, project)
    closure.close(actor=pw.case_handler, project=project, reason="Done.")
    project.refresh_from_db()
    assert not projects.can_close(pw.researcher, project)
    assert not projects.can_change(pw.researcher, project)


def test_who_accepts_a_quote_and_sees_its_invoice(pw, approved, outsider) -> None:
    quote = pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=1)
    assert _agree(quotes.check_accept, quotes.can_accept, pw.manager, quote)
    assert not _agree(quotes.check_accept, quotes.can_accept, outsider, quote)
    assert not _agree(quotes.check_see, quotes.can_see, outsider, quote)
    pricing.accept_quote(actor=pw.manager, quote=quote)
    invoice = pricing.issue_invoice(actor=pw.secretary, quote=quote)
    assert _agree(quotes.check_see_invoice, quotes.can_see_invoice, pw.manager, invoice)
    assert not _agree(quotes.check_see_invoice, quotes.can_see_invoice, outsider, invoice)
