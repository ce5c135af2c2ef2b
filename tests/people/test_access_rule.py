"""THE access rule: allowed when every condition holds; each failing condition is named."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from fivesafes.people.services import agreements, researchers, sanctions
from fivesafes.people.services import authorisation as cases
from fivesafes.policy.permissions import Role
from fivesafes.policy.project_access import (
    can_work_in_project,
    check_project_access,
    project_access,
)
from fivesafes.shared.refusals import AccessDenied
from tests.conftest import verified_client
from tests.page_text import shown
from tests.people.conftest import add_member, authorise


def request_for(user, address="192.0.2.15", verified=True):
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    user.is_verified = lambda: verified
    request.user = user
    return request


def failed_names(world, **kwargs):
    request = kwargs.pop("request", None) or request_for(world.researcher)
    answer = project_access(world.researcher, world.project, request=request, **kwargs)
    return [c.name for c in answer.failed], answer


def test_all_conditions_met(world) -> None:
    names, answer = failed_names(world)
    assert names == [] and answer.allowed
    assert [c.name for c in answer.conditions] == [
        "Not sanctioned",
        "Institution",
        "Project owner",
        "Project active",
        "Researcher agreement",
        "Certification",
        "Two-factor session",
        "Allowed address",
    ]
    check_project_access(world.researcher, world.project, request_for(world.researcher))


def test_excluded_researcher(world, make_user) -> None:
    breach = sanctions.report_breach(
        actor=make_user(Role.OUTPUT_CHECKER),
        researcher=world.researcher,
        what_happened="a",
        evidence="b",
    )
    sanctions.decide(
        actor=world.approver, breach=breach, decision="d", permanent=True, exclusion_ends_on=None
    )
    names, answer = failed_names(world)
    assert names[0] == "Not sanctioned"
    assert "excluded" in answer.reason and "R24" in answer.reason


def test_not_attached(world) -> None:
    # The attachment's period ended (set directly: ending it through the service also ends
    # the agreement, and this test isolates the one condition).
    world.researcher.attachments.update(ends_on=timezone.localdate() - timedelta(days=1))
    names, answer = failed_names(world)
    assert names == ["Institution"]
    assert "not attached" in answer.reason


def test_institution_authorisation_withdrawn_lapses_agreement(world) -> None:
    cases.take_step(actor=world.approver, authorisation=world.authorisation, step="withdraw")
    names, answer = failed_names(world)
    assert names == ["Institution", "Project owner", "Researcher agreement", "Allowed address"]
    assert "not authorised" in answer.reason


def test_project_owner_not_authorised(world, staff, make_user) -> None:
    owner_manager = make_user(Role.INSTITUTION_MANAGER, username="ownermanager")
    owner = authorise(manager=owner_manager, name="Copenhagen Business School", **staff)
    world.project.institution = owner.institution
    world.project.save()
    assert failed_names(world)[0] == []
    cases.take_step(actor=world.approver, authorisation=owner, step="withdraw")
    names, answer = failed_names(world)
    assert names == ["Project owner"]
    assert "Copenhagen Business School" in answer.reason


def test_no_agreement(world, make_user) -> None:
    other = make_user(Role.RESEARCHER)
    researchers.attach(actor=world.manager, institution=world.institution, researcher=other)
    from tests.people.conftest import certify

    certify(other)
    answer = project_access(other, world.project, request=request_for(other))
    assert [c.name for c in answer.failed] == ["Researcher agreement", "Allowed address"]
    assert "no researcher agreement" in answer.reason


def test_agreement_not_countersigned(world, make_user) -> None:
    other = make_user(Role.RESEARCHER)
    researchers.attach(actor=world.manager, institution=world.institution, researcher=other)
    add_member(world.project, other)
    today = timezone.localdate()
    agreement = agreements.create(
        actor=world.manager,
        researcher=other,
        project=world.project,
        starts_on=today,
        ends_on=today + timedelta(days=30),
        allowed_networks="192.0.2.0/24",
    )
    agreements.sign(actor=other, agreement=agreement)
    answer = project_access(other, world.project)
    by_name = {c.name: c for c in answer.failed}
    assert set(by_name) == {"Researcher agreement", "Certification"}
    assert "has not countersigned" in by_name["Researcher agreement"].why


def test_agreement_period_ended(world) -> None:
    later = world.agreement.ends_on + timedelta(days=1)
    names, answer = failed_names(world, on=later)
    assert "Researcher agreement" in names
    assert f"ended on {world.agreement.ends_on}" in answer.failed[0].why


def test_certification_missing_and_lapsed(world) -> None:
    attempt = world.researcher.certification_attempts.get()
    attempt.taken_at = timezone.now() - timedelta(days=400)
    attempt.save()
    names, answer = failed_names(world)
    assert names == ["Certification"]
    assert "lapsed" in answer.reason and "R9" in answer.reason
    attempt.delete()
    names, answer = failed_names(world)
    assert names == ["Certification"] and "not passed" in answer.reason


def test_no_two_factor_session(world) -> None:
    names, answer = failed_names(world, request=request_for(world.researcher, verified=False))
    assert names == ["Two-factor session"] and "R10" in answer.reason


@pytest.mark.parametrize("address", ["198.51.100.1", "2001:db8::1", ""])
def test_address_outside_the_agreement(world, address) -> None:
    names, answer = failed_names(world, request=request_for(world.researcher, address=address))
    assert names == ["Allowed address"]
    assert not can_work_in_project(
        world.researcher, world.project, request_for(world.researcher, address)
    )
    with pytest.raises(AccessDenied, match="Allowed address"):
        check_project_access(
            world.researcher, world.project, request_for(world.researcher, address)
        )


def test_project_page_uses_the_rule(world, make_user) -> None:
    url = reverse("people:project_entry", kwargs={"pk": world.project.pk})
    client = verified_client(world.researcher)
    response = client.get(url)  # the test client comes from 127.0.0.1, listed in the agreement
    assert response.status_code == 200
    assert "You may work in this project now" in response.text
    stranger = verified_client(make_user(Role.RESEARCHER))
    response = stranger.get(url)
    assert response.status_code == 404
    assert "not yours to see" in response.text


def test_my_access_explains(world) -> None:
    client = verified_client(world.researcher)
    response = client.get(reverse("people:my_access"))
    assert response.status_code == 200
    assert "P-2026-001" in response.text
    assert "certified until" in response.text


def test_a_closed_project_gives_no_access_and_says_so(world) -> None:
    world.project.state = "closed"
    world.project.closed_at = timezone.now()
    world.project.save()
    names, answer = failed_names(world)
    assert names == ["Project active"]
    assert answer.reason == (
        f"Project active: project P-2026-001 was closed on {timezone.localdate()} (R25)"
    )
    with pytest.raises(AccessDenied, match="Project active: project P-2026-001 was closed"):
        check_project_access(world.researcher, world.project, request_for(world.researcher))


def test_a_project_outside_its_period_gives_no_access(world) -> None:
    ended = timezone.localdate() - timedelta(days=1)
    world.project.ends_on = ended
    world.project.save()
    names, answer = failed_names(world)
    assert "Project active" in names
    assert f"project P-2026-001's period ended on {ended} (R25)" in answer.reason
    world.project.starts_on = timezone.localdate() + timedelta(days=3)
    world.project.ends_on = timezone.localdate() + timedelta(days=300)
    world.project.save()
    names, answer = failed_names(world)
    assert names == ["Project active"]
    assert f"starts on {world.project.starts_on}" in answer.reason


def test_the_project_page_names_the_closed_project(world) -> None:
    world.project.state = "closed"
    world.project.save()
    response = verified_client(world.researcher).get(
        reverse("people:project_entry", kwargs={"pk": world.project.pk})
    )
    assert response.status_code == 403
    assert "Project active: project P-2026-001 was closed" in response.text


def test_one_request_asks_for_exclusions_once(world) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = verified_client(world.researcher)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("people:project_entry", kwargs={"pk": world.project.pk}))
    assert response.status_code == 200
    asked = [q["sql"] for q in queries if "\"kind\" = 'exclusion'" in q["sql"]]
    assert len(asked) == 1, asked


def test_a_decided_exclusion_is_seen_at_once_by_the_same_person_object(world, make_user) -> None:
    assert project_access(world.researcher, world.project).allowed  # the answer is kept
    breach = sanctions.report_breach(
        actor=make_user(Role.OUTPUT_CHECKER),
        researcher=world.researcher,
        what_happened="a",
        evidence="b",
    )
    sanctions.decide(
        actor=world.approver, breach=breach, decision="d", permanent=True, exclusion_ends_on=None
    )
    answer = project_access(world.researcher, world.project)
    assert answer.failed[0].name == "Not sanctioned"
    assert "permanently" in answer.failed[0].why


def test_a_closed_project_names_every_failed_condition(world) -> None:
    agreements.end_agreements_for_project(world.project, reason="project closed (R25)")
    world.project.state = "closed"
    world.project.save()
    names, answer = failed_names(world)
    assert names == ["Project active", "Researcher agreement", "Allowed address"]
    response = verified_client(world.researcher).get(
        reverse("people:project_entry", kwargs={"pk": world.project.pk})
    )
    assert response.status_code == 403
    assert "Project active: project P-2026-001 was closed" in response.text
    assert "Researcher agreement: agreement R-" in response.text
    assert "the agreement was ended (project closed (R25))" in shown(response)
