"""record(): who, what, from where; in the caller's transaction; never changed afterwards."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import RequestFactory

from fivesafes.audit.chain import verify
from fivesafes.audit.models import AppendOnlyError, AuditChainHead, AuditEvent
from fivesafes.audit.services import event_stream_for, record

pytestmark = pytest.mark.django_db


def test_an_event_rolls_back_with_the_callers_transaction() -> None:
    record(action="test.kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        record(action="test.undone")
        raise RuntimeError("the change failed")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.kept"]
    assert AuditChainHead.objects.get().sequence == 1
    after = record(action="test.next")
    assert after.sequence == 2
    assert verify().ok


def test_the_actor_and_address_come_from_the_request(make_user) -> None:
    person = make_user(username="rita")
    request = RequestFactory().get("/somewhere", REMOTE_ADDR="192.0.2.7")
    request.user = person
    event = record(action="test.seen", request=request)
    assert event.actor == person
    assert event.actor_label == "rita"
    assert event.ip_address == "192.0.2.7"


def test_an_anonymous_request_has_no_actor() -> None:
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="2001:db8::1")
    request.user = AnonymousUser()
    event = record(action="login.failed", request=request, data={"username": "nobody"})
    assert event.actor is None
    assert event.actor_label == ""
    assert event.ip_address == "2001:db8::1"
    assert event.data == {"username": "nobody"}


def test_an_explicit_actor_wins_over_the_request(make_user) -> None:
    person, other = make_user(), make_user()
    request = RequestFactory().get("/")
    request.user = person
    assert record(action="test.on_behalf", actor=other, request=request).actor == other


def test_the_object_is_named_by_type_id_and_label(make_user) -> None:
    person = make_user(username="olga")
    event = record(
        action="test.touched", obj=person, before={"active": True}, after={"active": False}
    )
    assert (event.object_type, event.object_id) == ("accounts.user", str(person.pk))
    assert event.object_label == str(person)
    assert (event.before, event.after) == ({"active": True}, {"active": False})


def test_event_stream_for_lists_one_objects_events_in_order(make_user) -> None:
    first, second = make_user(), make_user()
    record(action="test.a", obj=first)
    record(action="test.b", obj=second)
    record(action="test.c", obj=first)
    assert [e.action for e in event_stream_for(first)] == ["test.a", "test.c"]


def test_written_events_cannot_be_changed_or_deleted_through_the_orm() -> None:
    event = record(action="test.fixed")
    event.action = "test.rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="test.rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.fixed"


def test_deleting_an_account_keeps_its_history_verifiable(make_user) -> None:
    person = make_user(username="leaver")
    person_id = person.pk
    record(action="test.before_leaving", actor=person)
    person.delete()
    event = AuditEvent.objects.get(action="test.before_leaving")
    assert event.actor is None
    assert (event.actor_label, event.actor_pk) == ("leaver", person_id)
    assert verify().ok


def test_dates_and_other_values_are_stored_as_json() -> None:
    import datetime
    import uuid

    moment = datetime.datetime(2026, 11, 22, 6, 0, tzinfo=datetime.UTC)
    key = uuid.UUID(int=5)
    event = record(action="test.values", data={"when": moment, "key": key, "big": 1e20})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.data == {
        "when": "2026-11-22T06:00:00Z",
        "key": str(key),
        "big": 100000000000000000000,
    }
    assert verify().ok


def test_an_action_name_is_required() -> None:
    with pytest.raises(ValueError):
        record(action="")
