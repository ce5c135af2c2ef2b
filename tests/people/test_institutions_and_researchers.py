"""R3 exemption, termination at notice, affiliation of foreign researchers and moving (R7)."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fivesafes.audit.models import AuditEvent
from fivesafes.people.models import Attachment
from fivesafes.people.rules import add_months
from fivesafes.people.services import agreements, researchers
from fivesafes.people.services import authorisation as cases
from fivesafes.policy.permissions import Role
from fivesafes.policy.project_access import project_access
from tests.conftest import assert_refused_without_change, verified_client
from tests.page_text import rule_link, shown
from tests.people.conftest import authorise, db_state


def consultancy_case(make_user, staff):
    manager = make_user(Role.INSTITUTION_MANAGER)
    case = cases.apply(
        actor=manager,
        name="Numbers & Co Consulting",
        kind="consultancy",
        country="DK",
        recognition="",
        address="",
        application_text="Evaluations for ministries.",
        research_group="A\nB\nC",
    )
    cases.take_step(actor=staff["case_handler"], authorisation=case, step="start_evaluation")
    return case


def test_consultancy_exemption_needs_public_client_and_written_guarantee(make_user, staff) -> None:
    case = consultancy_case(make_user, staff)
    client = verified_client(staff["approver"])
    page = client.get(reverse("people:case", kwargs={"pk": case.pk}))
    assert (
        "Consultancy firms get no microdata with business data" in shown(page)
        and rule_link("R3") in page.text
    )
    url = reverse("people:exemption", kwargs={"pk": case.pk})
    before = db_state()
    response = client.post(
        url, {"reason": "Ministry of Labour evaluation", "client_is_public_or_eligible_ngo": "on"}
    )
    assert response.status_code == 400
    assert (
        "The exemption needs the client's written guarantee" in shown(response)
        and rule_link("R3") in response.text
    )
    assert db_state() == before
    guarantee = SimpleUploadedFile(
        "guarantee.pdf", b"%PDF-1.4 guarantee", content_type="application/pdf"
    )
    response = client.post(
        url,
        {
            "reason": "Ministry of Labour evaluation",
            "client_is_public_or_eligible_ngo": "on",
            "guarantee": guarantee,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.business_data_exemption and case.exemption_guarantee.name
    # a case handler cannot grant it
    assert verified_client(staff["case_handler"]).post(url, {}).status_code == 403


def test_the_manager_gives_three_months_notice(world, make_user) -> None:
    stranger = make_user(Role.INSTITUTION_MANAGER)
    before = db_state()
    client = verified_client(stranger)
    response = client.post(
        reverse("people:step", kwargs={"pk": world.authorisation.pk, "step": "give_notice"})
    )
    assert response.status_code == 404  # not their institution's case
    # Nothing changed; the refusal itself is audited (one event).
    assert_refused_without_change(before, db_state)
    cases.take_step(actor=world.manager, authorisation=world.authorisation, step="give_notice")
    world.authorisation.refresh_from_db()
    today = timezone.localdate()
    assert world.authorisation.state == "terminated"
    assert world.authorisation.valid_until == add_months(today, 3)
    # access continues while the notice runs, and ends with it
    assert project_access(world.researcher, world.project).allowed
    later = add_months(today, 3) + timedelta(days=1)
    answer = project_access(world.researcher, world.project, on=later)
    assert "Institution" in [c.name for c in answer.failed]


def test_foreign_researcher_is_affiliated_with_contact_person(world, make_user) -> None:
    foreigner = make_user(Role.RESEARCHER, username="ingrid")
    contact = make_user(Role.RESEARCHER, username="contact")
    from fivesafes.shared.refusals import RuleViolation

    # The contact person must belong to the institution (R7: the institution appoints one).
    client = verified_client(world.manager)
    response = client.post(
        reverse("people:attach", kwargs={"pk": world.institution.pk}),
        {
            "attach-researcher": "ingrid",
            "attach-affiliated": "on",
            "attach-contact_person": "contact",
            "attach-accepts_responsibility": "on",
        },
    )
    assert response.status_code == 400
    assert (
        "The contact person must be the manager or someone attached" in shown(response)
        and rule_link("R7") in response.text
    )
    assert not Attachment.objects.filter(researcher=foreigner).exists()
    researchers.attach(actor=world.manager, institution=world.institution, researcher=contact)

    try:
        researchers.attach(
            actor=world.manager,
            institution=world.institution,
            researcher=foreigner,
            affiliated=True,
        )
    except RuleViolation as violation:
        assert violation.rule == "R7" and violation.field == "contact_person"
    else:
        raise AssertionError("an affiliation without a contact person was accepted")
    client = verified_client(world.manager)
    response = client.post(
        reverse("people:attach", kwargs={"pk": world.institution.pk}),
        {
            "attach-researcher": "ingrid",
            "attach-affiliated": "on",
            "attach-contact_person": "contact",
        },
    )
    assert response.status_code == 400
    assert (
        "The institution must accept responsibility" in shown(response)
        and rule_link("R7") in response.text
    )
    response = client.post(
        reverse("people:attach", kwargs={"pk": world.institution.pk}),
        {
            "attach-researcher": "ingrid",
            "attach-affiliated": "on",
            "attach-contact_person": "contact",
            "attach-accepts_responsibility": "on",
        },
    )
    assert response.status_code == 302
    affiliation = Attachment.objects.get(researcher=foreigner)
    assert affiliation.kind == "affiliated" and affiliation.contact_person == contact
    assert affiliation.accepted_by == world.manager and affiliation.is_accepted


def test_a_researcher_moves_to_another_institution(world, make_user, staff) -> None:
    other_manager = make_user(Role.INSTITUTION_MANAGER, username="othermgr")
    other = authorise(manager=other_manager, name="Aalborg University", **staff)
    tomorrow = timezone.localdate() + timedelta(days=1)
    researchers.attach(
        actor=other_manager,
        institution=other.institution,
        researcher=world.researcher,
        starts_on=tomorrow,
    )
    old = Attachment.objects.get(researcher=world.researcher, institution=world.institution)
    assert old.ends_on == timezone.localdate()
    # today still at the old institution; from tomorrow at the new one, where the agreement
    # made under the old institution's authorisation no longer carries
    assert project_access(world.researcher, world.project).allowed
    answer = project_access(world.researcher, world.project, on=tomorrow)
    institution = next(c for c in answer.conditions if c.name == "Institution")
    assert institution.met and "Aalborg University" in institution.why
    assert [c.name for c in answer.failed] == ["Researcher agreement"]
    assert "a new agreement is needed" in answer.reason
    # The agreement stays valid today; the sweep of the day after ends it, naming why (R8).
    assert agreements.end_agreements_of_leavers() == 0
    assert agreements.end_agreements_of_leavers(on=tomorrow) == 1
    world.agreement.refresh_from_db()
    assert world.agreement.ended_at is not None
    assert "no longer attached to" in world.agreement.end_reason


def test_a_move_from_today_ends_the_old_agreements_at_once(world, make_user, staff) -> None:
    other_manager = make_user(Role.INSTITUTION_MANAGER, username="othermgr")
    other = authorise(manager=other_manager, name="Aalborg University", **staff)
    researchers.attach(
        actor=other_manager, institution=other.institution, researcher=world.researcher
    )
    world.agreement.refresh_from_db()
    assert world.agreement.ended_at is not None
    assert "moved to Aalborg University" in world.agreement.end_reason
    assert AuditEvent.objects.filter(action="agreement.lapsed").exists()


def test_the_manager_ends_an_attachment_and_access_ends(world, make_user) -> None:
    attachment = Attachment.objects.get(researcher=world.researcher)
    url = reverse("people:end_attachment", kwargs={"pk": attachment.pk})
    stranger = verified_client(make_user(Role.INSTITUTION_MANAGER))
    # another institution's manager may not even see the researcher: refused as missing (404)
    response = stranger.post(url)
    assert response.status_code == 404
    assert "not yours to see" in response.text
    attachment.refresh_from_db()
    assert attachment.ends_on is None
    assert project_access(world.researcher, world.project).allowed
    response = verified_client(world.manager).post(url, follow=True)
    assert "is no longer attached from today" in response.text
    attachment.refresh_from_db()
    # The last day attached was yesterday: access through the institution ends at once, and
    # the agreement the manager countersigned ends with the attachment (R8).
    assert attachment.ends_on == timezone.localdate() - timedelta(days=1)
    answer = project_access(world.researcher, world.project)
    assert [c.name for c in answer.failed] == ["Institution", "Researcher agreement"]
    world.agreement.refresh_from_db()
    assert world.agreement.end_reason == "the researcher left Aarhus University (R8)"
    # Ending it again is refused and changes nothing.
    before = db_state()
    response = verified_client(world.manager).post(url, follow=True)
    assert (
        "Rikke's attachment to Aarhus University ended on" in shown(response)
        and rule_link("R1") in response.text
    )
    assert db_state() == before


def test_the_manager_marks_a_researcher_as_working_abroad_and_back(world, make_user) -> None:
    """R7: a researcher of a domestic institution works abroad under its responsibility."""
    from tests.people.test_api import api_client

    attachment = Attachment.objects.get(researcher=world.researcher)
    url = reverse("people:working_abroad", kwargs={"pk": attachment.pk})
    page = verified_client(world.manager).get(
        reverse("people:institution", kwargs={"pk": world.institution.pk})
    )
    assert "Mark Rikke as working abroad" in page.text
    stranger = verified_client(make_user(Role.INSTITUTION_MANAGER))
    response = stranger.post(url, {"working_abroad": "on"})
    assert response.status_code == 404
    assert "not yours to see" in response.text
    attachment.refresh_from_db()
    assert attachment.working_abroad is False

    response = verified_client(world.manager).post(url, {"working_abroad": "on"}, follow=True)
    assert "is marked as working abroad" in response.text
    attachment.refresh_from_db()
    assert attachment.working_abroad is True
    answer = project_access(world.researcher, world.project)
    assert answer.allowed
    assert "working abroad under its responsibility" in answer.conditions[1].why

    response = api_client(world.manager).post(
        f"/api/v1/people/attachments/{attachment.pk}/working-abroad",
        {"working_abroad": False},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["working_abroad"] is False
    from fivesafes.audit.models import AuditEvent

    assert list(
        AuditEvent.objects.filter(action__startswith="researcher.", object_id=str(attachment.pk))
        .exclude(action="researcher.attached")
        .values_list("action", flat=True)
        .order_by("sequence")
    ) == ["researcher.working_abroad", "researcher.back_home"]
