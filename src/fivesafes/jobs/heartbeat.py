"""A worker's heartbeat: a row it updates from a background thread, and periodic sweeps.

The thread writes `last_seen` every `beat_every` seconds and runs the orphaned-job sweep every
`sweep_every` seconds, so a dead worker's jobs are settled by whichever worker is still alive;
with the sweep it enqueues the scheduled jobs that are due (fivesafes.jobs.schedule) and records
the summaries of refused anonymous requests whose minute has closed (fivesafes.audit.services).
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from fivesafes.audit.services import summarise_closed_windows
from fivesafes.jobs.models import WorkerHeartbeat
from fivesafes.jobs.schedule import enqueue_due
from fivesafes.jobs.sweep import sweep

logger = logging.getLogger("fivesafes.jobs")


def intervals() -> tuple[float, float]:
    """(beat, sweep) intervals in seconds, derived from the stale window."""
    stale = settings.FIVESAFES_WORKER_STALE_AFTER.total_seconds()
    beat = max(0.5, min(stale / 4, 15.0))
    return beat, max(beat, min(stale / 2, 30.0))


def register(worker_id: str) -> WorkerHeartbeat:
    now = timezone.now()
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": now,
            "last_seen": now,
            "stopped_at": None,
        },
    )
    return beat


def beat(worker_id: str) -> None:
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen=timezone.now())
    if not updated:
        register(worker_id)


def stop(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).update(
        last_seen=timezone.now(), stopped_at=timezone.now()
    )


class HeartbeatThread(threading.Thread):
    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.stopping = threading.Event()
        self.beat_every, self.sweep_every = intervals()

    def run(self) -> None:
        since_sweep = 0.0
        try:
            while not self.stopping.wait(self.beat_every):
                since_sweep += self.beat_every
                try:
                    close_old_connections()
                    beat(self.worker_id)
                    if since_sweep >= self.sweep_every:
                        since_sweep = 0.0
                        sweep(by_worker=self.worker_id)
                        enqueue_due()
                        # Refusals counted in a closed minute get their summary event now,
                        # even when no further refusal comes (fivesafes.audit.services).
                        summarise_closed_windows()
                except Exception:
                    logger.exception("Heartbeat of worker %s failed; trying again.", self.worker_id)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=self.beat_every + 5)
