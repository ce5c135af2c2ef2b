"""R16: after approval, changes are change requests. The difference to the approved scope is
shown; narrowing changes are recorded without a decision; widening ones need the same
four-eyes decision; the project follows the decision."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from fivesafes.projects.models import Application, Project
from fivesafes.projects.rules import scope
from fivesafes.projects.services import applications as service
from fivesafes.projects.services import decisions
from fivesafes.projects.services import projects as project_service
from fivesafes.shared.refusals import RuleViolation
from tests.conftest import verified_client
from tests.projects.conftest import db_state


@pytest.fixture
def project(pw, recommended) -> Project:
    approved = decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    return approved.project


def test_scope_diff_says_what_widens() -> None:
    old = {
        "variables": {"p.a": {"first_year": 2010, "last_year": 2015, "coarsening": "year"}},
        "members": {"1": "ann", "2": "bo"},
        "period": {"starts_on": "2027-01-01", "ends_on": "2028-01-01"},
        "population": {"definition": "X", "total": False, "sample_size": 100},
    }
    new = {
        "variables": {
            "p.a": {"first_year": 2010, "last_year": 2016, "coarsening": ""},
            "p.b": {"first_year": 2010, "last_year": 2010, "coarsening": ""},
        },
        "members": {"1": "ann"},
        "period": {"starts_on": "2027-01-01", "ends_on": "2027-06-01"},
        "population": {"definition": "X", "total": False, "sample_size": 50},
    }
    changes = {c.description: c.widens for c in scope.diff(old, new)}
    assert changes == {
        "add p.b 2010-2010": True,
        "p.a years 2010-2015 -> 2010-2016": True,
        "p.a coarsening 'year' -> 'none'": True,
        "sample 100 -> 50": False,
        "remove member bo": False,
        "end 2028-01-01 -> 2027-06-01": False,
    }
    assert scope.widens(list(scope.diff(old, new)))
    assert scope.diff(old, old) == []


def test_removing_a_member_is_recorded_without_a_decision(pw, project, make_user) -> None:
    from fivesafes.people.services import researchers
    from fivesafes.policy.permissions import Role

    bo = make_user(Role.RESEARCHER, username="bo")
    researchers.attach(actor=pw.manager, institution=pw.institution, researcher=bo)
    # Give the project a second member through a widening change first.
    change = project_service.start_change_request(
        actor=pw.researcher, project=project, summary="Add Bo."
    )
    service.add_member(actor=pw.researcher, application=change, username="bo")
    assert [c.description for c in project_service.changes_of(change)] == ["add member bo"]
    decisions.take_step(actor=pw.researcher, application=change, step="submit")
    decisions.take_step(actor=pw.case_handler, application=change, step="start_review")
    decisions.take_step(actor=pw.case_handler, application=change, step="recommend", note="ok")
    decisions.take_step(actor=pw.approver, application=change, step="approve")
    project.refresh_from_db()
    assert set(project.members.values_list("username", flat=True)) == {"rikke", "bo"}

    small = project_service.start_change_request(
        actor=pw.researcher, project=project, summary="Bo left."
    )
    member = small.members.get(person=bo)
    service.remove_member(actor=pw.researcher, member=member)
    project_service.record_small_change(actor=pw.researcher, change=small)
    project.refresh_from_db()
    assert list(project.members.values_list("username", flat=True)) == ["rikke"]
    assert "bo" not in project.approved_scope["members"].values()


def test_a_widening_change_without_a_decision_is_refused(pw, project) -> None:
    change = project_service.start_change_request(
        actor=pw.researcher, project=project, summary="Longer."
    )
    service.update(
        actor=pw.researcher,
        application=change,
        changes={"ends_on": project.ends_on + timedelta(days=365)},
    )
    before = db_state()
    with pytest.raises(RuleViolation) as caught:
        project_service.record_small_change(actor=pw.researcher, change=change)
    assert caught.value.rule == "R16" and "need a decision" in str(caught.value)
    assert db_state() == before
    page = verified_client(pw.case_handler).get(reverse("projects:application", args=[change.pk]))
    assert page.status_code == 200


def test_a_change_request_that_changes_nothing_is_refused(pw, project) -> None:
    change = project_service.start_change_request(
        actor=pw.researcher, project=project, summary="Nothing."
    )
    with pytest.raises(RuleViolation) as caught:
        project_service.record_small_change(actor=pw.researcher, change=change)
    assert caught.value.rule == "R16"


def test_one_open_change_request_at_a_time_and_only_by_the_responsible(pw, project) -> None:
    project_service.start_change_request(actor=pw.researcher, project=project, summary="A")
    with pytest.raises(RuleViolation):
        project_service.start_change_request(actor=pw.researcher, project=project, summary="B")


def test_change_request_page_shows_the_difference(pw, project) -> None:
    client = verified_client(pw.researcher)
    response = client.post(
        reverse("projects:start_change", args=[project.pk]), {"summary": "More years."}
    )
    assert response.status_code == 302
    change = project.applications.get(kind="change")
    line = change.variables.get(name="income")
    service.update_variable(
        actor=pw.researcher,
        line=line,
        first_year=2010,
        last_year=2022,
        justification=line.justification,
    )
    page = client.get(reverse("projects:application", args=[change.pk]))
    assert b"persons.income years 2010-2020 -&gt; 2010-2022" in page.content
    assert b"widens" in page.content


_years = st.tuples(st.integers(2000, 2025), st.integers(0, 5)).map(
    lambda t: {"first_year": t[0], "last_year": t[0] + t[1], "coarsening": ""}
)
_scopes = st.fixed_dictionaries(
    {
        "variables": st.dictionaries(st.sampled_from(["p.a", "p.b", "p.c", "q.d"]), _years),
        "members": st.dictionaries(st.sampled_from(["1", "2", "3"]), st.just("x")),
        "external_data": st.lists(st.sampled_from(["survey", "clinic"]), unique=True),
    }
)


@given(_scopes, st.data())
def test_dropping_parts_of_a_scope_never_widens_it(old, data) -> None:
    assert scope.diff(old, old) == []
    keep = data.draw(st.sets(st.sampled_from(sorted(old["variables"]) or ["none"])))
    narrower = {
        "variables": {k: v for k, v in old["variables"].items() if k in keep},
        "members": dict(list(old["members"].items())[:1]),
        "external_data": old["external_data"][:1],
    }
    assert not scope.widens(scope.diff(old, narrower))
    assert scope.widens(scope.diff(narrower, old)) == bool(scope.diff(narrower, old))


def _recommended_change(pw, project, **changes):
    change = project_service.start_change_request(
        actor=pw.researcher, project=project, summary="Longer."
    )
    service.update(actor=pw.researcher, application=change, changes=changes)
    decisions.take_step(actor=pw.researcher, application=change, step="submit")
    decisions.take_step(actor=pw.case_handler, application=change, step="start_review")
    decisions.take_step(actor=pw.case_handler, application=change, step="recommend", note="ok")
    return change


def test_a_closed_project_takes_no_change(pw, project) -> None:
    """R16/R25: closing withdraws an open change request (audited), so it neither changes the
    closed project nor waits in the office's list; a change request on a closed project is
    neither submitted nor recorded."""
    from fivesafes.audit.models import AuditEvent
    from fivesafes.projects.services import closure

    longer = project.ends_on + timedelta(days=365)
    change = _recommended_change(pw, project, ends_on=longer)
    closure.close(actor=pw.researcher, project=project, reason="Finished early.")
    change.refresh_from_db()
    assert change.state == "withdrawn"
    assert AuditEvent.objects.filter(
        action="application.withdrawn_at_closure", object_id=str(change.pk)
    ).exists()
    before = db_state()
    with pytest.raises(RuleViolation):
        decisions.take_step(actor=pw.approver, application=change, step="approve")
    assert db_state() == before
    closed = Project.objects.get(pk=project.pk)
    assert closed.is_closed and closed.ends_on == project.ends_on

    late = Application.objects.create(
        kind="change",
        applicant=pw.researcher,
        institution=pw.institution,
        project=closed,
        title=closed.title,
        ends_on=closed.ends_on - timedelta(days=10),
    )
    for attempt in (
        lambda: project_service.record_small_change(actor=pw.researcher, change=late),
        lambda: decisions.take_step(actor=pw.researcher, application=late, step="submit"),
    ):
        before = db_state()
        with pytest.raises(RuleViolation) as caught:
            attempt()
        assert caught.value.rule == "R16" and "was closed" in str(caught.value)
        assert db_state() == before


def test_a_change_keeps_the_deletion_deadline_of_the_decision(pw, recommended) -> None:
    """R25: the approver's deadline (90 days after the end) survives a change request that does
    not set one: unchanged end, unchanged deadline; a later end moves it by as much."""
    custom = recommended.ends_on + timedelta(days=90)
    project = decisions.take_step(
        actor=pw.approver, application=recommended, step="approve", deletion_deadline=custom
    ).project
    assert project.deletion_deadline == custom
    change = project_service.start_change_request(
        actor=pw.researcher, project=project, summary="One more year of income."
    )
    line = change.variables.get(name="income")
    service.update_variable(
        actor=pw.researcher,
        line=line,
        first_year=line.first_year - 1,
        last_year=line.last_year,
        justification=line.justification,
    )
    decisions.take_step(actor=pw.researcher, application=change, step="submit")
    decisions.take_step(actor=pw.case_handler, application=change, step="start_review")
    decisions.take_step(actor=pw.case_handler, application=change, step="recommend", note="ok")
    decisions.take_step(actor=pw.approver, application=change, step="approve")
    project.refresh_from_db()
    assert project.deletion_deadline == custom

    later = _recommended_change(pw, project, ends_on=project.ends_on + timedelta(days=100))
    decisions.take_step(actor=pw.approver, application=later, step="approve")
    project.refresh_from_db()
    assert project.deletion_deadline == custom + timedelta(days=100)


def test_a_new_purpose_or_legal_basis_needs_a_decision(pw, project) -> None:
    """R11/R16: need to know is judged against the purpose, so a change request that rewrites
    the purpose (or the legal basis) cannot slip through as a small change; a new title can."""
    change = project_service.start_change_request(
        actor=pw.researcher, project=project, summary="Fewer years; new aim."
    )
    line = change.variables.get(name="income")
    service.update_variable(
        actor=pw.researcher,
        line=line,
        first_year=line.first_year + 1,
        last_year=line.last_year,
        justification=line.justification,
    )
    service.update(
        actor=pw.researcher,
        application=change,
        changes={"purpose": "Marketing profiles.", "legal_basis_art6": "Art. 6(1)(f)"},
    )
    change.refresh_from_db()
    described = {c.description: c.widens for c in project_service.changes_of(change)}
    assert described["purpose changed"] and described["legal basis (art. 6) changed"]
    before = db_state()
    with pytest.raises(RuleViolation) as caught:
        project_service.record_small_change(actor=pw.researcher, change=change)
    assert caught.value.rule == "R16" and "purpose changed" in str(caught.value)
    assert db_state() == before
    page = verified_client(pw.case_handler).get(reverse("projects:application", args=[change.pk]))
    assert b"purpose changed" in page.content

    original = project.applications.get(kind="new")
    service.update(
        actor=pw.researcher,
        application=change,
        changes={
            "purpose": original.purpose,
            "legal_basis_art6": original.legal_basis_art6,
            "title": "Incomes, 2011 on",
        },
    )
    project_service.record_small_change(actor=pw.researcher, change=change)
    project.refresh_from_db()
    assert project.title == "Incomes, 2011 on"


def test_a_scope_recorded_before_terms_compares_with_the_approved_application(pw, project) -> None:
    scope = dict(project.approved_scope)
    del scope["terms"]
    Project.objects.filter(pk=project.pk).update(approved_scope=scope)
    change = project_service.start_change_request(
        actor=pw.researcher, project=Project.objects.get(pk=project.pk), summary="New aim."
    )
    assert project_service.changes_of(change) == []
    service.update(actor=pw.researcher, application=change, changes={"purpose": "Other."})
    change.refresh_from_db()
    assert [c.description for c in project_service.changes_of(change)] == ["purpose changed"]


def test_a_narrowing_change_that_breaks_the_scope_is_refused(pw, project) -> None:
    """A later start and an earlier end both narrow, but a period that ends before it starts
    is no scope: refused with the rule named, the project unchanged."""
    change = project_service.start_change_request(
        actor=pw.researcher, project=project, summary="Shorter."
    )
    service.update(
        actor=pw.researcher,
        application=change,
        changes={
            "starts_on": project.ends_on - timedelta(days=1),
            "ends_on": project.starts_on + timedelta(days=1),
        },
    )
    before = db_state()
    with pytest.raises(RuleViolation) as caught:
        project_service.record_small_change(actor=pw.researcher, change=change)
    assert (caught.value.rule, caught.value.field) == ("R12", "period")
    assert "does not hold" in str(caught.value)
    assert db_state() == before


def test_a_member_removed_by_a_change_loses_access_at_once(pw, project, make_user) -> None:
    """R1/R11: removing a member (a small change, or an approved one) ends their agreement for
    the project, so the access rule refuses them at once; the others keep theirs."""
    from fivesafes.people.services import agreements, researchers
    from fivesafes.policy.permissions import Role
    from fivesafes.policy.project_access import project_access
    from tests.people.conftest import certify

    bo = make_user(Role.RESEARCHER, username="bo")
    researchers.attach(actor=pw.manager, institution=pw.institution, researcher=bo)
    certify(bo)
    change = project_service.start_change_request(
        actor=pw.researcher, project=project, summary="Add Bo."
    )
    service.add_member(actor=pw.researcher, application=change, username="bo")
    decisions.take_step(actor=pw.researcher, application=change, step="submit")
    decisions.take_step(actor=pw.case_handler, application=change, step="start_review")
    decisions.take_step(actor=pw.case_handler, application=change, step="recommend", note="ok")
    decisions.take_step(actor=pw.approver, application=change, step="approve")
    project.refresh_from_db()
    for person in (pw.researcher, bo):
        agreement = agreements.create(
            actor=pw.manager,
            researcher=person,
            project=project,
            starts_on=project.starts_on,
            ends_on=project.ends_on,
            allowed_networks="127.0.0.1",
        )
        agreements.sign(actor=person, agreement=agreement)
        agreements.countersign(actor=pw.manager, agreement=agreement)
    day = project.starts_on
    assert project_access(bo, project, on=day).allowed

    small = project_service.start_change_request(
        actor=pw.researcher, project=project, summary="Bo left."
    )
    service.remove_member(actor=pw.researcher, member=small.members.get(person=bo))
    project_service.record_small_change(actor=pw.researcher, change=small)
    answer = project_access(bo, project, on=day)
    assert not answer.allowed and "Researcher agreement" in answer.reason
    assert project_access(pw.researcher, project, on=day).allowed
