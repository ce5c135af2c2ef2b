"""A known institution applies again: renewal before the end, or after expiry or refusal.

The new case is handled like the first one; by default it starts the day after the
authorisation in force ends, so the agreements under that one run their course and then
lapse (R8).
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from fivesafes.people.models import Authorisation
from fivesafes.people.services import authorisation as cases
from fivesafes.people.services import sanctions
from fivesafes.policy.permissions import Role
from fivesafes.policy.project_access import project_access
from fivesafes.shared.refusals import RuleViolation
from tests.conftest import verified_client
from tests.page_text import rule_link, shown
from tests.people.conftest import db_state
from tests.people.test_api import api_client


def walk_to_registered(case, world) -> Authorisation:
    cases.take_step(actor=world.case_handler, authorisation=case, step="start_evaluation")
    cases.record_credibility(actor=world.case_handler, authorisation=case, assessment="Known.")
    cases.take_step(actor=world.case_handler, authorisation=case, step="prepare_agreement")
    cases.take_step(actor=world.case_handler, authorisation=case, step="recommend")
    cases.take_step(actor=world.approver, authorisation=case, step="approve")
    cases.take_step(actor=world.secretary, authorisation=case, step="send")
    cases.take_step(actor=world.manager, authorisation=case, step="sign")
    return cases.take_step(actor=world.secretary, authorisation=case, step="register")


def test_the_manager_renews_from_the_institution_page(world) -> None:
    client = verified_client(world.manager)
    page = client.get(reverse("people:institution", kwargs={"pk": world.institution.pk}))
    assert "Apply for a new authorisation" in page.text
    response = client.post(
        reverse("people:apply_again", kwargs={"pk": world.institution.pk}),
        {
            "again-application_text": "The same department, five more years.",
            "again-research_group": "Ann Analyst\nBo Econometrician\nRikke",
        },
    )
    assert response.status_code == 302, response.text
    renewal = Authorisation.objects.exclude(pk=world.authorisation.pk).get()
    assert renewal.institution == world.institution and renewal.state == "applied"
    assert response.url == reverse("people:case", kwargs={"pk": renewal.pk})

    # While it is handled, a second application is refused, naming the case.
    before = db_state()
    response = client.post(
        reverse("people:apply_again", kwargs={"pk": world.institution.pk}),
        {"again-application_text": "Again.", "again-research_group": "A\nB"},
    )
    assert response.status_code == 400
    assert (
        f"Case A-{renewal.pk} of Aarhus University is still being handled" in shown(response)
        and rule_link("R1") in response.text
    )
    assert db_state() == before

    # Registered, it takes over the day after the present authorisation ends.
    renewal = walk_to_registered(renewal, world)
    old_end = world.authorisation.valid_until
    assert renewal.valid_from == old_end + timedelta(days=1)
    assert world.institution.current_authorisation().pk == world.authorisation.pk
    assert project_access(world.researcher, world.project).allowed
    assert world.institution.current_authorisation(old_end + timedelta(days=1)).pk == renewal.pk


def test_after_expiry_the_institution_applies_again_over_the_api(world) -> None:
    Authorisation.objects.filter(pk=world.authorisation.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    cases.expire_due()
    assert not world.institution.is_authorised()
    response = api_client(world.manager).post(
        f"/api/v1/people/institutions/{world.institution.pk}/cases",
        {"application_text": "Still here.", "research_group": "Ann\nBo"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    renewal = Authorisation.objects.get(pk=response.json()["id"])
    renewal = walk_to_registered(renewal, world)
    assert renewal.valid_from == timezone.localdate()
    assert world.institution.is_authorised()
    # the agreement made under the expired authorisation stays lapsed (R8)
    answer = project_access(world.researcher, world.project)
    assert [c.name for c in answer.failed] == ["Researcher agreement"]


def test_only_the_manager_applies_and_not_while_withdrawn(world, make_user) -> None:
    stranger = make_user(Role.INSTITUTION_MANAGER, username="stranger")
    before = db_state()
    try:
        cases.apply_again(
            actor=stranger,
            institution=world.institution,
            application_text="Take it over.",
            research_group="A\nB",
        )
    except RuleViolation as violation:
        assert violation.rule == "Appendix 2" and violation.field == "institution"
    else:
        raise AssertionError("another institution's manager applied for it")
    assert db_state() == before

    breach = sanctions.report_breach(
        actor=make_user(Role.OUTPUT_CHECKER),
        researcher=world.researcher,
        what_happened="x",
        evidence="log 1",
    )
    until = timezone.localdate() + timedelta(days=60)
    sanctions.decide(
        actor=world.approver,
        breach=breach,
        decision="d",
        permanent=True,
        exclusion_ends_on=None,
        withdraw_institution_until=until,
    )
    client = api_client(world.manager)
    before = db_state()
    response = client.post(
        f"/api/v1/people/institutions/{world.institution.pk}/cases",
        {"application_text": "Please.", "research_group": "Ann\nBo"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "R24" and response.json()["field"] == "institution"
    assert str(until) in response.json()["detail"]
    assert db_state() == before


def test_a_new_institution_under_a_taken_name_points_to_applying_again(world) -> None:
    try:
        cases.apply(
            actor=world.manager,
            name="aarhus university",
            kind="university",
            country="DK",
            recognition="",
            address="",
            application_text="x",
            research_group="A\nB",
        )
    except RuleViolation as violation:
        assert violation.field == "name" and "applies again" in str(violation)
    else:
        raise AssertionError("a second institution under the same name was created")
