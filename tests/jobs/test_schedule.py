"""Daily jobs: enqueued once a day after their time, by whichever worker comes first."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fivesafes.audit.models import AuditEvent
from fivesafes.jobs.models import JobProgress, ScheduledRun
from fivesafes.jobs.schedule import SCHEDULE, Scheduled, enqueue_due

pytestmark = pytest.mark.django_db

CHECK = (Scheduled("check", "fivesafes.jobs.tasks.self_check", time(6, 30), "Morning check"),)


def at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    return timezone.make_aware(datetime(2026, 3, day, hour, minute))


def test_nothing_is_enqueued_before_the_time_of_day() -> None:
    assert enqueue_due(at(6, 29), CHECK) == []
    assert not DBTaskResult.objects.exists()


def test_a_due_entry_is_enqueued_once_a_day_with_its_title_and_audited() -> None:
    assert enqueue_due(at(6, 30), CHECK) == ["check"]
    assert enqueue_due(at(23, 0), CHECK) == []  # later the same day: already claimed
    run = ScheduledRun.objects.get()
    assert run.day.isoformat() == "2026-03-10"
    result = DBTaskResult.objects.get(pk=run.task_result_id)
    assert result.task_path == "fivesafes.jobs.tasks.self_check"
    assert JobProgress.objects.get(pk=result.pk).title == "Morning check"
    assert AuditEvent.objects.filter(action="job.enqueued").count() == 1
    assert enqueue_due(at(7, 0, day=11), CHECK) == ["check"]  # the next day, again
    assert ScheduledRun.objects.count() == 2


def test_a_run_claimed_by_another_worker_is_not_enqueued_again() -> None:
    ScheduledRun.objects.create(name="check", day=at(6, 30).date())
    assert enqueue_due(at(8, 0), CHECK) == []
    assert not DBTaskResult.objects.exists()


def test_the_sweeps_and_the_release_batch_are_scheduled_and_importable() -> None:
    names = {entry.name for entry in SCHEDULE}
    assert names == {
        "people.daily_sweep",
        "projects.daily_sweep",
        "delivery.daily_sweep",
        "release.batch",
        "workspace.lab_cull",
        "workspace.lost_runs",
        "workspace.storage",
    }
    assert sorted(enqueue_due(at(3, 2))) == sorted(
        [
            "people.daily_sweep",
            "projects.daily_sweep",
            "delivery.daily_sweep",
            "release.batch@03:00",
            "workspace.lab_cull@03:00",
            "workspace.lost_runs@03:00",
            "workspace.storage@03:00",
        ]
    )
    paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths == {
        "fivesafes.people.tasks.daily_sweep",
        "fivesafes.projects.tasks.daily_sweep",
        "fivesafes.delivery.tasks.daily_sweep",
        "fivesafes.release.tasks.release_batch",
        "fivesafes.workspace.tasks.lab.cull_lab_sessions",
        "fivesafes.workspace.tasks.sweep.settle_lost_runs",
        "fivesafes.workspace.tasks.sweep.measure_storage",
    }


def test_the_release_batch_runs_once_in_every_five_minutes() -> None:
    batch = tuple(entry for entry in SCHEDULE if entry.name == "release.batch")
    assert enqueue_due(at(10, 0), batch) == ["release.batch@10:00"]
    assert enqueue_due(at(10, 4), batch) == []  # the same slot: claimed
    assert enqueue_due(at(10, 5), batch) == ["release.batch@10:05"]
    assert enqueue_due(at(10, 9), batch) == []
    assert DBTaskResult.objects.count() == 2


def test_the_command_lists_the_schedule_and_enqueues_what_is_due(capsys, monkeypatch) -> None:
    monkeypatch.setattr("fivesafes.jobs.schedule.current_time", lambda: at(2, 5))
    call_command("schedule")
    listing = capsys.readouterr().out
    assert "people.daily_sweep" in listing and "never run" in listing
    call_command("schedule", "--run-due")
    out = capsys.readouterr().out
    # projects' is due at 02:15; the release batch runs in every five-minute slot
    assert out.splitlines()[0] == (
        "Enqueued: people.daily_sweep, release.batch@02:05, workspace.lab_cull@02:05, "
        "workspace.lost_runs@02:05, workspace.storage@02:00."
    )
    assert "last enqueued 2026-03-10 (READY)" in out
