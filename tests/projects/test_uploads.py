"""Uploads through the wizard page (R12): PDF, DOCX, ODT and TXT are accepted by their content
whatever their name says; executables renamed to a document's name are refused, nothing is
stored; names are sanitised; the applicant downloads the same bytes again."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import verified_client
from tests.projects.conftest import PDF, db_state


def _zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
ODT = _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office/>"})
TXT = "Protocol: incomes by age, cohorts 1980-1990. Æblegrød.\n".encode()
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00"
SCRIPT = b"#!/bin/sh\nrm -rf ~\n"
MACRO_DOCX = _zip(
    {
        "[Content_Types].xml": "<Types><Override ContentType="
        '"application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
        "word/document.xml": "<w:document/>",
        "word/vbaProject.bin": "macro",
    }
)

MACRO_ODT = _zip(
    {
        "mimetype": "application/vnd.oasis.opendocument.text",
        "content.xml": "<office/>",
        "Basic/Standard/Module1.xml": "<script:module>Shell(...)</script:module>",
    }
)


def _upload(client, application, name: str, content: bytes, kind: str = "protocol"):
    url = reverse("projects:upload_document", args=[application.pk, kind])
    return client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)


@pytest.mark.parametrize(
    ("name", "content", "shown", "content_type"),
    [
        ("Protokol (endelig).pdf", PDF, "Protokol_endelig.pdf", "application/pdf"),
        (
            "protocol.docx",
            DOCX,
            "protocol.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("protocol.odt", ODT, "protocol.odt", "application/vnd.oasis.opendocument.text"),
        ("notes.txt", TXT, "notes.txt", "text/plain"),
        # The content decides the type: a PDF sent as ".doc" is stored and named as a PDF.
        ("protocol.doc", PDF, "protocol.pdf", "application/pdf"),
    ],
)
def test_documents_are_accepted_by_their_content(
    pw, draft, upload_dir, name, content, shown, content_type
) -> None:
    client = verified_client(pw.researcher)
    page = _upload(client, draft, name, content)
    assert page.status_code == 200
    text = page.content.decode()
    assert "On file:" in text and f">{shown}</a>" in text
    draft.refresh_from_db()
    assert draft.protocol.original_name == shown
    assert draft.protocol.content_type == content_type
    download = client.get(reverse("projects:document", args=[draft.pk, "protocol"]))
    assert b"".join(download.streaming_content) == content
    assert shown in download["Content-Disposition"]
    # Stored under a generated name, never the sender's.
    assert [p.name for p in upload_dir.iterdir()] == [draft.protocol.stored_name]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("protocol.pdf", ELF),
        ("protocol.docx", PE),
        ("protocol.txt", SCRIPT),
        ("protocol.docx", MACRO_DOCX),
        ("protocol.odt", MACRO_ODT),
    ],
)
def test_renamed_executables_are_refused_and_nothing_is_stored(
    pw, draft, upload_dir, name, content
) -> None:
    client = verified_client(pw.researcher)
    before = db_state()
    page = _upload(client, draft, name, content, kind="dpia")
    text = page.content.decode()
    assert "R12" in text
    assert "whatever its name says" in text or "Only PDF, DOCX, ODT and plain text" in text
    assert db_state() == before
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\ida\\Desktop\\Ærø protokol.pdf", "Aeroe_protokol.pdf"),
        ("<b>draft</b> v2.pdf", "b_v2.pdf"),
        ("invoice.pdf.exe", "invoice_pdf.pdf"),
        ("....pdf", "document.pdf"),
    ],
)
def test_names_are_sanitised(pw, draft, upload_dir, name, expected) -> None:
    client = verified_client(pw.researcher)
    _upload(client, draft, name, PDF)
    draft.refresh_from_db()
    assert draft.protocol.original_name == expected
