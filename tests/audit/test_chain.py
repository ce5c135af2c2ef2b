"""The hash chain verifies when intact and names the first bad event when it is not."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fivesafes.audit.chain import verify
from fivesafes.audit.models import AuditEvent
from fivesafes.audit.services import record

pytestmark = pytest.mark.django_db


def verify_output() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def verify_failure() -> CommandError:
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify")
    assert failure.value.returncode == 1
    return failure.value


def test_an_untouched_log_verifies_with_its_count(record_events) -> None:
    record_events(4)
    count = AuditEvent.objects.count()
    assert count >= 4
    assert f"intact: {count} event(s)" in verify_output()


def test_an_empty_log_verifies() -> None:
    assert "intact: 0 event(s)" in verify_output()


def test_events_link_to_the_previous_hash_in_sequence(record_events) -> None:
    events = record_events(3)
    assert [e.sequence for e in events] == [1, 2, 3]
    assert events[0].prev_hash == ""
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert len({e.hash for e in events}) == 3


def test_changing_one_row_fails_naming_that_event(record_events, tamper) -> None:
    record_events(5)
    tamper("UPDATE audit_auditevent SET action = %s WHERE sequence = 3", ["test.harmless"])
    message = str(verify_failure())
    assert "event #3" in message
    assert "contents do not match its hash" in message


def test_changing_the_json_data_of_one_row_fails_naming_it(record_events, tamper) -> None:
    record_events(5)
    tamper("UPDATE audit_auditevent SET data = %s WHERE sequence = 2", ['{"n": 2, "note": "x"}'])
    assert "event #2" in str(verify_failure())


def test_removing_a_row_fails_naming_the_gap(record_events, tamper) -> None:
    record_events(5)
    tamper("DELETE FROM audit_auditevent WHERE sequence = 3")
    message = str(verify_failure())
    assert "event #4" in message
    assert "#3 is missing" in message


def test_removing_the_last_rows_fails(record_events, tamper) -> None:
    record_events(5)
    tamper("DELETE FROM audit_auditevent WHERE sequence >= 4")
    message = str(verify_failure())
    assert "the last 2 event(s) were removed" in message


def test_a_forged_event_without_the_key_fails(record_events, tamper) -> None:
    events = record_events(3)
    last = events[-1]
    tamper(
        "INSERT INTO audit_auditevent (sequence, occurred_at, actor_label, action, object_type,"
        " object_id, object_label, data, prev_hash, hash) VALUES"
        " (4, %s, 'mallory', 'project.approved', '', '', '', '{}', %s, %s)",
        [last.occurred_at, last.hash, "0" * 64],
    )
    tamper("UPDATE audit_auditchainhead SET sequence = 4, hash = %s", ["0" * 64])
    message = str(verify_failure())
    assert "event #4" in message
    assert "contents do not match" in message


def test_renumbering_to_hide_a_removal_fails(record_events, tamper) -> None:
    record_events(4)
    tamper("DELETE FROM audit_auditevent WHERE sequence = 2")
    tamper("UPDATE audit_auditevent SET sequence = sequence - 1 WHERE sequence > 2")
    tamper("UPDATE audit_auditchainhead SET sequence = 3")
    message = str(verify_failure())
    assert "event #2" in message


def test_pointing_an_event_at_another_person_fails(record_events, tamper, make_user) -> None:
    someone, other = make_user(), make_user()
    record(action="test.by_someone", actor=someone)
    tamper("UPDATE audit_auditevent SET actor_id = %s WHERE action = 'test.by_someone'", [other.pk])
    assert "actor was changed" in str(verify_failure())


def test_a_different_key_makes_every_hash_wrong(record_events, settings) -> None:
    record_events(2)
    settings.FIVESAFES_AUDIT_KEY = "another key entirely"
    verdict = verify()
    assert not verdict.ok
    assert verdict.bad_sequence == 1


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.dictionaries(st.text(max_size=10), json_values, max_size=5), label=st.text(max_size=40)
)
def test_any_json_contents_survive_the_database_and_verify(data, label) -> None:
    event = record(action="test.any_json", data=data, before={"label": label})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.hash == event.hash
    assert verify().ok
