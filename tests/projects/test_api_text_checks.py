"""The API checks text as strictly as the web forms (issue 15, defect 7): NUL bytes and control
characters, texts past their limit, a list where an object belongs and a period ending before
it starts are refused with a 422 naming the field, and change nothing; audit entries keep the
start and the length of an oversized text, never megabytes."""

from __future__ import annotations

import json

import pytest

from fivesafes.audit.models import AuditEvent
from fivesafes.audit.services import MAX_TEXT, record
from tests.conftest import verified_client
from tests.projects.conftest import db_state


def send(client, method: str, path: str, body) -> object:
    return getattr(client, method)(
        f"/api/v1/projects{path}", data=json.dumps(body), content_type="application/json"
    )


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"purpose": "Incomes\x00 by age"}, "purpose", "NUL"),
        ({"title": "A\x07bell"}, "title", "control characters"),
        ({"purpose": "x" * (1024 * 1024)}, "purpose", "At most 20,000 characters"),
        ({"title": "t" * 201}, "title", "At most 200 characters"),
        ({"starts_on": "9999-12-31"}, "starts_on", "between 1900-01-01 and 2199-12-31"),
        ({"starts_on": "2027-06-01", "ends_on": "2027-01-01"}, "ends_on", "before it starts"),
    ],
)
def test_bad_text_and_dates_in_an_application_change_are_refused(pw, draft, body, field, words):
    client = verified_client(pw.researcher)
    before = db_state()
    answer = send(client, "patch", f"/applications/{draft.pk}", body)
    assert answer.status_code == 422, answer.content[:300]
    detail = answer.json()["detail"]
    assert field in detail and words in detail, detail
    assert db_state() == before


def test_a_list_where_an_object_belongs_is_refused(pw, draft) -> None:
    client = verified_client(pw.researcher)
    before = db_state()
    answer = send(client, "patch", f"/applications/{draft.pk}", [{"title": "A list"}])
    assert answer.status_code == 422
    assert "JSON object" in answer.json()["detail"]
    assert db_state() == before


def test_a_question_with_a_nul_byte_is_refused(pw, submitted) -> None:
    handler = verified_client(pw.case_handler)
    before = db_state()
    answer = send(handler, "post", f"/applications/{submitted.pk}/questions", {"text": "Why\x00"})
    assert answer.status_code == 422 and "text" in answer.json()["detail"]
    assert db_state() == before


def test_an_ordinary_change_still_goes_through(pw, draft) -> None:
    client = verified_client(pw.researcher)
    answer = send(client, "patch", f"/applications/{draft.pk}", {"purpose": "Incomes\tby age\n"})
    assert answer.status_code == 200, answer.content[:300]


def test_an_audit_entry_keeps_the_start_and_the_length_of_a_huge_text(db) -> None:
    event = record(action="login.failed", data={"purpose": "p" * 1_000_000, "short": "ok"})
    stored = AuditEvent.objects.get(pk=event.pk).data
    assert stored["short"] == "ok"
    assert stored["purpose"].startswith("p" * MAX_TEXT)
    assert stored["purpose"].endswith("(1,000,000 characters in all)")
    assert len(json.dumps(stored)) < MAX_TEXT + 200
