"""Every upload point of an application refuses a zip bomb and a PDF with a script, on the web
page and over the API, quickly, naming the rule and the field and storing nothing (issue 15)."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import verified_client
from tests.foundation.test_upload_bombs import bomb, pdf
from tests.projects.conftest import db_state

SCRIPTED = pdf(b"<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>")


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    return bomb(512)


@pytest.mark.parametrize("kind", ["protocol", "dpia"])
def test_the_api_refuses_a_zip_bomb_and_a_scripted_pdf(pw, draft, upload_dir, zip_bomb, kind):
    client = verified_client(pw.researcher)
    before = db_state()
    for name, content, words in (
        (f"{kind}.docx", zip_bomb, "zip bomb"),
        (f"{kind}.pdf", SCRIPTED, "script"),
    ):
        started = time.perf_counter()
        answer = client.post(
            f"/api/v1/projects/applications/{draft.pk}/documents/{kind}",
            {"file": SimpleUploadedFile(name, content)},
        )
        assert time.perf_counter() - started < 3
        assert answer.status_code == 400
        assert (answer.json()["rule"], answer.json()["field"]) == ("R12", kind)
        assert words in answer.json()["detail"]
    assert db_state() == before
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


def test_the_wizard_page_refuses_a_zip_bomb(pw, draft, upload_dir, zip_bomb) -> None:
    client = verified_client(pw.researcher)
    before = db_state()
    page = client.post(
        reverse("projects:upload_document", args=[draft.pk, "protocol"]),
        {"file": SimpleUploadedFile("protocol.docx", zip_bomb)},
        follow=True,
    )
    text = page.content.decode()
    assert "R12" in text and "zip bomb" in text
    assert db_state() == before
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []
