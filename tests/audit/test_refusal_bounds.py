"""Nobody can grow the audit log without signing in (issue 15, defect 2): refusals of anonymous
requests are recorded with a bounded path, one by one only up to a rate per source and in all,
and the rest are summarised with their count, so the signal of an attack stays in the log."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from fivesafes.audit import services
from fivesafes.audit.chain import verify
from fivesafes.audit.models import AuditEvent
from fivesafes.audit.services import (
    REFUSALS_PER_SOURCE,
    record_refusal,
    summarise_closed_windows,
)

pytestmark = pytest.mark.django_db

HUGE = "/api/v1/projects/applications/" + "9" * 60_000


def refuse_anonymous(count: int, path: str = HUGE, address: str = "127.0.0.1") -> None:
    client = Client(REMOTE_ADDR=address)
    for _ in range(count):
        response = client.get(path, HTTP_AUTHORIZATION="Bearer not-a-token")
        assert response.status_code == 401


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch):
    """Five seconds into a window, so no test crosses into the next one by chance."""
    moment = services.window_start(timezone.now()) + timedelta(seconds=5)
    monkeypatch.setattr(services, "now", lambda: moment)
    return moment


def later(monkeypatch, seconds: int) -> None:
    moment = services.now() + timedelta(seconds=seconds)
    monkeypatch.setattr(services, "now", lambda: moment)


def test_a_hundred_anonymous_refusals_with_huge_paths_add_a_small_bounded_log() -> None:
    refuse_anonymous(100)
    added = list(AuditEvent.objects.order_by("sequence"))
    assert len(added) == REFUSALS_PER_SOURCE
    assert {event.action for event in added} == {"api.refused"}
    size = sum(len(json.dumps(event.data)) for event in added)
    assert size < REFUSALS_PER_SOURCE * 400, size
    first = added[0].data
    assert first["path"] == HUGE[:200]
    assert first["path_length"] == len(HUGE)
    assert first["reason"] == "malformed API token"
    assert added[0].ip_address == "127.0.0.1"

    # When the window has closed, one summary records how many there were.
    assert summarise_closed_windows(services.now() + timedelta(seconds=61)) == 1
    summary = AuditEvent.objects.get(action="api.refused_summarised")
    assert summary.ip_address == "127.0.0.1"
    assert summary.data["source"] == "127.0.0.1"
    assert summary.data["refused"] == 100
    assert summary.data["recorded_one_by_one"] == REFUSALS_PER_SOURCE
    assert summary.data["summarised"] == 100 - REFUSALS_PER_SOURCE
    assert summary.data["reasons"] == {"malformed API token": 100 - REFUSALS_PER_SOURCE}
    assert AuditEvent.objects.count() == REFUSALS_PER_SOURCE + 1
    assert summarise_closed_windows(services.now() + timedelta(seconds=61)) == 0  # only once
    assert verify().ok


def test_the_next_refusal_after_the_window_records_the_summary_first(monkeypatch) -> None:
    refuse_anonymous(REFUSALS_PER_SOURCE + 5, path="/api/v1/projects/applications/1")
    later(monkeypatch, 61)
    refuse_anonymous(1, path="/api/v1/projects/applications/1")
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))
    assert actions == ["api.refused"] * REFUSALS_PER_SOURCE + [
        "api.refused_summarised",
        "api.refused",
    ]
    assert AuditEvent.objects.get(action="api.refused_summarised").data["summarised"] == 5


def test_sources_are_counted_apart_and_an_ipv6_network_as_one(monkeypatch) -> None:
    refuse_anonymous(REFUSALS_PER_SOURCE + 2, path="/api/v1/me", address="10.0.0.1")
    refuse_anonymous(3, path="/api/v1/me", address="10.0.0.2")
    refuse_anonymous(REFUSALS_PER_SOURCE, path="/api/v1/me", address="2001:db8:0:1::1")
    refuse_anonymous(3, path="/api/v1/me", address="2001:db8:0:1::2")  # the same /64
    refused = AuditEvent.objects.filter(action="api.refused")
    assert refused.filter(ip_address="10.0.0.1").count() == REFUSALS_PER_SOURCE
    assert refused.filter(ip_address="10.0.0.2").count() == 3
    assert refused.filter(ip_address__startswith="2001:db8:0:1:").count() == REFUSALS_PER_SOURCE
    summarise_closed_windows(services.now() + timedelta(seconds=61))
    summaries = {
        event.data["source"]: event.data["summarised"]
        for event in AuditEvent.objects.filter(action="api.refused_summarised")
    }
    assert summaries == {"10.0.0.1": 2, "2001:db8:0:1::/64": 3}


def test_many_sources_together_are_capped_too(monkeypatch) -> None:
    monkeypatch.setattr(services, "REFUSALS_ALL_SOURCES", 12)
    for n in range(1, 9):
        refuse_anonymous(2, path="/api/v1/me", address=f"10.0.1.{n}")
    assert AuditEvent.objects.filter(action="api.refused").count() == 12
    summarise_closed_windows(services.now() + timedelta(seconds=61))
    summary = AuditEvent.objects.get(action="api.refused_summarised")
    assert summary.data["source"] == "all sources together"
    assert summary.data["summarised"] == 4
    assert summary.ip_address is None


def test_a_signed_in_persons_refusals_are_all_recorded_with_a_bounded_path(make_user) -> None:
    person = make_user()
    request = RequestFactory().get("/projects/" + "x" * 5000)
    request.user = person
    for _ in range(REFUSALS_PER_SOURCE + 5):
        assert record_refusal(audit_action="access.denied", request=request, reason="r" * 1000)
    events = AuditEvent.objects.filter(action="access.denied")
    assert events.count() == REFUSALS_PER_SOURCE + 5
    data = events.first().data
    assert len(data["path"]) == 200 and data["path_length"] == 5010
    assert len(data["reason"]) == 200


@pytest.mark.django_db(transaction=True)
def test_server_processes_refusing_at_once_count_together() -> None:
    """Four connections at once (as four server processes would) share one count."""
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def refuse() -> None:
        try:
            start.wait()
            refuse_anonymous(10, path="/api/v1/me", address="10.0.2.1")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=refuse) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert AuditEvent.objects.filter(action="api.refused").count() == REFUSALS_PER_SOURCE
    summarise_closed_windows(services.now() + timedelta(seconds=61))
    summary = AuditEvent.objects.get(action="api.refused_summarised")
    assert summary.data["refused"] == 40
    assert verify().ok
