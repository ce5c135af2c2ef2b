"""GET /healthz: 200 when database, worker and data folder are up; 503 naming what is down;
the audit anchor, when it cannot be written, is "degraded" (200)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from fivesafes.jobs.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def stale_window(settings) -> None:
    settings.FIVESAFES_WORKER_STALE_AFTER = timedelta(seconds=60)


def beat(worker_id: str = "w1", *, ago: timedelta = timedelta(seconds=3)) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        host="host",
        pid=123,
        started_at=now - timedelta(hours=1),
        last_seen=now - ago,
    )


def test_all_up_answers_200_with_each_component(client) -> None:
    beat()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["components"]) == {"database", "worker", "data_dir", "audit_anchor"}
    assert all(c["state"] == "ok" for c in body["components"].values())
    assert body["components"]["worker"]["last_heartbeat_age_seconds"] == pytest.approx(3, abs=2)
    assert "MB free" in body["components"]["data_dir"]["detail"]
    assert response["Cache-Control"].startswith("max-age=0")


def test_no_worker_heartbeat_answers_503_naming_the_worker(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["failing"]) == ("down", ["worker"])
    assert body["components"]["worker"]["detail"] == (
        "no worker heartbeat within 60 s (no worker has ever run)"
    )
    assert body["components"]["database"]["state"] == "ok"


def test_a_stale_heartbeat_counts_as_down_and_says_how_old(client) -> None:
    beat(ago=timedelta(minutes=5))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "last one 300" in response.json()["components"]["worker"]["detail"]


def test_an_unwritable_data_folder_answers_503(client, settings, tmp_path) -> None:
    beat()
    settings.DATA_DIR = tmp_path / "missing"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["data_dir"]
    assert body["components"]["data_dir"]["detail"].startswith("not writable")


def test_a_broken_database_answers_503(client, monkeypatch) -> None:
    from fivesafes.jobs import health

    class Broken:
        vendor = "postgresql"
        OperationalError = type("OperationalError", (Exception,), {})

        def cursor(self):
            raise self.OperationalError("could not connect to server db.internal as fivesafes")

    monkeypatch.setattr(health, "connection", Broken())
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert "database" in body["failing"]
    assert body["components"]["database"]["detail"] == "query failed (OperationalError)"
    assert "db.internal" not in response.content.decode()


def test_health_never_shows_secrets_or_paths(client) -> None:
    beat()
    text = client.get("/healthz").content.decode()
    for secret in (
        django_settings.SECRET_KEY,
        django_settings.FIVESAFES_AUDIT_KEY,
        str(django_settings.DATA_DIR),
        str(django_settings.DATABASES["default"]["NAME"]),
    ):
        assert secret not in text


def test_an_unwritable_audit_anchor_is_degraded_and_still_answers_200(
    client, settings, tmp_path
) -> None:
    beat()
    blocker = tmp_path / "a file"
    blocker.write_text("")
    settings.FIVESAFES_AUDIT_ANCHOR = blocker / "anchor.log"
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["degraded"]) == ("degraded", ["audit_anchor"])
    assert "failing" not in body
    assert body["components"]["audit_anchor"]["detail"].startswith("anchor file not writable (")
    assert str(tmp_path) not in response.content.decode()
