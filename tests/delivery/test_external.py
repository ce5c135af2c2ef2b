"""External data through a one-time upload link (R15), with the contract's fake extraction core
and the real linkage core: the link's token (kept hashed, used once, expiring, wrong), the
agreement reference, oversized and wrong-type files, the linkage core's refusals in words
naming the field, the raw file deleted, every step audited, the delivery held until the data
arrived, and links withdrawn with their files when staff cancel or the plan is discarded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fivesafes.audit.models import AuditEvent
from fivesafes.delivery import folders
from fivesafes.delivery.models import ExternalUpload
from fivesafes.delivery.services import external, planning, running
from fivesafes.shared.refusals import AccessDenied, RuleViolation
from tests.delivery.external_world import PNRS, REFERENCE, SOURCE, send, survey_csv, xw  # noqa: F401
from tests.foundation.test_upload_bombs import bomb, pdf

pytestmark = pytest.mark.django_db


def link(w, source: str = SOURCE) -> tuple[ExternalUpload, str]:
    return external.issue_link(actor=w.handler, delivery=w.delivery, source=source, owner="DSI")


def actions(upload: ExternalUpload) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(upload.pk), action__startswith="delivery.external")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def leftovers(w) -> list[str]:
    root = folders.external_dir(w.project.number)
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_token_is_kept_only_as_its_hash_and_the_link_is_audited(xw) -> None:  # noqa: F811
    upload, token = link(xw)
    assert len(token) >= 40 and upload.token_hash != token
    assert upload.token_hash == external.hash_token(token)
    assert upload.table_name == "SURVEY_OF_LIVING_CONDITIONS"
    assert upload.expires_at > timezone.now() + timedelta(days=13)
    event = AuditEvent.objects.get(action="delivery.external_link_issued")
    assert token not in str(event.data) and token not in str(event.after)
    assert external.find(token) == upload


def test_an_accepted_file_is_checked_its_raw_file_deleted_and_the_link_used_up(xw) -> None:  # noqa: F811
    upload, token = link(xw)
    received = send(token, survey_csv(PNRS))
    assert received.state == "received"
    assert received.agreement_reference == REFERENCE
    assert received.report["rows"] == 3 and received.report["persons"] == 3
    assert [c["name"] for c in received.report["columns"]] == ["satisfaction", "smoker"]
    assert received.raw_deleted_at is not None
    # Only the checked copy is left; the raw upload and any temporary file are gone.
    assert leftovers(xw) == [received.checked_path.rsplit("/", 1)[-1]]
    assert actions(upload) == [
        "delivery.external_link_issued",
        "delivery.external_received",
        "delivery.external_raw_deleted",
    ]
    received_event = AuditEvent.objects.get(action="delivery.external_received")
    assert "0101800001" not in str(received_event.data)
    with pytest.raises(AccessDenied):
        send(token, survey_csv(PNRS))


def test_a_wrong_token_and_an_expired_link_are_refused(xw) -> None:  # noqa: F811
    upload, token = link(xw)
    with pytest.raises(AccessDenied):
        send(token[:-2] + "xx", survey_csv(PNRS))
    with pytest.raises(AccessDenied):
        send("", survey_csv(PNRS))
    ExternalUpload.objects.filter(pk=upload.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(AccessDenied):
        send(token, survey_csv(PNRS))
    assert external.settle()["expired"] == [upload.pk]
    upload.refresh_from_db()
    assert upload.state == "expired"
    assert "delivery.external_expired" in actions(upload)


def test_an_oversized_file_is_refused_and_nothing_is_kept(xw, settings) -> None:  # noqa: F811
    settings.FIVESAFES_EXTERNAL_MAX_BYTES = 60
    upload, token = link(xw)
    with pytest.raises(RuleViolation) as refused:
        send(token, survey_csv(PNRS))
    assert refused.value.field == "file" and "MiB" in str(refused.value)
    upload.refresh_from_db()
    assert upload.state == "issued" and leftovers(xw) == []
    assert actions(upload)[-1] == "delivery.external_refused"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("survey.xlsx", b"pnr\n0101800001\n", "none of these"),
        ("survey.csv", b"PK\x03\x04" + bytes(200), "ZIP"),
        ("survey.csv", b"", "empty"),
        ("survey.csv", b"pnr;satisfaction\n", "no data rows"),
        ("survey.csv", b"id;satisfaction\n12;3\n14;5\n", "person number"),
        ("survey.csv", survey_csv(PNRS + PNRS[:1]), "more than one row"),
        ("survey.csv", "pnr;by\n0101800001;K\xf8ge\n".encode("utf-16"), "The file"),
        ("../../survey.csv", b"pnr;a\n0101800001;1\n", ""),
        # upload bombs and oddities (issue 15): a zip bomb, a PDF with a script and a program,
        # each named as a survey, are refused by what they are
        ("survey.csv", bomb(8), "ZIP"),
        ("survey.csv", pdf(b"<< /OpenAction << /S /JavaScript /JS (x) >> >>"), "PDF"),
        ("survey.csv", b"MZ\x90\x00\x03" + bytes(60) + b"PE\x00\x00", "none of the accepted kinds"),
    ],
)
def test_the_linkage_refusals_are_said_in_words_naming_the_field(
    xw,  # noqa: F811
    name: str,
    content: bytes,
    words: str,
) -> None:
    upload, token = link(xw)
    if not words:  # a path in the name is dropped: only the base name is ever used
        assert send(token, content, name=name).file_name == "survey.csv"
        return
    with pytest.raises(RuleViolation) as refused:
        send(token, content, name=name)
    assert refused.value.field == "file"
    assert words in str(refused.value)
    upload.refresh_from_db()
    assert upload.state == "issued" and leftovers(xw) == []


def test_the_agreement_reference_must_be_given_and_match_the_one_on_file(xw) -> None:  # noqa: F811
    upload, token = link(xw)
    for reference in ("", "DPA-1999-01"):
        with pytest.raises(RuleViolation) as refused:
            send(token, survey_csv(PNRS), reference=reference)
        assert refused.value.field == "agreement_reference"
    assert send(token, survey_csv(PNRS), reference=" dpa-2026-17 ").state == "received"


def test_the_delivery_waits_for_the_external_data(xw) -> None:  # noqa: F811
    with pytest.raises(RuleViolation) as refused:
        running.start(actor=xw.handler, delivery=xw.delivery)
    assert refused.value.field == "external_data" and SOURCE in str(refused.value)
    _upload, token = link(xw)
    send(token, survey_csv(PNRS))
    xw.delivery.refresh_from_db()
    started = running.start(actor=xw.handler, delivery=xw.delivery)
    assert started.state == "running"


def test_a_link_for_a_source_not_in_the_scope_or_twice_is_refused(xw) -> None:  # noqa: F811
    with pytest.raises(RuleViolation) as refused:
        link(xw, source="Tax records of Atlantis")
    assert refused.value.field == "source"
    link(xw)
    with pytest.raises(RuleViolation):
        link(xw)


def test_staff_withdraw_a_file_and_a_discarded_plan_takes_its_links(
    xw,  # noqa: F811
    django_capture_on_commit_callbacks,
) -> None:
    upload, token = link(xw)
    send(token, survey_csv(PNRS))
    upload.refresh_from_db()
    with pytest.raises(AccessDenied):
        external.cancel(actor=xw.researcher, upload=upload)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = external.cancel(actor=xw.handler, upload=upload)
    assert cancelled.state == "cancelled"
    cancelled.refresh_from_db()
    assert cancelled.checked_deleted_at is not None and leftovers(xw) == []
    second, _token = link(xw)
    planning.discard(actor=xw.handler, delivery=xw.delivery)
    second.refresh_from_db()
    assert second.state == "cancelled"
    assert "delivery.external_cancelled" in actions(second)


def test_a_closed_project_ends_its_links_and_deletes_its_external_files(
    xw,  # noqa: F811
    django_capture_on_commit_callbacks,
) -> None:
    upload, token = link(xw)
    send(token, survey_csv(PNRS))
    xw.project.state = xw.project.State.CLOSED
    xw.project.save()
    with pytest.raises(AccessDenied):
        send(token, survey_csv(PNRS))
    with django_capture_on_commit_callbacks(execute=True):
        assert external.settle()["cancelled"] == [upload.pk]
    upload.refresh_from_db()
    assert upload.state == "cancelled" and leftovers(xw) == []
