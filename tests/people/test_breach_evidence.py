"""Breach evidence files (R24): checked by content and size, names sanitised, staff read them."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fivesafes.audit.models import AuditEvent
from fivesafes.people.models import Breach, BreachEvidence
from fivesafes.people.services import sanctions
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client
from tests.page_text import rule_link, shown
from tests.people.conftest import db_state
from tests.people.test_api import api_client

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4 transfer log extract"


def files_in(folder) -> list[str]:
    evidence = folder / "people" / "evidence"
    return sorted(p.name for p in evidence.iterdir()) if evidence.exists() else []


def report(client, **files):
    return client.post(
        reverse("people:report_breach"),
        {
            "researcher": "rikke",
            "what_happened": "Tried to take out individual records.",
            "evidence": "Output request 17.",
            **files,
        },
    )


def test_evidence_files_are_kept_with_the_report(world, people_files) -> None:
    handler = verified_client(world.case_handler)
    response = report(
        handler,
        files=[
            SimpleUploadedFile("../../etc/Transfer log æøå.pdf", PDF),
            SimpleUploadedFile("screenshot.txt", PNG),  # a PNG, whatever its name says
        ],
    )
    assert response.status_code == 302
    breach = Breach.objects.get()
    stored = {e.name: e for e in breach.files.all()}
    assert set(stored) == {"Transfer_log_aeoea.pdf", "screenshot.png"}
    assert stored["screenshot.png"].content_type == "image/png"
    assert len(files_in(people_files)) == 2
    assert not any(name.startswith(".") for name in files_in(people_files))
    assert AuditEvent.objects.filter(action="breach.evidence_added").count() == 2
    page = handler.get(reverse("people:breach", kwargs={"pk": breach.pk}))
    assert "Transfer_log_aeoea.pdf" in page.text and "image/png" in page.text
    download = handler.get(
        reverse("people:evidence_file", kwargs={"pk": stored["screenshot.png"].pk})
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG


def test_a_file_of_another_type_refuses_the_whole_report(world, people_files) -> None:
    before = db_state()
    response = report(
        verified_client(world.case_handler),
        files=[
            SimpleUploadedFile("log.pdf", PDF),
            SimpleUploadedFile("evidence.pdf", b"MZ\x90\x00\x03\x00 an executable"),
        ],
    )
    assert response.status_code == 400
    assert (
        "The file is a Windows program, whatever its name says." in shown(response)
        and rule_link("R24") in response.text
    )
    assert "Only PDF, plain text, PNG and JPEG files are accepted" in response.text
    assert db_state() == before
    assert not Breach.objects.exists() and files_in(people_files) == []


def test_too_large_and_empty_files_are_refused(world, people_files, monkeypatch) -> None:
    monkeypatch.setattr("fivesafes.shared.uploads.MAX_UPLOAD_BYTES", 10)
    client = verified_client(world.case_handler)
    response = report(client, files=[SimpleUploadedFile("big.txt", b"x" * 11)])
    assert response.status_code == 400
    assert (
        "The file is 11 bytes; the limit is 10 bytes (R24)." in shown(response)
        and rule_link("R24") in response.text
    )
    response = report(client, files=[SimpleUploadedFile("empty.txt", b"")])
    assert response.status_code == 400
    assert not Breach.objects.exists() and files_in(people_files) == []


def test_only_staff_read_evidence_and_none_is_added_after_the_decision(world, make_user) -> None:
    checker = make_user(Role.OUTPUT_CHECKER)
    breach = sanctions.report_breach(
        actor=checker,
        researcher=world.researcher,
        what_happened="a",
        evidence="b",
        files=[SimpleUploadedFile("note.txt", b"statement of the checker")],
    )
    evidence = breach.files.get()
    url = reverse("people:evidence_file", kwargs={"pk": evidence.pk})
    assert verified_client(checker).get(url).status_code == 403
    assert verified_client(world.researcher).get(url).status_code == 403
    assert verified_client(world.approver).get(url).status_code == 200
    sanctions.decide(
        actor=world.approver, breach=breach, decision="d", permanent=True, exclusion_ends_on=None
    )
    response = verified_client(world.case_handler).post(
        reverse("people:add_evidence", kwargs={"pk": breach.pk}),
        {"files": [SimpleUploadedFile("late.txt", b"too late")]},
    )
    assert response.status_code == 400
    assert (
        "The breach has been decided; its evidence is closed (R24)." in shown(response)
        and rule_link("R24") in response.text
    )
    assert breach.files.count() == 1


def test_evidence_over_the_api(world, make_user) -> None:
    checker = api_client(make_user(Role.OUTPUT_CHECKER))
    breach = checker.post(
        "/api/v1/people/breaches",
        {"researcher": "rikke", "what_happened": "a", "evidence": "b"},
        content_type="application/json",
    ).json()
    url = f"/api/v1/people/breaches/{breach['id']}/evidence"
    refused = checker.post(url, {"files": [SimpleUploadedFile("x.pdf", b"\x00\x01binary")]})
    assert refused.status_code == 400
    assert (
        refused.json()["rule"] == "R24"
        and refused.json()["field"] == "files"
        and refused.json()["detail"].startswith("Only PDF, plain text, PNG and JPEG")
    )
    added = checker.post(url, {"files": [SimpleUploadedFile("log.pdf", PDF)]})
    assert added.status_code == 201, added.content
    [file] = added.json()
    assert file["name"] == "log.pdf" and file["content_type"] == "application/pdf"
    staff = api_client(world.approver)
    detail = staff.get(f"/api/v1/people/breaches/{breach['id']}").json()
    assert [f["sha256"] for f in detail["files"]] == [file["sha256"]]
    download = staff.get(f"{url}/{file['id']}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert checker.get(f"{url}/{file['id']}").status_code == 403
    assert BreachEvidence.objects.count() == 1
