"""The audit log in Danish: an auditor who reads Danish gets the log, its filters and an
event's page in Danish, with each action's meaning in Danish; one who reads English, English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fivesafes.audit.models import AuditEvent
from fivesafes.audit.services import record
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def danish(person):
    person.language = "da"
    person.save(update_fields=["language"])
    return person


@pytest.fixture
def event(make_user):
    record(action="job.enqueued", actor=make_user(username="rut"), data={"task": "self_check"})
    return AuditEvent.objects.get(action="job.enqueued")


def test_the_log_and_an_event_in_danish(make_user, event) -> None:
    auditor = verified_client(danish(make_user(Role.AUDITOR)))
    page = auditor.get(reverse("audit:list")).content.decode()
    assert "<h1>Revisionslog</h1>" in page and "Ryd filtre" in page
    assert "Et baggrundsjob blev sat i kø" in page  # the action's meaning, in Danish
    assert "Objekttype" in page and "Filter the audit log" not in page
    detail = auditor.get(reverse("audit:detail", args=[event.sequence])).content.decode()
    assert f"Hændelse nr. {event.sequence} i revisionsloggen: Et baggrundsjob blev sat i kø" in (
        detail
    )
    assert "Før og efter" not in detail and "Hashværdi" in detail


def test_a_bad_date_range_is_refused_in_danish(make_user, event) -> None:
    auditor = verified_client(danish(make_user(Role.AUDITOR)))
    page = auditor.get(reverse("audit:list"), {"since": "2026-12-05", "until": "2026-12-01"})
    assert "Slutdatoen ligger før startdatoen." in page.content.decode()


def test_the_log_stays_english_for_an_english_reader(make_user, event) -> None:
    page = verified_client(make_user(Role.AUDITOR)).get(reverse("audit:list")).content.decode()
    assert "<h1>Audit log</h1>" in page and "A background job was queued" in page
    assert "Revisionslog" not in page and "baggrundsjob" not in page
