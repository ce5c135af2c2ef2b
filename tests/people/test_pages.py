"""The pages show a refusal next to the field, naming the rule, and change nothing."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from fivesafes.people.models import Authorisation, ResearcherAgreement
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client
from tests.page_text import shown
from tests.people.conftest import add_member, db_state


def test_invalid_cidr_in_the_agreement_form(world) -> None:
    client = verified_client(world.manager)
    before = db_state()
    today = timezone.localdate()
    response = client.post(
        reverse("people:new_agreement", kwargs={"pk": world.institution.pk}),
        {
            "agreement-researcher": "rikke",
            "agreement-project": "P-2026-001",
            "agreement-starts_on": today,
            "agreement-ends_on": today + timedelta(days=10),
            "agreement-allowed_networks": "192.0.2.1/24",
        },
    )
    assert response.status_code == 400
    assert (
        "Allowed IP addresses or ranges: '192.0.2.1/24' is not a valid IP address or CIDR range"
        in shown(response)
    )
    assert db_state() == before


def test_approving_own_preparation_on_the_case_page(make_user) -> None:
    both = make_user(Role.CASE_HANDLER, Role.APPROVER)
    manager = make_user(Role.INSTITUTION_MANAGER)
    client = verified_client(manager)
    response = client.post(
        reverse("people:apply"),
        {
            "name": "Aalborg Institute",
            "kind": "sector_research_institute",
            "country": "DK",
            "address": "Street 1",
            "application_text": "Research",
            "research_group": "A\nB",
        },
    )
    case = Authorisation.objects.get()
    assert response.status_code == 302
    staff = verified_client(both)
    for step in ("start_evaluation",):
        assert (
            staff.post(reverse("people:step", kwargs={"pk": case.pk, "step": step})).status_code
            == 302
        )
    staff.post(reverse("people:credibility", kwargs={"pk": case.pk}), {"assessment": "Sound"})
    for step in ("prepare_agreement", "recommend"):
        assert (
            staff.post(reverse("people:step", kwargs={"pk": case.pk, "step": step})).status_code
            == 302
        )
    before = db_state()
    response = staff.post(reverse("people:step", kwargs={"pk": case.pk, "step": "approve"}))
    assert response.status_code == 400
    assert (
        f"Four eyes: you prepared the agreement on Case A-{case.pk}, so a different person "
        "must approve and sign for the office (R17)." in shown(response)
    )
    assert db_state() == before


def test_the_manager_cannot_see_another_institution(world, make_user) -> None:
    other = verified_client(make_user(Role.INSTITUTION_MANAGER))
    response = other.get(reverse("people:institution", kwargs={"pk": world.institution.pk}))
    assert response.status_code == 404
    response = other.get(reverse("people:case", kwargs={"pk": world.authorisation.pk}))
    assert response.status_code == 404


def test_a_researcher_cannot_take_a_staff_step(world) -> None:
    client = verified_client(world.researcher)
    response = client.post(
        reverse("people:step", kwargs={"pk": world.authorisation.pk, "step": "withdraw"})
    )
    assert response.status_code == 404
    world.authorisation.refresh_from_db()
    assert world.authorisation.state == "registered"


def test_case_list_filters_and_due_dates(world, make_user) -> None:
    client = verified_client(world.case_handler)
    manager = make_user(Role.INSTITUTION_MANAGER)
    verified_client(manager).post(
        reverse("people:apply"),
        {
            "name": "Late Institute",
            "kind": "ngo",
            "country": "DK",
            "address": "x",
            "application_text": "y",
            "research_group": "A\nB",
        },
    )
    Authorisation.objects.filter(institution__name="Late Institute").update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    response = client.get(reverse("people:cases"))
    assert "Late Institute" in response.text and "overdue" in response.text
    assert "Aarhus University" not in response.text  # registered: not open
    response = client.get(reverse("people:cases"), {"state": "registered"})
    assert "Aarhus University" in response.text and "Late Institute" not in response.text


def test_access_report_per_person_project_and_institution(world, make_user) -> None:
    client = verified_client(make_user(Role.AUDITOR))
    for query in ({"person": "rikke"}, {"project": "P-2026-001"}, {"institution": "Aarhus"}):
        response = client.get(reverse("people:access_report"), query)
        assert response.status_code == 200
        assert "Rikke" in response.text and "P-2026-001" in response.text, query
    response = client.get(reverse("people:access_report"), {"person": "nobody"})
    assert "Nobody matches" in response.text


def test_agreement_signing_by_the_researcher_and_countersigning(world, make_user) -> None:
    other = make_user(Role.RESEARCHER, username="newbie")
    from fivesafes.people.services import agreements, researchers

    researchers.attach(actor=world.manager, institution=world.institution, researcher=other)
    add_member(world.project, other)
    today = timezone.localdate()
    agreement = agreements.create(
        actor=world.manager,
        researcher=other,
        project=world.project,
        starts_on=today,
        ends_on=today + timedelta(days=5),
        allowed_networks="127.0.0.1",
    )
    # someone else (a colleague, not a party to it) may not even read it: refused (403)
    response = verified_client(world.researcher).post(
        reverse("people:sign_agreement", kwargs={"pk": agreement.pk})
    )
    assert response.status_code == 404
    assert "not yours to see" in response.text
    verified_client(other).post(reverse("people:sign_agreement", kwargs={"pk": agreement.pk}))
    verified_client(world.manager).post(reverse("people:countersign", kwargs={"pk": agreement.pk}))
    agreement = ResearcherAgreement.objects.get(pk=agreement.pk)
    assert agreement.researcher_signed_at and agreement.countersigned_by == world.manager


def test_case_filter_answers_htmx_with_the_table_only(world) -> None:
    client = verified_client(world.case_handler)
    response = client.get(
        reverse("people:cases"),
        {"state": "registered"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="case-results",
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "Aarhus University" in response.text
