"""Each bad input is refused with the rule named, and nothing changes: not the database, not
the audit log, not the upload directory."""

from __future__ import annotations

import io
import zipfile

import pytest

from fivesafes.policy.permissions import Role
from fivesafes.projects.services import applications as service
from fivesafes.projects.services import assignment, decisions
from fivesafes.shared import uploads
from fivesafes.shared.refusals import AccessDenied, RuleViolation
from tests.projects.conftest import PDF, complete, db_state, pdf_upload


def refused(call, rule: str | None = None, field: str | None = None):
    before = db_state()
    with pytest.raises((RuleViolation, AccessDenied)) as caught:
        call()
    assert db_state() == before
    if rule is not None:
        assert isinstance(caught.value, RuleViolation), caught.value
        assert caught.value.rule == rule, caught.value
    if field is not None:
        assert caught.value.field == field
    return caught.value


def test_submission_with_blocking_findings_is_refused_naming_the_rule(pw, draft) -> None:
    violation = refused(
        lambda: decisions.take_step(actor=pw.researcher, application=draft, step="submit")
    )
    assert "Submission is refused" in str(violation)
    assert violation.rule in {"R11", "R12"}


def test_submission_blocked_by_a_missing_justification_names_the_variable(pw, draft) -> None:
    complete(draft, pw.researcher)
    line = draft.variables.get(name="income")
    service.update_variable(
        actor=pw.researcher, line=line, first_year=2010, last_year=2020, justification=""
    )
    violation = refused(
        lambda: decisions.take_step(actor=pw.researcher, application=draft, step="submit"),
        rule="R11",
        field="variable:persons.income",
    )
    assert "persons.income" in str(violation)


def test_business_data_recent_years_block_submission_r13(pw, draft) -> None:
    from fivesafes.data.models import BasketItem

    BasketItem.objects.create(
        user=pw.researcher, variable=pw.variables["turnover"], first_year=2020, last_year=2025
    )
    service.add_from_basket(actor=pw.researcher, application=draft)
    complete(draft, pw.researcher)
    refused(
        lambda: decisions.take_step(actor=pw.researcher, application=draft, step="submit"),
        rule="R13",
        field="variable:firms.turnover",
    )


def test_an_approver_cannot_approve_their_own_recommendation(pw, submitted, make_user) -> None:
    both = make_user(Role.CASE_HANDLER, Role.APPROVER, username="dual")
    decisions.take_step(actor=both, application=submitted, step="start_review")
    decisions.take_step(actor=both, application=submitted, step="recommend", note="Fine.")
    violation = refused(
        lambda: decisions.take_step(actor=both, application=submitted, step="approve"), rule="R17"
    )
    assert "Four eyes" in str(violation)
    refused(lambda: decisions.take_step(actor=both, application=submitted, step="refuse", note="x"))


def test_an_applicant_cannot_decide_their_own_application(pw, recommended) -> None:
    from fivesafes.accounts.models import RoleAssignment, User

    RoleAssignment.objects.create(user=pw.researcher, role=Role.APPROVER.value)
    applicant = User.objects.get(pk=pw.researcher.pk)
    refused(
        lambda: decisions.take_step(actor=applicant, application=recommended, step="approve"),
        rule="R17",
    )


def test_only_the_applicant_edits_and_only_while_a_draft(pw, submitted, make_user) -> None:
    other = make_user(Role.RESEARCHER)
    refused(lambda: service.update(actor=other, application=submitted, changes={"title": "Mine"}))
    refused(
        lambda: service.update(actor=pw.researcher, application=submitted, changes={"title": "X"}),
        rule="R16",
    )


def test_bad_field_values_name_the_field(pw, draft) -> None:
    refused(
        lambda: service.update(
            actor=pw.researcher, application=draft, changes={"starts_on": "soon"}
        ),
        field="starts_on",
    )
    refused(
        lambda: service.update(actor=pw.researcher, application=draft, changes={"sample_size": -3}),
        field="sample_size",
    )
    refused(
        lambda: service.update(actor=pw.researcher, application=draft, changes={"title": " "}),
        field="title",
    )
    line = draft.variables.first()
    refused(
        lambda: service.update_variable(
            actor=pw.researcher, line=line, first_year=2020, last_year=2010, justification="x"
        ),
        rule="R11",
    )


def test_draft_only_for_an_institution_the_person_belongs_to(pw, make_user) -> None:
    stranger = make_user(Role.RESEARCHER)
    refused(
        lambda: service.create_draft(actor=stranger, institution=pw.institution, title="T"),
        rule="R1",
    )


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office/>")
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.exe", "MZ")
    return buffer.getvalue()


def test_detect_type_by_content() -> None:
    assert uploads.detect_type(PDF) == "pdf"
    assert uploads.detect_type(_docx()) == "docx"
    assert uploads.detect_type(_odt()) == "odt"
    assert uploads.detect_type("Plain text, æøå".encode()) == "txt"
    assert uploads.detect_type(_zip()) is None
    assert uploads.detect_type(b"MZ\x90\x00\x03") is None
    assert uploads.detect_type(b"\xff\xfe\x00bad") is None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("protocol.pdf", b"MZ\x90\x00 an executable"),
        ("protocol.docx", b"PK\x03\x04broken"),
        ("p.docx", None),
        ("empty.txt", b""),
    ],
)
def test_uploads_of_the_wrong_type_are_refused(pw, draft, upload_dir, name, content) -> None:
    data = _zip() if content is None else content
    refused(
        lambda: service.attach_document(
            actor=pw.researcher, application=draft, kind="protocol", upload=pdf_upload(name, data)
        ),
        rule="R12",
        field="protocol",
    )
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


def test_too_large_upload_is_refused(pw, draft, upload_dir, monkeypatch) -> None:
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    refused(
        lambda: service.attach_document(
            actor=pw.researcher, application=draft, kind="dpia", upload=pdf_upload(content=PDF * 10)
        ),
        rule="R12",
        field="dpia",
    )
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


def test_names_are_sanitised_and_the_type_comes_from_the_content(pw, draft, upload_dir) -> None:
    document = service.attach_document(
        actor=pw.researcher,
        application=draft,
        kind="protocol",
        upload=pdf_upload("../../etc/Prøtocol <v2>.txt", PDF),
    )
    assert document.original_name == "Proetocol_v2.pdf"
    assert document.content_type == "application/pdf"
    stored = list(upload_dir.iterdir())
    assert [p.name for p in stored] == [document.stored_name]
    assert stored[0].read_bytes() == PDF
    assert uploads.sanitise_name("...", "txt") == "document.txt"


def test_a_deletion_deadline_before_the_end_date_is_refused(pw, recommended) -> None:
    """R25: the data are deleted after the project ends, not while it runs."""
    from datetime import timedelta

    from fivesafes.projects.models import Project

    early = recommended.ends_on - timedelta(days=1)
    refused(
        lambda: decisions.take_step(
            actor=pw.approver, application=recommended, step="approve", deletion_deadline=early
        ),
        rule="R25",
        field="deletion_deadline",
    )
    assert not Project.objects.exists()


def test_a_mistyped_deletion_deadline_on_the_page_approves_nothing(pw, recommended) -> None:
    from django.urls import reverse

    from tests.conftest import verified_client

    before = db_state()
    page = verified_client(pw.approver).post(
        reverse("projects:step", args=[recommended.pk, "approve"]),
        {"note": "", "deletion_deadline": "31.12.2030"},
        follow=True,
    )
    assert page.status_code == 200
    assert b"Approve: not done" in page.content and b"Deletion deadline" in page.content
    assert db_state() == before


def test_a_member_neither_handles_nor_decides_their_own_project(pw, make_user) -> None:
    """R17: a member of the project who also works for the office (an approver or a case
    handler with a research role) is kept out of its review and decision."""
    from fivesafes.people.services import researchers
    from fivesafes.projects.services import assignment
    from tests.people.conftest import certify
    from tests.projects.conftest import complete

    insider = make_user(Role.RESEARCHER, Role.CASE_HANDLER, Role.APPROVER, username="insider")
    researchers.attach(actor=pw.manager, institution=pw.institution, researcher=insider)
    certify(insider)
    draft = service.create_draft(actor=pw.researcher, institution=pw.institution, title="Ours")
    service.add_member(actor=pw.researcher, application=draft, username="insider")
    complete(draft, pw.researcher)
    decisions.take_step(actor=pw.researcher, application=draft, step="submit")
    refused(
        lambda: assignment.assign(actor=pw.case_handler, application=draft, handler=insider),
        rule="R17",
    )
    refused(
        lambda: decisions.take_step(actor=insider, application=draft, step="start_review"),
        rule="R17",
    )
    decisions.take_step(actor=pw.case_handler, application=draft, step="start_review")
    refused(
        lambda: decisions.ask_question(actor=insider, application=draft, text="Fine?"),
        rule="R17",
    )
    refused(
        lambda: decisions.take_step(
            actor=insider, application=draft, step="return_for_changes", note="x"
        ),
        rule="R17",
    )
    decisions.take_step(actor=pw.case_handler, application=draft, step="recommend", note="ok")
    violation = refused(
        lambda: decisions.take_step(actor=insider, application=draft, step="approve"),
        rule="R17",
    )
    assert "member" in str(violation)
    decisions.take_step(actor=pw.approver, application=draft, step="approve")


def test_a_coarsening_that_does_not_fit_the_variable_is_refused(pw, draft) -> None:
    """R11: "to year" coarsens a date, not an amount; the refusal names the variable."""
    income = draft.variables.get(name="income")
    birth = draft.variables.get(name="birth_date")
    for line, coarsening in ((income, "year"), (income, "month"), (birth, "municipality")):
        violation = refused(
            lambda line=line, coarsening=coarsening: service.update_variable(
                actor=pw.researcher,
                line=line,
                first_year=line.first_year,
                last_year=line.last_year,
                justification="x",
                coarsening=coarsening,
            ),
            rule="R11",
            field=f"variable:{line.label}",
        )
        assert "does not apply" in str(violation)
    for line, coarsening in ((income, "groups"), (birth, "year")):
        service.update_variable(
            actor=pw.researcher,
            line=line,
            first_year=line.first_year,
            last_year=line.last_year,
            justification="x",
            coarsening=coarsening,
        )


def test_an_earlier_recommender_does_not_approve_after_another_round(pw, draft, make_user) -> None:
    """Four eyes over every round (R17): who recommended once, before the application came
    back for changes and someone else recommended it, still may not decide it."""
    first = make_user(Role.CASE_HANDLER, Role.APPROVER, username="first_round")
    complete(draft, pw.researcher)
    take = decisions.take_step
    take(actor=pw.researcher, application=draft, step="submit")
    take(actor=first, application=draft, step="start_review")
    take(actor=first, application=draft, step="recommend", note="Fine.")
    take(actor=pw.case_handler, application=draft, step="return_for_changes", note="Fix years.")
    take(actor=pw.researcher, application=draft, step="submit")
    assignment.assign(actor=pw.case_handler, application=draft, handler=pw.case_handler)
    take(actor=pw.case_handler, application=draft, step="start_review")
    recommended = take(actor=pw.case_handler, application=draft, step="recommend", note="Ok.")
    assert recommended.recommended_by == pw.case_handler
    violation = refused(
        lambda: take(actor=first, application=recommended, step="approve"), "R17", "decided_by"
    )
    assert "different person" in str(violation)
    assert take(actor=pw.approver, application=recommended, step="approve").state == "approved"
