"""Distributed linking in the room (seed 004, R15): a link keyed by serial comes with a
scrambling-key file over the project's population; staff take it for the owner; the owner's
file keyed by serial is translated to person numbers; serials never issued are refused
(counted, nothing kept); the key file is deleted, verified and audited, when the link ends."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.urls import reverse
from django.utils import timezone

from fivesafes.audit.models import AuditEvent
from fivesafes.delivery.models import ExternalUpload
from fivesafes.delivery.services import external
from fivesafes.shared.refusals import RuleViolation
from tests.conftest import verified_client
from tests.delivery.external_world import REFERENCE, SOURCE, send, xw  # noqa: F401
from tests.delivery.fake_core import POPULATION
from tests.delivery.test_api import api_as

pytestmark = pytest.mark.django_db


def serial_link(w) -> tuple[ExternalUpload, str]:
    return external.issue_link(
        actor=w.handler, delivery=w.delivery, source=SOURCE, owner="DSI", keyed_by="serial"
    )


def key_rows(w, upload: ExternalUpload) -> dict[str, str]:
    _name, content = external.take_scrambling_key(actor=w.handler, upload=upload)
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    return {row["pnr"]: row["serial"] for row in rows}


def by_serial(serials: list[str]) -> bytes:
    lines = ["serial;satisfaction"] + [f"{s};{n % 10 + 1}" for n, s in enumerate(serials)]
    return ("\n".join(lines) + "\n").encode()


def key_files(upload: ExternalUpload) -> list[Path]:
    record = Path(upload.scrambling_key)
    return sorted(p for p in record.parent.iterdir() if p.stem == record.stem)


def test_the_owners_file_keyed_by_serial_is_linked_to_the_population(
    xw,  # noqa: F811
    django_capture_on_commit_callbacks,
) -> None:
    upload, token = serial_link(xw)
    assert upload.keyed_by == "serial" and len(key_files(upload)) == 2
    keys = key_rows(xw, upload)
    assert sorted(keys) == POPULATION
    assert len(set(keys.values())) == len(POPULATION)
    assert all(len(s) == 12 and s.isdigit() for s in keys.values())
    received = send(token, by_serial([keys[p] for p in POPULATION[:3]]))
    assert received.state == "received" and received.report["rows"] == 3
    checked = pq.read_table(received.checked_path)
    assert sorted(checked.column("pnr").to_pylist()) == POPULATION[:3]
    assert "serial" not in checked.schema.names
    taken = AuditEvent.objects.get(action="delivery.scrambling_key_taken")
    assert taken.data["serials"] == len(POPULATION)
    for pnr in POPULATION:
        assert pnr not in str(list(AuditEvent.objects.values_list("data", flat=True)))
    with django_capture_on_commit_callbacks(execute=True):
        external.cancel(actor=xw.handler, upload=received)
    received.refresh_from_db()
    assert received.key_deleted_at is not None and key_files(received) == []
    assert AuditEvent.objects.filter(action="delivery.scrambling_key_deleted").count() == 1


def test_serials_never_issued_are_refused_and_nothing_is_kept(xw) -> None:  # noqa: F811
    upload, token = serial_link(xw)
    keys = key_rows(xw, upload)
    with pytest.raises(RuleViolation) as refused:
        send(token, by_serial([keys[POPULATION[0]], "999999999999", "100000000000"]))
    assert refused.value.field == "file"
    assert "2 rows carry serials that were never issued" in refused.value.finding.message
    upload.refresh_from_db()
    assert upload.state == "issued" and not upload.checked_path
    with pytest.raises(RuleViolation) as with_people:
        send(token, b"serial;pnr\n" + f"{keys[POPULATION[0]]};{POPULATION[0]}\n".encode())
    assert "person numbers" in with_people.value.finding.message


def test_an_expired_serial_link_loses_its_key_file(xw) -> None:  # noqa: F811
    upload, _token = serial_link(xw)
    ExternalUpload.objects.filter(pk=upload.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    done = external.settle()
    assert upload.pk in done["expired"] and upload.pk in done["removed"]
    upload.refresh_from_db()
    assert upload.state == "expired" and upload.key_deleted_at is not None
    assert key_files(upload) == []
    with pytest.raises(RuleViolation):
        external.take_scrambling_key(actor=xw.handler, upload=upload)


def test_the_key_file_over_the_page_and_the_api_for_staff_only(xw) -> None:  # noqa: F811
    made = api_as(xw.handler).post(
        f"/api/v1/deliveries/{xw.delivery.pk}/external",
        {"source": SOURCE, "owner": "DSI", "keyed_by": "serial"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["keyed_by"] == "serial"
    upload = ExternalUpload.objects.get(pk=made.json()["id"])
    over_api = api_as(xw.handler).get(f"/api/v1/deliveries/external/{upload.pk}/scrambling-key")
    assert over_api.status_code == 200 and over_api["Content-Type"].startswith("text/csv")
    assert over_api.content.decode().splitlines()[0] == "pnr,serial"
    key_url = reverse("delivery:scrambling_key", args=[upload.pk])
    shown = verified_client(xw.handler).get(reverse("delivery:delivery", args=[xw.delivery.pk]))
    assert key_url in shown.content.decode()
    page = verified_client(xw.handler).get(key_url)
    assert page.status_code == 200 and page["Cache-Control"].startswith("no-store")
    assert page.content == over_api.content
    member = verified_client(xw.researcher).get(
        reverse("delivery:scrambling_key", args=[upload.pk])
    )
    assert member.status_code == 403
    external.cancel(actor=xw.handler, upload=upload)
    plain, _token = external.issue_link(
        actor=xw.handler, delivery=xw.delivery, source=SOURCE, owner="DSI"
    )
    none = api_as(xw.handler).get(f"/api/v1/deliveries/external/{plain.pk}/scrambling-key")
    assert none.status_code == 400 and none.json()["field"] == "scrambling_key"
    refused = api_as(xw.handler).post(
        f"/api/v1/deliveries/{xw.delivery.pk}/external",
        {"source": SOURCE, "owner": "DSI", "keyed_by": "postcode"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "keyed_by" in refused.json()["detail"]
