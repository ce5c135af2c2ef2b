"""The tampering table (issue 15, defect 3): each way someone with write access to the database
could alter the audit log, done with raw SQL past the model and the append-only triggers, is
detected by `fivesafes audit verify`, which names what is wrong. The chain head is anchored in a
per-test file (tests/conftest.py) by `record` after each commit.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from fivesafes.audit import anchor
from fivesafes.audit.chain import verify
from fivesafes.audit.models import AuditChainHead, AuditEvent
from fivesafes.audit.services import record

pytestmark = pytest.mark.django_db


def verify_failure() -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify", stdout=StringIO(), stderr=StringIO())
    assert failure.value.returncode == 1
    return str(failure.value)


def verify_success() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("audit", "verify", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def anchored(django_capture_on_commit_callbacks: Any, db: Any) -> Callable[..., list[AuditEvent]]:
    """`anchored(n)` -> n events recorded and committed, each anchored as `record` does."""

    def make(count: int, **kwargs: Any) -> list[AuditEvent]:
        events = []
        for i in range(1, count + 1):
            with django_capture_on_commit_callbacks(execute=True):
                events.append(
                    record(
                        action=f"test.bulk_{i % 60:02d}", data={"n": i, "note": f"#{i}"}, **kwargs
                    )
                )
        return events

    return make


def reset_head_to(sequence: int, tamper: Callable[..., None]) -> None:
    """What a careful intruder does after deleting the newest events: point the head at the
    new last event, so the chain is intact in itself."""
    last = AuditEvent.objects.filter(sequence=sequence).values_list("hash", flat=True).first()
    tamper(
        "UPDATE audit_auditchainhead SET sequence = %s, hash = %s WHERE id = 1",
        [sequence, last or ""],
    )


def test_an_untouched_anchored_log_verifies_naming_its_checkpoint(anchored, audit_anchor_per_test):
    anchored(5)
    lines = audit_anchor_per_test.read_text().splitlines()
    assert len(lines) == 5
    assert [json.loads(line)["sequence"] for line in lines] == [1, 2, 3, 4, 5]
    out, err = verify_success()
    assert "intact: 5 event(s)" in out
    assert "anchored by the checkpoint #5" in out
    assert err == ""


# --- the tampering table ----------------------------------------------------------------------


def changed_row(tamper, events, users):
    tamper("UPDATE audit_auditevent SET action = %s WHERE sequence = 30", ["test.harmless"])
    return ["event #30", "contents do not match its hash"]


def deleted_middle_row(tamper, events, users):
    tamper("DELETE FROM audit_auditevent WHERE sequence = 30")
    return ["event #31", "#30 is missing"]


def swapped_rows(tamper, events, users):
    tamper("UPDATE audit_auditevent SET sequence = 1000000 WHERE sequence = 30")
    tamper("UPDATE audit_auditevent SET sequence = 30 WHERE sequence = 31")
    tamper("UPDATE audit_auditevent SET sequence = 31 WHERE sequence = 1000000")
    return ["event #30", "link to the previous event does not match"]


def renumbered_rows(tamper, events, users):
    tamper("DELETE FROM audit_auditevent WHERE sequence = 30")
    tamper("UPDATE audit_auditevent SET sequence = sequence - 1 WHERE sequence > 30")
    reset_head_to(99, tamper)
    return ["event #30", "link to the previous event does not match"]


def deleted_last_row(tamper, events, users):
    tamper("DELETE FROM audit_auditevent WHERE sequence = 100")
    reset_head_to(99, tamper)
    return [
        "intact in itself (99 event(s))",
        "newest events were removed",
        "checkpoint #100",
        "log ends at #99",
        "at least 1 event(s) are missing",
    ]


def deleted_last_50_rows(tamper, events, users):
    tamper("DELETE FROM audit_auditevent WHERE sequence > 50")
    reset_head_to(50, tamper)
    return [
        "newest events were removed",
        "checkpoint #100",
        "log ends at #50",
        "at least 50 event(s) are missing",
    ]


def deleted_everything(tamper, events, users):
    tamper("DELETE FROM audit_auditevent")
    tamper("UPDATE audit_auditchainhead SET sequence = 0, hash = '', genesis = ''")
    return [
        "newest events were removed",
        "log ends at #0 (it is empty)",
        "at least 100 event(s) are missing",
    ]


def replaced_everything(tamper, events, users):
    """Everything deleted, the head reset, and a new history written through the application
    (as an intruder would, to hide the gap): the chain identity and event #100 differ."""
    tamper("DELETE FROM audit_auditevent")
    tamper("UPDATE audit_auditchainhead SET sequence = 0, hash = '', genesis = ''")
    for i in range(100):
        record(action="test.kept", data={"i": i})  # not anchored: no commit in this test
    return [
        "Event #1 differs from the anchor's checkpoint #1 ",
        "and 80 more checkpoint(s) differ",
        "Event #1 is not the one 100 checkpoint(s) name",
        "identity differs",
    ]


def actor_link_emptied(tamper, events, users):
    tamper("UPDATE audit_auditevent SET actor_id = NULL WHERE sequence = 40")
    return [
        "event #40",
        f"link to its actor (account #{users[0].pk}",
        "emptied while the account still exists",
    ]


def anchor_line_edited(tamper, events, users, path):
    lines = path.read_text().splitlines(keepends=True)
    edited = json.loads(lines[-1])
    edited["sequence"] = 50  # "the log ended at #50", to cover deleting the last 50
    lines[-1] = json.dumps(edited) + "\n"
    path.write_text("".join(lines))
    return ["Anchor line 100", "bad HMAC: the checkpoint was edited or forged"]


def anchor_line_forged(tamper, events, users, path):
    """A line written with another key (someone without the audit key)."""
    with path.open("ab") as handle:
        from django.test import override_settings

        with override_settings(FIVESAFES_AUDIT_KEY="not the audit key"):
            handle.write(anchor.checkpoint_line(1000, "0" * 64, "0" * 64))
    return ["Anchor line 101", "bad HMAC"]


def anchor_line_garbled(tamper, events, users, path):
    with path.open("ab") as handle:
        handle.write(b'{"sequence": 7, "hash"\n')
    return ["Anchor line 101", "unreadable"]


TABLE = [
    changed_row,
    deleted_middle_row,
    swapped_rows,
    renumbered_rows,
    deleted_last_row,
    deleted_last_50_rows,
    deleted_everything,
    replaced_everything,
    actor_link_emptied,
]
ANCHOR_TABLE = [anchor_line_edited, anchor_line_forged, anchor_line_garbled]


@pytest.mark.parametrize("alteration", TABLE, ids=lambda f: f.__name__)
def test_each_alteration_of_the_database_is_detected(anchored, tamper, make_user, alteration):
    someone = make_user()
    events = anchored(100, actor=someone)
    assert verify().ok
    expected = alteration(tamper, events, [someone])
    message = verify_failure()
    for words in expected:
        assert words in message, message


@pytest.mark.parametrize("alteration", ANCHOR_TABLE, ids=lambda f: f.__name__)
def test_each_alteration_of_the_anchor_is_detected(
    anchored, tamper, audit_anchor_per_test, alteration
):
    events = anchored(100)
    expected = alteration(tamper, events, [], audit_anchor_per_test)
    message = verify_failure()
    for words in expected:
        assert words in message, message


def test_an_edited_line_does_not_hide_the_removal_it_was_meant_to_cover(
    anchored, tamper, audit_anchor_per_test
):
    """Deleting the last 50 and rewriting the later checkpoints to say #50: every rewritten line
    fails its HMAC, and the latest line that still holds names #50... which is all there is, so
    the bad lines are what betrays the intruder."""
    anchored(100)
    tamper("DELETE FROM audit_auditevent WHERE sequence > 50")
    reset_head_to(50, tamper)
    lines = audit_anchor_per_test.read_text().splitlines()
    kept, rewritten = lines[:50], []
    for line in lines[50:]:
        payload = json.loads(line)
        payload["sequence"], payload["hash"] = 50, json.loads(lines[49])["hash"]
        rewritten.append(json.dumps(payload))
    audit_anchor_per_test.write_text("\n".join(kept + rewritten) + "\n")
    message = verify_failure()
    assert "Anchor line 51 " in message and "bad HMAC" in message
    assert "30 more line(s)" in message


def test_a_rewrite_with_the_key_and_a_forged_checkpoint_is_caught_by_the_older_ones(
    anchored, tamper, audit_anchor_per_test
):
    """Someone with the database, the audit key and the right to append to the anchor file
    (not to rewrite it) changes event #30, recomputes every hash after it so the chain is intact,
    and appends a valid checkpoint for the new head: the checkpoints already written for
    #30 to #100 no longer match."""
    from fivesafes.audit.chain import compute_hash

    anchored(100)
    tamper("UPDATE audit_auditevent SET data = %s WHERE sequence = 30", ['{"n": 0}'])
    prev = AuditEvent.objects.get(sequence=29).hash
    for sequence in range(30, 101):
        event = AuditEvent.objects.get(sequence=sequence)
        event.prev_hash = prev
        new_hash = compute_hash(event)
        tamper(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE sequence = %s",
            [prev, new_hash, sequence],
        )
        prev = new_hash
    tamper("UPDATE audit_auditchainhead SET hash = %s WHERE id = 1", [prev])
    genesis = AuditEvent.objects.get(sequence=1).hash
    with audit_anchor_per_test.open("ab") as handle:
        handle.write(anchor.checkpoint_line(100, prev, genesis))
    assert verify_events_alone_ok()
    message = verify_failure()
    assert "intact in itself (100 event(s))" in message
    assert "Event #30 differs from the anchor's checkpoint #30 " in message
    assert "and 51 more checkpoint(s) differ" in message


def verify_events_alone_ok() -> bool:
    from fivesafes.audit.chain import verify_events

    return verify_events(
        AuditEvent.objects.order_by("sequence"), AuditChainHead.objects.get(pk=1)
    ).ok


def test_an_actor_link_emptied_by_deleting_the_account_is_not_tampering(anchored, make_user):
    someone = make_user()
    anchored(3, actor=someone)
    pk = someone.pk
    someone.delete()  # Django's SET_NULL, which the triggers allow
    assert AuditEvent.objects.filter(actor__isnull=True, actor_pk=pk).count() == 3
    verdict = verify()
    assert verdict.ok, verdict.message


# --- the triggers, on SQLite as on PostgreSQL -------------------------------------------------


def refused(sql: str, params: list | None = None) -> str:
    with pytest.raises(DatabaseError) as failure, transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, params or [])
    return str(failure.value)


def test_the_database_refuses_update_and_delete_of_audit_events(make_user) -> None:
    person = make_user()
    record(action="test.one", actor=person)
    record(action="test.two")
    assert "append-only" in refused("UPDATE audit_auditevent SET action = 'x' WHERE sequence = 1")
    assert "append-only" in refused("DELETE FROM audit_auditevent WHERE sequence = 2")
    assert "append-only" in refused("DELETE FROM audit_auditevent")
    assert "append-only" in refused(
        "UPDATE audit_auditevent SET actor_id = NULL, actor_label = 'x' WHERE sequence = 1"
    )
    assert "append-only" in refused(  # a link may be emptied, never set
        "UPDATE audit_auditevent SET actor_id = %s WHERE sequence = 2", [person.pk]
    )
    assert AuditEvent.objects.count() == 2
    person.delete()
    assert AuditEvent.objects.get(sequence=1).actor_id is None
    verdict = verify()
    assert verdict.ok, verdict.message
    assert not any("triggers" in warning for warning in verdict.warnings)


def test_verify_warns_when_the_triggers_are_gone(anchored) -> None:
    anchored(2)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_event_append_only_update")
    out, err = verify_success()
    assert "triggers on audit_auditevent are missing or disabled" in err


@pytest.mark.sqlite
def test_flush_in_test_mode_keeps_the_sqlite_triggers_and_is_refused_otherwise(settings) -> None:
    record(action="test.one")
    settings.ENV = "demo"
    with pytest.raises(CommandError) as failure, transaction.atomic():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert "append-only: DELETE of an audit event refused" in str(failure.value.__cause__)
    assert AuditEvent.objects.count() == 1
    settings.ENV = "test"
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert AuditEvent.objects.count() == 0
    record(action="test.two")
    assert "append-only" in refused("DELETE FROM audit_auditevent")


# --- writing the anchor -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_committed_event_is_anchored_and_a_rolled_back_one_is_not(audit_anchor_per_test):
    record(action="test.one")
    with transaction.atomic():
        record(action="test.two")
    try:
        with transaction.atomic():
            record(action="test.undone")
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    lines = [json.loads(line) for line in audit_anchor_per_test.read_text().splitlines()]
    head = AuditChainHead.objects.get(pk=1)
    assert [line["sequence"] for line in lines] == [1, 2]
    assert lines[-1]["hash"] == head.hash
    first = AuditEvent.objects.get(sequence=1)
    assert {line["genesis"] for line in lines} == {first.hash} == {head.genesis}
    out, _err = verify_success()
    assert "anchored by the checkpoint #2" in out


@pytest.mark.django_db(transaction=True)
def test_a_failed_anchor_write_never_fails_the_request_and_is_reported(
    settings, tmp_path, caplog, client
):
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("")
    settings.FIVESAFES_AUDIT_ANCHOR = blocker / "anchor.log"
    before = anchor.STATE.failures
    try:
        event = record(action="test.one")  # autocommit: anchored (or not) at once
        assert AuditEvent.objects.filter(pk=event.pk).exists()
        assert "AUDIT ANCHOR WRITE FAILED for event #1" in caplog.text
        response = client.get("/healthz")
        assert response.json()["degraded"] == ["audit_anchor"]
        health = response.json()["components"]["audit_anchor"]
        assert health["state"] == "degraded"
        assert "not writable" in health["detail"]
        settings.FIVESAFES_AUDIT_ANCHOR = tmp_path / "anchor.log"
        health = client.get("/healthz").json()["components"]["audit_anchor"]
        assert health["state"] == "degraded" and "failed in this process" in health["detail"]
        out, err = verify_success()
        assert "No valid checkpoint" in err
        call_command("audit", "checkpoint", stdout=StringIO())
        out, err = verify_success()
        assert "anchored by the checkpoint #1" in out and err == ""
    finally:
        anchor.STATE.failures = before


def test_the_checkpoint_command_anchors_the_head(record_events, audit_anchor_per_test) -> None:
    record_events(3)  # inside the test's transaction: never committed, so not anchored
    assert not audit_anchor_per_test.exists()
    _out, err = verify_success()
    assert "No valid checkpoint" in err
    out = StringIO()
    call_command("audit", "checkpoint", stdout=out)
    assert "Checkpoint #3 appended" in out.getvalue()
    out, err = verify_success()
    assert "anchored by the checkpoint #3" in out and err == ""
    record_events(2)
    _out, err = verify_success()
    assert "2 event(s) after #3 are not yet covered by a checkpoint" in err


def _write_many(arguments: tuple[str, int, int]) -> None:
    path, worker, count = arguments
    for i in range(count):
        anchor.append_line(
            Path(path), anchor.checkpoint_line(worker * 10_000 + i + 1, "a" * 64, "b" * 64)
        )


def test_concurrent_writers_never_interleave_lines(tmp_path) -> None:
    path = tmp_path / "anchor.log"
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pool.map(_write_many, [(str(path), worker, 300) for worker in range(4)])
    reading = anchor.read(path)
    assert reading.bad_lines == []
    assert reading.valid == 1200
    assert reading.latest is not None and reading.latest.sequence == 30_300


def test_an_event_inserted_past_the_head_is_detected(anchored, tamper) -> None:
    events = anchored(3)
    tamper(
        "INSERT INTO audit_auditevent (sequence, occurred_at, actor_label, action, object_type,"
        " object_id, object_label, data, prev_hash, hash) VALUES"
        " (4, %s, 'mallory', 'test.kept', '', '', '', '{}', %s, %s)",
        [events[-1].occurred_at, events[-1].hash, "f" * 64],
    )
    message = verify_failure()
    assert "event #4" in message and "beyond the chain head (#3)" in message


@pytest.mark.django_db(transaction=True)
def test_verify_raises_no_false_alarm_while_events_are_appended() -> None:
    """Appends (and their checkpoints) keep coming while verify reads: it reads the anchor
    before the log, and walks the log up to the head it read."""
    import threading

    stop = threading.Event()
    errors: list[BaseException] = []

    def append() -> None:
        try:
            while not stop.is_set():
                record(action="test.concurrent")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    record(action="test.one")
    writer = threading.Thread(target=append)
    writer.start()
    try:
        verdicts = [verify() for _ in range(15)]
    finally:
        stop.set()
        writer.join(timeout=60)
    assert errors == []
    assert AuditEvent.objects.count() > 5  # the appends did overlap the verifications
    assert [v.message for v in verdicts if not v.ok] == []
