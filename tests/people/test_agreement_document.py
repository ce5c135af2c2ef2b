"""The researcher agreement per project as a PDF (R8, Appendix 3), its signatures and readers."""

from __future__ import annotations

import hashlib

from django.core.files.storage import default_storage
from django.urls import reverse

from fivesafes.audit.models import AuditEvent
from fivesafes.people.models import AgreementSignature
from fivesafes.policy.permissions import Role
from tests.conftest import assert_refused_without_change, verified_client
from tests.pdf import pdf_text
from tests.people.conftest import add_member
from tests.people.test_api import api_client


def test_the_agreement_is_a_pdf_of_its_project_period_and_addresses(world) -> None:
    agreement = world.agreement
    content = default_storage.open(agreement.document, "rb").read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == agreement.document_sha256
    text = pdf_text(content)
    assert "RESEARCHER AGREEMENT" in text
    assert "P-2026-001 Labour market careers" in text
    assert f"Access period: {agreement.starts_on} to {agreement.ends_on}." in text
    assert "127.0.0.1/32, 192.0.2.0/24" in text
    assert "Aarhus University" in text
    assert "token" in text
    assert "three months' notice" in " ".join(text.split())


def test_both_signatures_name_the_document(world) -> None:
    signatures = list(
        AgreementSignature.objects.filter(agreement=world.agreement).values_list(
            "party", "signer__username", "document_sha256"
        )
    )
    digest = world.agreement.document_sha256
    assert signatures == [("researcher", "rikke", digest), ("institution", "mads", digest)]
    signed = AuditEvent.objects.get(action="agreement.signed")
    assert signed.data["document_sha256"] == digest


def test_researcher_manager_and_staff_download_it_others_do_not(world, make_user) -> None:
    url = reverse("people:researcher_agreement_pdf", kwargs={"pk": world.agreement.pk})
    for reader in (world.researcher, world.manager, world.case_handler, world.approver):
        response = verified_client(reader).get(url)
        assert response.status_code == 200, reader
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    colleague = make_user(Role.RESEARCHER)
    other_manager = make_user(Role.INSTITUTION_MANAGER)
    checker = make_user(Role.OUTPUT_CHECKER)
    for stranger in (colleague, other_manager, checker):
        response = verified_client(stranger).get(url)
        assert response.status_code == 404, stranger
        assert "not yours to see" in response.text


def test_the_pages_link_to_the_pdf(world) -> None:
    link = reverse("people:researcher_agreement_pdf", kwargs={"pk": world.agreement.pk})
    mine = verified_client(world.researcher).get(reverse("people:my_access"))
    assert link in mine.text and f"Agreement R-{world.agreement.pk} (PDF)" in mine.text
    institution = verified_client(world.manager).get(
        reverse("people:institution", kwargs={"pk": world.institution.pk})
    )
    assert link in institution.text


def test_the_api_lists_agreements_with_signatures_and_serves_the_pdf(world, make_user) -> None:
    client = api_client(world.researcher)
    [listed] = client.get("/api/v1/people/agreements").json()["items"]
    assert listed["document_sha256"] == world.agreement.document_sha256
    assert [s["party"] for s in listed["signatures"]] == ["researcher", "institution"]
    response = client.get(f"/api/v1/people/agreements/{world.agreement.pk}/document")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert api_client(world.manager).get("/api/v1/people/agreements").json()["items"][0]["id"] == (
        world.agreement.pk
    )
    stranger = api_client(make_user(Role.RESEARCHER))
    assert stranger.get("/api/v1/people/agreements").json() == {"items": [], "count": 0}
    refused = stranger.get(f"/api/v1/people/agreements/{world.agreement.pk}/document")
    assert refused.status_code == 404


def test_an_affiliated_researchers_agreement_names_the_contact_person_and_invoices(
    world, make_user
) -> None:
    """R7, Appendix 3 terms 13-17: responsibility, contact person, invoices to the institution."""
    from django.utils import timezone

    from fivesafes.people.services import agreements, researchers

    contact = make_user(Role.RESEARCHER, username="karen")
    contact.full_name = "Karen Kontakt"
    contact.save(update_fields=["full_name"])
    researchers.attach(actor=world.manager, institution=world.institution, researcher=contact)
    foreigner = make_user(Role.RESEARCHER, username="ingrid")
    researchers.attach(
        actor=world.manager,
        institution=world.institution,
        researcher=foreigner,
        affiliated=True,
        contact_person=contact,
        accepts_responsibility=True,
    )
    add_member(world.project, foreigner)
    today = timezone.localdate()
    agreement = agreements.create(
        actor=world.manager,
        researcher=foreigner,
        project=world.project,
        starts_on=today,
        ends_on=today.replace(year=today.year + 1),
        allowed_networks="198.51.100.0/24",
    )
    text = " ".join(pdf_text(default_storage.open(agreement.document, "rb").read()).split())
    assert "accepts responsibility" in text
    assert "appoints Karen Kontakt, who is responsible for all contact" in text
    assert "invoices concerning the affiliated researcher are sent to and paid by" in text
    # an attached (not affiliated) researcher's agreement has none of these terms
    own = " ".join(pdf_text(default_storage.open(world.agreement.document, "rb").read()).split())
    assert "invoices" not in own and "contact person" not in own


def test_either_party_ends_the_agreement_at_three_months_notice(world, make_user) -> None:
    """Appendix 3 (R25): the researcher or the manager gives notice; access ends with it."""
    from datetime import timedelta

    from django.utils import timezone

    from fivesafes.people.rules import add_months
    from fivesafes.policy.project_access import project_access
    from tests.people.conftest import db_state

    agreement = world.agreement
    url = reverse("people:agreement_notice", kwargs={"pk": agreement.pk})
    # a colleague, another institution's manager: neither may even read the agreement, so
    # both are refused as if it did not exist (404) on the page and over the API alike; nothing
    # changes but the audit log, which keeps both refusals
    colleague = verified_client(make_user(Role.RESEARCHER))
    other_manager = api_client(make_user(Role.INSTITUTION_MANAGER))
    before = db_state()
    response = colleague.post(url)
    assert response.status_code == 404
    assert "not yours to see" in response.text
    response = other_manager.post(f"/api/v1/people/agreements/{agreement.pk}/notice")
    assert response.status_code == 404
    assert "not yours to see" in response.json()["detail"]
    assert_refused_without_change(before, db_state, refusals=2)

    page = verified_client(world.researcher).get(reverse("people:my_access"))
    assert f"Give three months' notice on R-{agreement.pk}" in page.text
    response = verified_client(world.researcher).post(url, follow=True)
    last_day = add_months(timezone.localdate(), 3)
    assert f"now ends on {last_day}" in response.text
    agreement.refresh_from_db()
    assert agreement.ends_on == last_day
    assert project_access(world.researcher, world.project).allowed
    later = project_access(world.researcher, world.project, on=last_day + timedelta(days=1))
    assert "Researcher agreement" in [c.name for c in later.failed]
    event = AuditEvent.objects.get(action="agreement.notice_given")
    assert event.actor_label == "rikke"
    # notice once: the manager's second notice is refused, naming the rule
    response = api_client(world.manager).post(f"/api/v1/people/agreements/{agreement.pk}/notice")
    assert (
        response.status_code == 400
        and response.json()["rule"] == "R25"
        and response.json()["field"] == "ends_on"
    )
