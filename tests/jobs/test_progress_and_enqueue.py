"""enqueue() records who started what; report() stores progress for the running task."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from fivesafes.audit.models import AuditEvent
from fivesafes.jobs.models import JobProgress
from fivesafes.jobs.progress import current_task_id, report
from fivesafes.jobs.retry import is_retry_safe
from fivesafes.jobs.services import enqueue
from fivesafes.jobs.tasks import self_check

pytestmark = pytest.mark.django_db


def test_enqueue_queues_the_task_with_its_owner_and_audits_it(make_user) -> None:
    owner = make_user(username="rosa")
    job = enqueue(self_check, owner=owner, title="My check", kwargs={"steps": 3})
    result = DBTaskResult.objects.get(pk=job.pk)
    assert result.status == "READY"
    assert result.task_path == "fivesafes.jobs.tasks.self_check"
    assert result.args_kwargs == {"args": [], "kwargs": {"steps": 3}}
    assert (job.owner, job.title, job.fraction) == (owner, "My check", 0.0)
    event = AuditEvent.objects.get(action="job.enqueued")
    assert (event.actor_label, event.object_type, event.object_id) == (
        "rosa",
        "jobs.jobprogress",
        str(job.pk),
    )
    assert event.data["task"] == "fivesafes.jobs.tasks.self_check"


def test_enqueue_rolls_back_with_the_callers_transaction(make_user) -> None:
    owner = make_user()
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(self_check, owner=owner, title="undone")
        raise RuntimeError("the request failed")
    assert not DBTaskResult.objects.exists()
    assert not JobProgress.objects.exists()
    assert not AuditEvent.objects.filter(action="job.enqueued").exists()


def test_retry_safety_comes_from_the_task_unless_overridden(make_user) -> None:
    assert is_retry_safe(self_check)
    assert enqueue(self_check, owner=make_user(), title="a").retry_safe
    assert not enqueue(self_check, owner=make_user(), title="b", retry_safe=False).retry_safe


def test_report_updates_the_running_tasks_progress(make_user) -> None:
    job = enqueue(self_check, owner=make_user(), title="t")
    token = current_task_id.set(str(job.pk))
    try:
        assert report(0.25, "a quarter")
        job.refresh_from_db()
        assert (job.fraction, job.message) == (0.25, "a quarter")
        report(7, "too much")
        job.refresh_from_db()
        assert job.fraction == 1.0
        report(-1)
        job.refresh_from_db()
        assert job.fraction == 0.0
    finally:
        current_task_id.reset(token)


def test_report_accepts_the_task_context(make_user) -> None:
    from django_tasks import TaskContext

    job = enqueue(self_check, owner=make_user(), title="t")
    context = TaskContext(task_result=DBTaskResult.objects.get(pk=job.pk).task_result)
    assert report(0.5, "half", context=context)
    job.refresh_from_db()
    assert job.fraction == 0.5


def test_report_creates_progress_for_a_task_enqueued_directly() -> None:
    result = self_check.enqueue(steps=1)
    token = current_task_id.set(str(result.id))
    try:
        assert report(0.5, "half")
    finally:
        current_task_id.reset(token)
    progress = JobProgress.objects.get(pk=result.id)
    assert (progress.title, progress.fraction, progress.owner) == ("self_check", 0.5, None)


def test_report_outside_a_task_does_nothing() -> None:
    assert report(0.5, "nobody listens") is False


def test_the_self_check_counts_its_steps_when_called_directly() -> None:
    assert self_check.call(steps=3, pause=0) == {"steps": 3, "database": "ok"}
