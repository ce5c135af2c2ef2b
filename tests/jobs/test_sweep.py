"""The sweep settles jobs whose worker stopped, and leaves everything else alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fivesafes.audit.models import AuditEvent
from fivesafes.jobs.models import JobProgress, WorkerHeartbeat
from fivesafes.jobs.services import enqueue
from fivesafes.jobs.sweep import LOST_REASON, orphaned_ids, sweep
from fivesafes.jobs.tasks import self_check

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(minutes=10)


@pytest.fixture(autouse=True)
def short_stale_window(settings) -> None:
    settings.FIVESAFES_WORKER_STALE_AFTER = timedelta(seconds=30)


def running_job(
    make_user, worker_id: str, *, started_ago: timedelta = LONG_AGO, retry_safe: bool = False
) -> JobProgress:
    job = enqueue(self_check, owner=make_user(), title="check", retry_safe=retry_safe)
    result = DBTaskResult.objects.get(pk=job.pk)
    result.claim(worker_id)
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now() - started_ago)
    return job


def heartbeat(worker_id: str, *, ago: timedelta, stopped: bool = False) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        host="h",
        pid=1,
        started_at=now - LONG_AGO,
        last_seen=now - ago,
        stopped_at=now - ago if stopped else None,
    )


def status(job: JobProgress) -> str:
    return DBTaskResult.objects.values_list("status", flat=True).get(pk=job.pk)


def test_a_job_whose_worker_went_silent_is_failed_and_audited(make_user) -> None:
    heartbeat("dead", ago=timedelta(minutes=5))
    job = running_job(make_user, "dead")
    outcome = sweep(by_worker="sweeper")
    assert outcome.failed == [str(job.pk)]
    assert status(job) == "FAILED"
    assert LOST_REASON in DBTaskResult.objects.get(pk=job.pk).traceback
    event = AuditEvent.objects.get(action="job.marked_failed")
    assert event.object_id == str(job.pk)
    assert event.data["lost_worker"] == "dead"


def test_a_job_whose_worker_never_had_a_heartbeat_is_failed(make_user) -> None:
    job = running_job(make_user, "plain-db-worker")
    assert sweep().failed == [str(job.pk)]


def test_a_job_of_a_live_worker_is_left_running(make_user) -> None:
    heartbeat("alive", ago=timedelta(seconds=2))
    job = running_job(make_user, "alive")
    assert orphaned_ids() == []
    assert sweep().failed == []
    assert status(job) == "RUNNING"


def test_a_job_that_just_started_is_given_the_stale_window(make_user) -> None:
    job = running_job(make_user, "new-worker", started_ago=timedelta(seconds=3))
    assert sweep().failed == []
    assert status(job) == "RUNNING"


def test_a_worker_that_stopped_cleanly_is_not_counted_alive(make_user) -> None:
    heartbeat("gone", ago=timedelta(seconds=1), stopped=True)
    job = running_job(make_user, "gone")
    assert sweep().failed == [str(job.pk)]


def test_waiting_and_finished_jobs_are_left_alone(make_user) -> None:
    waiting = enqueue(self_check, owner=make_user(), title="waiting")
    assert sweep().failed == []
    assert status(waiting) == "READY"


def test_a_retry_safe_job_is_restarted_once_then_failed(make_user) -> None:
    job = running_job(make_user, "dead-1", retry_safe=True)
    assert sweep().restarted == [str(job.pk)]
    assert status(job) == "READY"
    job.refresh_from_db()
    assert job.restarts == 1
    assert AuditEvent.objects.filter(action="job.restarted", object_id=str(job.pk)).exists()

    DBTaskResult.objects.get(pk=job.pk).claim("dead-2")
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now() - LONG_AGO)
    outcome = sweep()
    assert (outcome.restarted, outcome.failed) == ([], [str(job.pk)])
    assert status(job) == "FAILED"


def test_a_second_sweep_changes_nothing(make_user) -> None:
    running_job(make_user, "dead")
    sweep()
    events = AuditEvent.objects.count()
    assert (sweep().failed, sweep().restarted) == ([], [])
    assert AuditEvent.objects.count() == events
