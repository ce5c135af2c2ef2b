"""The pages: a new application from the basket, the wizard saving drafts with inline findings,
uploads, submission refused with the rule named, the staff review and the four-eyes decision."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from fivesafes.audit.presentation import in_words
from fivesafes.policy.permissions import Role
from fivesafes.projects.models import Application, Project
from tests.conftest import verified_client
from tests.page_text import rule_link, shown
from tests.projects.conftest import PDF, complete, db_state


def test_new_application_from_the_basket_and_the_wizard(pw) -> None:
    client = verified_client(pw.researcher)
    page = client.get(reverse("projects:new_application"))
    assert page.status_code == 200
    response = client.post(
        reverse("projects:new_application"),
        {"institution": pw.institution.pk, "title": "Incomes", "from_basket": "on"},
    )
    application = Application.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("projects:wizard", args=[application.pk, "project"])
    page = client.get(response.url)
    assert "Blocking Upload the research protocol or project description (R12)." in shown(page)
    assert rule_link("R12") in page.text
    variables = client.get(reverse("projects:wizard", args=[application.pk, "variables"]))
    assert b"persons.birth_date" in variables.content
    assert b"particularly identifying" in variables.content


def test_saving_a_step_with_htmx_answers_with_the_findings(pw, draft) -> None:
    client = verified_client(pw.researcher)
    url = reverse("projects:wizard", args=[draft.pk, "population"])
    response = client.post(
        url,
        {"population_definition": "Residents 2010", "total_population": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b'id="findings"' in response.content
    assert b"total population is given only when required" in response.content
    draft.refresh_from_db()
    assert draft.population_definition == "Residents 2010" and draft.total_population


def test_bad_date_names_the_field_and_changes_nothing(pw, draft) -> None:
    client = verified_client(pw.researcher)
    before = db_state()
    response = client.post(
        reverse("projects:wizard", args=[draft.pk, "population"]), {"starts_on": "tomorrow"}
    )
    assert response.status_code == 400
    assert b"Project starts:" in response.content
    assert db_state() == before


def test_upload_by_page_and_wrong_type_refused(pw, draft) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = verified_client(pw.researcher)
    url = reverse("projects:upload_document", args=[draft.pk, "protocol"])
    before = db_state()
    bad = client.post(
        url, {"file": SimpleUploadedFile("p.pdf", b"MZ\x90 exe", "application/pdf")}, follow=True
    )
    assert "The file is a Windows program, whatever its name says" in bad.text
    assert rule_link("R12") in bad.text
    assert db_state() == before
    client.post(url, {"file": SimpleUploadedFile("My protocol.pdf", PDF, "application/pdf")})
    draft.refresh_from_db()
    assert draft.protocol.original_name == "My_protocol.pdf"
    download = client.get(reverse("projects:document", args=[draft.pk, "protocol"]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_submission_with_blocking_findings_is_refused_on_the_page(pw, draft) -> None:
    client = verified_client(pw.researcher)
    before = db_state()
    response = client.post(reverse("projects:submit", args=[draft.pk]), follow=True)
    assert b"Submission is refused while findings block" in response.content
    assert db_state() == before


def test_review_recommend_and_a_second_person_approves(pw, draft, client_as) -> None:
    complete(draft, pw.researcher)
    researcher = verified_client(pw.researcher)
    assert researcher.post(reverse("projects:submit", args=[draft.pk])).status_code == 302
    handler = verified_client(pw.case_handler)
    listing = handler.get(reverse("projects:review"))
    assert draft.reference.encode() in listing.content
    step = lambda c, name, **data: c.post(  # noqa: E731
        reverse("projects:step", args=[draft.pk, name]), data, follow=True
    )
    step(handler, "start_review")
    # Only an approval sets the deletion deadline: nobody else is asked for it.
    handler_page = handler.get(reverse("projects:application", args=[draft.pk]))
    assert b"Recommend" in handler_page.content and b"Deletion deadline" not in handler_page.content
    handler.post(reverse("projects:ask", args=[draft.pk]), {"text": "Why birth date?"})
    question = draft.questions.get()
    researcher.post(reverse("projects:answer", args=[question.pk]), {"text": "Age in months."})
    step(handler, "recommend", note="Meets the rules.")
    page = verified_client(pw.approver).get(reverse("projects:application", args=[draft.pk]))
    assert b"Approve" in page.content and b"Age in months." in page.content
    assert b"Deletion deadline (approval)" in page.content
    deadline = (timezone.localdate() + timedelta(days=900)).isoformat()
    step(verified_client(pw.approver), "approve", deletion_deadline=deadline)
    draft.refresh_from_db()
    assert draft.state == "approved"
    project = Project.objects.get()
    assert project.deletion_deadline.isoformat() == deadline
    project_page = researcher.get(reverse("projects:project", args=[project.pk]))
    assert (
        escape(in_words("application.approve")).encode() in project_page.content
        and b"persons.income" in project_page.content
    )


def test_strangers_see_neither_applications_nor_projects(pw, submitted, client_as) -> None:
    from fivesafes.policy.permissions import Role

    other = client_as(Role.RESEARCHER)
    assert other.get(reverse("projects:application", args=[submitted.pk])).status_code == 404
    assert other.get(reverse("projects:wizard", args=[submitted.pk, "project"])).status_code == 404
    assert (
        other.get(reverse("projects:document", args=[submitted.pk, "protocol"])).status_code == 404
    )


def test_project_list_shows_only_ones_own_projects_to_researchers(
    pw, recommended, client_as
) -> None:
    from fivesafes.policy.permissions import Role
    from fivesafes.projects.services import decisions

    approved = decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    number = approved.project.number.encode()
    assert number in verified_client(pw.researcher).get(reverse("projects:projects")).content
    assert number in verified_client(pw.case_handler).get(reverse("projects:projects")).content
    assert number not in client_as(Role.RESEARCHER).get(reverse("projects:projects")).content


def test_refused_forms_show_nothing_of_someone_elses_application(pw, draft, client_as) -> None:
    from fivesafes.policy.permissions import Role

    other = client_as(Role.RESEARCHER)
    for url in (
        reverse("projects:add_member", args=[draft.pk]),
        reverse("projects:add_external", args=[draft.pk]),
        reverse("projects:save_variable", args=[draft.variables.first().pk]),
    ):
        response = other.post(url, {})
        assert response.status_code == 403, url
        assert b"Incomes" not in response.content


def test_the_institution_page_lists_its_applications_for_the_manager_only(
    pw, recommended, make_user
) -> None:
    from fivesafes.people.services import researchers
    from fivesafes.projects.services import decisions, pricing

    approved = decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=2)
    url = reverse("people:institution", args=[pw.institution.pk])
    page = verified_client(pw.manager).get(url).content.decode()
    assert "Project applications" in page and approved.reference in page
    assert "to accept" in page
    colleague = make_user(Role.RESEARCHER, username="colleague")
    researchers.attach(actor=pw.manager, institution=pw.institution, researcher=colleague)
    seen_by_colleague = verified_client(colleague).get(url)  # the manager's page, not theirs
    assert seen_by_colleague.status_code == 404
    assert approved.reference not in seen_by_colleague.content.decode()
    # Staff who read applications see the list too, and follow it to the application.
    handler = verified_client(pw.case_handler)
    assert approved.reference in handler.get(url).content.decode()
    application_url = reverse("projects:application", args=[approved.pk])
    assert handler.get(application_url).status_code == 200


def test_the_wizard_offers_only_coarsenings_that_fit_each_variable(pw, draft) -> None:
    page = verified_client(pw.researcher).get(
        reverse("projects:wizard", args=[draft.pk, "variables"])
    )
    text = page.content.decode()
    lines = {line.name: line.pk for line in draft.variables.all()}

    def offered(name: str) -> set[str]:
        select = re.search(rf'<select name="v{lines[name]}-coarsening".*?</select>', text, re.S)
        assert select is not None, name
        return set(re.findall(r'<option value="([^"]*)"', select.group(0)))

    assert offered("birth_date") == {"", "year", "month", "groups"}
    # An amount (integer) is never cut to a year or month.
    assert offered("income") == {"", "groups", "municipality"}
