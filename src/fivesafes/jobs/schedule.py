"""Jobs that run on their own every day, and the claim that makes each run happen once.

The schedule is data: a task's dotted path and the local time of day after which it is due.
Every worker's heartbeat thread calls `enqueue_due()`; the first worker to insert the
(name, day) row of a due entry enqueues it, the others find the row taken. A day missed while
no worker ran is not replayed: the sweeps read dates, so the next run catches up. Each run is
audited when it is enqueued, like any other job (fivesafes.jobs.services.enqueue).

An entry with `every` (minutes) runs once in each slot of that length instead (the release
batch, every five minutes): its claim row is named after the slot ("release.batch@10:05").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from fivesafes.jobs.models import ScheduledRun
from fivesafes.jobs.services import enqueue
from fivesafes.shared.labels import gettext_noop

logger = logging.getLogger("fivesafes.jobs")


@dataclass(frozen=True)
class Scheduled:
    name: str
    task: str
    at: time
    title: str
    # Minutes between runs; None for once a day (after `at`).
    every: int | None = None

    def claim(self, now: datetime) -> str:
        """The name of the run this entry is due for at `now` (the slot, for periodic ones)."""
        if self.every is None:
            return self.name
        local = timezone.localtime(now)
        minutes = (local.hour * 60 + local.minute) // self.every * self.every
        return f"{self.name}@{minutes // 60:02d}:{minutes % 60:02d}"


SCHEDULE: tuple[Scheduled, ...] = (
    Scheduled(
        "people.daily_sweep",
        "fivesafes.people.tasks.daily_sweep",
        time(2, 0),
        gettext_noop(
            "Daily sweep of safe people: expiries, reinstatements, certification reminders"
        ),
    ),
    Scheduled(
        "projects.daily_sweep",
        "fivesafes.projects.tasks.daily_sweep",
        time(2, 15),
        gettext_noop("Daily sweep of safe projects: closures at the end date, end reminders"),
    ),
    Scheduled(
        "delivery.daily_sweep",
        "fivesafes.delivery.tasks.daily_sweep",
        time(2, 30),
        gettext_noop(
            "Daily sweep of data delivery: runs whose worker died, data of closed projects, "
            "fast-track deliveries"
        ),
    ),
    Scheduled(
        "release.batch",
        "fivesafes.release.tasks.release_batch",
        time(0, 0),
        gettext_noop(
            "Release batch: approved outputs released and mailed to the researchers (R22)"
        ),
        every=5,
    ),
    Scheduled(
        "workspace.lab_cull",
        "fivesafes.workspace.tasks.lab.cull_lab_sessions",
        time(0, 0),
        gettext_noop("JupyterLab: idle sessions stopped, lost ones ended (issue 13)"),
        every=5,
    ),
    Scheduled(
        "workspace.lost_runs",
        "fivesafes.workspace.tasks.sweep.settle_lost_runs",
        time(0, 0),
        gettext_noop("Workspace: runs whose worker died recorded as failed (issue 13)"),
        every=5,
    ),
    Scheduled(
        "workspace.storage",
        "fivesafes.workspace.tasks.sweep.measure_storage",
        time(0, 0),
        gettext_noop("Workspace: storage of every active project measured for the staff overview"),
        every=60,
    ),
)


def current_time() -> datetime:
    return timezone.now()


def due(entry: Scheduled, now: datetime) -> bool:
    return timezone.localtime(now).time() >= entry.at


def enqueue_due(
    now: datetime | None = None, schedule: tuple[Scheduled, ...] = SCHEDULE
) -> list[str]:
    """Enqueue every entry due today that no worker has enqueued yet; the names enqueued."""
    now = now or current_time()
    today = timezone.localtime(now).date()
    enqueued: list[str] = []
    for entry in schedule:
        name = entry.claim(now)
        if not due(entry, now) or ScheduledRun.objects.filter(name=name, day=today).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=name, day=today)
                progress = enqueue(import_string(entry.task), owner=None, title=entry.title)
                run.task_result_id = progress.task_result_id
                run.save(update_fields=["task_result"])
        except IntegrityError:  # another worker claimed it first
            continue
        logger.info("Scheduled job %s enqueued for %s.", name, today)
        enqueued.append(name)
    return enqueued


def last_runs() -> dict[str, ScheduledRun]:
    runs: dict[str, ScheduledRun] = {}
    for run in ScheduledRun.objects.select_related("task_result").order_by("day", "enqueued_at"):
        runs[run.name.split("@", 1)[0]] = run
    return runs
