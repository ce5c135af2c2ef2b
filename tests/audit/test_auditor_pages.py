"""The auditor browses and filters the log; nobody else may."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fivesafes.audit.actions import REGISTRY
from fivesafes.audit.models import AuditEvent
from fivesafes.audit.services import record
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def listed_actions(response) -> list[str]:
    return re.findall(r'<code class="muted action">([^<]+)</code>', response.content.decode())


@pytest.fixture
def history(make_user):
    alice, bob = make_user(username="alice"), make_user(username="bob")
    record(action="login.succeeded", actor=alice)
    record(action="login.failed", data={"username": "alice"})
    record(
        action="application.approve",
        actor=bob,
        obj=alice,
        before={"state": "submitted"},
        after={"state": "approved"},
    )
    record(action="login.succeeded", actor=bob)
    return alice, bob


@pytest.fixture
def auditor(make_user):
    return verified_client(make_user(Role.AUDITOR, username="aksel"))


def test_the_auditor_sees_every_event_newest_first(history, auditor) -> None:
    response = auditor.get(reverse("audit:list"))
    assert response.status_code == 200
    assert listed_actions(response) == [
        "login.succeeded",
        "application.approve",
        "login.failed",
        "login.succeeded",
    ]


def test_filter_by_action_prefix(history, auditor) -> None:
    response = auditor.get(reverse("audit:list"), {"action": "login."})
    assert listed_actions(response) == ["login.succeeded", "login.failed", "login.succeeded"]
    assert "3 events" in response.content.decode()


def test_filter_by_person(history, auditor) -> None:
    response = auditor.get(reverse("audit:list"), {"person": "bob"})
    assert listed_actions(response) == ["login.succeeded", "application.approve"]


def test_filter_by_object(history, auditor) -> None:
    alice, _ = history
    response = auditor.get(
        reverse("audit:list"), {"object_type": "accounts.user", "object_id": str(alice.pk)}
    )
    assert listed_actions(response) == ["application.approve"]


def test_filter_by_date_range(history, auditor) -> None:
    today = timezone.localdate()
    in_range = auditor.get(reverse("audit:list"), {"since": today, "until": today})
    assert len(listed_actions(in_range)) == AuditEvent.objects.count()
    later = auditor.get(reverse("audit:list"), {"since": today + timedelta(days=1)})
    assert listed_actions(later) == []
    assert "No events match these filters." in later.content.decode()
    earlier = auditor.get(reverse("audit:list"), {"until": today - timedelta(days=1)})
    assert listed_actions(earlier) == []


def test_a_reversed_date_range_is_explained_at_the_field(history, auditor) -> None:
    today = timezone.localdate()
    response = auditor.get(
        reverse("audit:list"), {"since": today, "until": today - timedelta(days=2)}
    )
    assert "The end date is before the start date." in response.content.decode()


def test_htmx_filtering_returns_only_the_results(history, auditor) -> None:
    response = auditor.get(
        reverse("audit:list"),
        {"action": "application."},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="audit-results",
    )
    body = response.content.decode()
    assert "<html" not in body
    assert listed_actions(response) == ["application.approve"]


def test_the_log_reads_in_words_first(history, auditor) -> None:
    body = auditor.get(reverse("audit:list")).content.decode()
    cells = re.findall(r'<td>([^<]+)<br><code class="muted action">([^<]+)</code>', body)
    assert cells[1:3] == [
        ("The application was approved (four eyes, R17)", "application.approve"),
        ("A sign-in failed: wrong username or password", "login.failed"),
    ]
    event = AuditEvent.objects.get(action="login.succeeded", actor_label="alice")
    detail = auditor.get(reverse("audit:detail", args=[event.sequence])).content.decode()
    assert f"Audit event #{event.sequence}: Signed in with both factors (R10)</h1>" in detail


def test_an_event_no_longer_declared_still_reads_in_words(auditor) -> None:
    REGISTRY.declare("tests.old", {"login.wrong_password": "An action since renamed"})
    record(action="login.wrong_password")
    REGISTRY.forget("tests.old")
    body = auditor.get(reverse("audit:list")).content.decode()
    assert 'Login wrong password<br><code class="muted action">login.wrong_password' in body


def test_the_log_is_paginated(auditor) -> None:
    for i in range(60):
        record(action=f"test.bulk_{i:02d}")
    first = auditor.get(reverse("audit:list"), {"action": "test.bulk"})
    assert len(listed_actions(first)) == 50
    assert "page 1 of 2" in first.content.decode()
    second = auditor.get(reverse("audit:list"), {"action": "test.bulk", "page": 2})
    assert listed_actions(second) == [f"test.bulk_{i:02d}" for i in range(9, -1, -1)]


def test_an_event_shows_what_changed(history, auditor) -> None:
    event = AuditEvent.objects.get(action="application.approve")
    response = auditor.get(reverse("audit:detail", args=[event.sequence]))
    body = response.content.decode()
    assert response.status_code == 200
    assert re.search(r"<th scope=\"row\">state</th><td>submitted</td><td>approved</td>", body)
    assert event.hash in body


def test_a_researcher_is_refused_and_the_refusal_is_audited(history, client_as) -> None:
    researcher = client_as(Role.RESEARCHER)
    response = researcher.get(reverse("audit:list"))
    assert response.status_code == 403
    assert "view_audit_log" in response.content.decode()
    denied = AuditEvent.objects.filter(action="access.denied").latest("sequence")
    assert denied.data["path"] == reverse("audit:list")
    assert researcher.get(reverse("audit:detail", args=[1])).status_code == 403


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client) -> None:
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_an_event_shows_its_details(history, auditor) -> None:
    event = AuditEvent.objects.get(action="login.failed")
    body = auditor.get(reverse("audit:detail", args=[event.sequence])).content.decode()
    assert "<dt>username</dt><dd>alice</dd>" in body
    assert "— (no signed-in person)" in body
