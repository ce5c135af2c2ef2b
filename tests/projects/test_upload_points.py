"""Upload bombs and oddities at the upload points of applications, breaches and consultancy
exemptions, on the page and over the API (issue 15): a zip bomb, a file over the limit, a PDF with a script and a program
renamed to a document are each refused with a message naming the reason, and nothing is
stored, in the database, the file store or the audit log (a refused input changes nothing).
A path-traversal name cannot place a file anywhere: the file is kept under a generated name
inside the store, and the name shown is sanitised.

The checks themselves (shared/archives.py, shared/pdf_scan.py, shared/uploads.py) are tested
on their own in tests/foundation/test_upload_bombs.py; this table proves each point uses them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import verified_client
from tests.foundation.test_upload_bombs import bomb, pdf
from tests.projects.conftest import PDF

LIMIT = 200_000  # the size limit during these tests (the real one is 20 MB)
SCRIPTED_PDF = pdf(b"<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>")
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00"

# (oddity, file name, content, words the refusal must contain)
ODDITIES = [
    ("zip bomb", "notes.docx", None, "zip bomb"),
    ("over the limit", "notes.txt", b"x" * (LIMIT + 1), f"the limit is {LIMIT} bytes"),
    ("PDF with a script", "notes.pdf", SCRIPTED_PDF, "script"),
    ("program with a document's name", "notes.pdf", PROGRAM, "Windows program"),
]


def _application(pw: Any) -> Any:
    from fivesafes.projects.services import applications

    return applications.create_draft(actor=pw.researcher, institution=pw.institution, title="T")


def _breach(pw: Any) -> Any:
    from fivesafes.people.services import sanctions

    return sanctions.report_breach(
        actor=pw.case_handler, researcher=pw.researcher, what_happened="a", evidence="b"
    )


def _exemption_case(pw: Any) -> Any:
    from tests.people.test_institutions_and_researchers import consultancy_case

    staff = {"case_handler": pw.case_handler, "approver": pw.approver, "secretary": pw.secretary}
    return consultancy_case(pw.make_user, staff)


# What a point sends besides the file.
EXTRA = {
    "exemption guarantee, API": {
        "reason": "Evaluation for the Ministry of Labour",
        "client_is_public_or_eligible_ngo": "true",
    }
}


def _post(
    client: Any, url: str, field: str, name: str, content: bytes, api: bool, extra: dict
) -> str:
    """Send the file; the refusal's words (the page shown again with them, or the API's)."""
    response = client.post(url, {field: SimpleUploadedFile(name, content), **extra})
    assert response.status_code == 400, (url, response.status_code, response.content[:300])
    return response.json()["detail"] if api else response.content.decode()


# (upload point, who sends, the object it belongs to, its URL, the form field, on the API)
POINTS: dict[str, tuple[str, Callable[[Any], Any], Callable[[Any], str], str, bool]] = {
    "application document, page": (
        "researcher",
        _application,
        lambda a: reverse("projects:upload_document", args=[a.pk, "protocol"]),
        "file",
        False,
    ),
    "application document, API": (
        "researcher",
        _application,
        lambda a: f"/api/v1/projects/applications/{a.pk}/documents/protocol",
        "file",
        True,
    ),
    "breach evidence, page": (
        "case_handler",
        _breach,
        lambda b: reverse("people:add_evidence", kwargs={"pk": b.pk}),
        "files",
        False,
    ),
    "breach evidence, API": (
        "case_handler",
        _breach,
        lambda b: f"/api/v1/people/breaches/{b.pk}/evidence",
        "files",
        True,
    ),
    "exemption guarantee, API": (
        "approver",
        _exemption_case,
        lambda case: f"/api/v1/people/cases/{case.pk}/exemption",
        "guarantee",
        True,
    ),
}


def _stored() -> tuple[int, int, int, int, list[str]]:
    from fivesafes import files
    from fivesafes.audit.models import AuditEvent
    from fivesafes.people.models import Authorisation, BreachEvidence
    from fivesafes.projects.models import UploadedDocument

    kept = sorted(str(p) for p in Path(files.root()).rglob("*") if p.is_file())
    return (
        UploadedDocument.objects.count(),
        BreachEvidence.objects.count(),
        Authorisation.objects.filter(business_data_exemption=True).count(),
        AuditEvent.objects.count(),
        kept,
    )


@pytest.fixture(scope="module")
def small_bomb() -> bytes:
    return bomb(64)


@pytest.fixture
def limited(monkeypatch) -> None:
    from fivesafes.shared import uploads

    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", LIMIT)


@pytest.mark.parametrize("point", POINTS)
def test_every_oddity_is_refused_at_every_upload_point_and_nothing_is_kept(
    pw, make_user, limited, small_bomb, point: str
) -> None:
    pw.make_user = make_user
    who, make, url_of, field, api = POINTS[point]
    target = make(pw)
    client = verified_client(getattr(pw, who))
    url = url_of(target)
    before = _stored()
    for oddity, name, content, words in ODDITIES:
        text = _post(client, url, field, name, content or small_bomb, api, EXTRA.get(point, {}))
        assert words in text, f"{point}, {oddity}: the refusal does not say '{words}'"
        assert _stored() == before, f"{point}, {oddity}: something was kept"


@pytest.mark.parametrize("point", POINTS)
def test_a_path_traversal_name_places_nothing_outside_the_store(
    pw, make_user, point: str, tmp_path
) -> None:
    pw.make_user = make_user
    who, make, url_of, field, _api = POINTS[point]
    target = make(pw)
    client = verified_client(getattr(pw, who))
    escape = tmp_path / "escaped.pdf"
    name = "../" * 12 + str(escape).lstrip("/")
    client.post(url_of(target), {field: SimpleUploadedFile(name, PDF), **EXTRA.get(point, {})})
    assert not escape.exists()
    from fivesafes import files

    root = Path(files.root()).resolve()
    kept = [p.resolve() for p in root.rglob("*.pdf")]
    assert kept, f"{point}: the document itself is acceptable and kept"
    assert all(root in p.parents and ".." not in p.name for p in kept)
