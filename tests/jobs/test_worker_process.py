"""A real `fivesafes worker` process runs jobs; a killed one never leaves a job "running"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from fivesafes.audit.chain import verify
from fivesafes.audit.services import event_stream_for
from fivesafes.jobs.models import JobProgress, WorkerHeartbeat
from fivesafes.jobs.services import enqueue
from fivesafes.jobs.sweep import LOST_REASON
from fivesafes.jobs.tasks import self_check
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client
from tests.jobs.conftest import wait_for

pytestmark = pytest.mark.slow


def status_of(progress: JobProgress) -> str:
    return DBTaskResult.objects.values_list("status", flat=True).get(pk=progress.pk)


def fraction_of(progress: JobProgress) -> float:
    return JobProgress.objects.values_list("fraction", flat=True).get(pk=progress.pk)


def audited(progress: JobProgress, action: str) -> bool:
    """The worker audits a job's end just after storing its result: wait for both."""
    return event_stream_for(progress).filter(action=action).exists()


def test_a_worker_runs_a_job_to_the_end_with_visible_progress(start_worker, make_user) -> None:
    owner = make_user(Role.RESEARCHER)
    job = enqueue(self_check, owner=owner, title="Self-check", kwargs={"steps": 5, "pause": 0.5})
    worker = start_worker()

    wait_for(
        lambda: 0 < fraction_of(job) < 1,
        what="progress between 0 and 100 %",
        log=lambda: worker.output,
    )
    wait_for(
        lambda: status_of(job) == "SUCCESSFUL", what="the job finishing", log=lambda: worker.output
    )
    wait_for(lambda: audited(job, "job.succeeded"), what="the audit event of the job's end")

    job.refresh_from_db()
    assert job.fraction == 1.0
    assert job.message == "Checked 5 of 5 steps"
    result = DBTaskResult.objects.get(pk=job.pk)
    assert result.return_value == {"steps": 5, "database": "ok"}
    assert result.worker_ids == [worker.worker_id]

    page = verified_client(owner).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Finished" in page and "Progress: 100 %" in page and "hx-trigger" not in page

    actions = [event.action for event in event_stream_for(job)]
    assert actions == ["job.enqueued", "job.started", "job.succeeded"]
    assert verify().ok, verify().message  # the worker's events chain on with the same key

    health = Client().get("/healthz")
    assert health.status_code == 200, health.json()
    assert health.json()["components"]["worker"]["state"] == "ok"


def test_a_killed_worker_leaves_a_running_job_that_the_next_worker_fails(
    start_worker, make_user
) -> None:
    owner = make_user(Role.RESEARCHER)
    job = enqueue(
        self_check,
        owner=owner,
        title="Long check",
        retry_safe=False,
        kwargs={"steps": 200, "pause": 0.2},
    )
    first = start_worker()
    wait_for(lambda: fraction_of(job) > 0, what="the job starting", log=lambda: first.output)
    first.kill()
    assert status_of(job) == "RUNNING"

    second = start_worker()
    wait_for(
        lambda: status_of(job) == "FAILED",
        what="the orphaned job being marked failed",
        log=lambda: second.output,
    )

    result = DBTaskResult.objects.get(pk=job.pk)
    assert result.exception_class_path == "fivesafes.jobs.sweep.WorkerLost"
    assert LOST_REASON in result.traceback
    assert result.worker_ids == [first.worker_id]  # not run again
    job.refresh_from_db()
    assert job.message == f"Failed: the {LOST_REASON}"
    marked = [e for e in event_stream_for(job) if e.action == "job.marked_failed"]
    assert len(marked) == 1
    assert marked[0].data["lost_worker"] == first.worker_id
    assert marked[0].data["found_by"] == second.worker_id
    assert (marked[0].before, marked[0].after) == ({"status": "RUNNING"}, {"status": "FAILED"})

    page = verified_client(owner).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Failed" in page and LOST_REASON in page
    assert WorkerHeartbeat.objects.get(pk=first.worker_id).stopped_at is None  # it never said bye


def test_a_retry_safe_job_is_started_again_once_after_its_worker_is_killed(
    start_worker, make_user
) -> None:
    owner = make_user(Role.RESEARCHER)
    job = enqueue(
        self_check, owner=owner, title="Idempotent check", kwargs={"steps": 15, "pause": 0.2}
    )
    assert job.retry_safe  # self_check is declared retry-safe
    first = start_worker()
    wait_for(lambda: fraction_of(job) > 0, what="the job starting", log=lambda: first.output)
    first.kill()

    second = start_worker()
    wait_for(
        lambda: status_of(job) == "SUCCESSFUL",
        what="the restarted job finishing",
        log=lambda: second.output,
    )
    wait_for(lambda: audited(job, "job.succeeded"), what="the audit event of the job's end")
    job.refresh_from_db()
    assert job.restarts == 1
    assert DBTaskResult.objects.get(pk=job.pk).worker_ids == [first.worker_id, second.worker_id]
    actions = [event.action for event in event_stream_for(job)]
    assert actions == [
        "job.enqueued",
        "job.started",
        "job.restarted",
        "job.started",
        "job.succeeded",
    ]


def test_a_stopped_worker_says_so_and_health_turns_down(start_worker, settings) -> None:
    worker = start_worker()
    wait_for(
        lambda: WorkerHeartbeat.objects.filter(pk=worker.worker_id).exists(),
        what="the worker's first heartbeat",
        log=lambda: worker.output,
    )
    assert Client().get("/healthz").status_code == 200
    worker.stop()
    assert worker.process.returncode == 0, worker.output
    assert WorkerHeartbeat.objects.get(pk=worker.worker_id).stopped_at is not None
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]
