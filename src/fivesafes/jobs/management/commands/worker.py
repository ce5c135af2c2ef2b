"""`fivesafes worker`: run background jobs with django-tasks-db's worker, plus a heartbeat.

The queue, claiming and running of tasks are django-tasks-db's (`db_worker`); this command adds
a heartbeat row kept fresh by a thread, and sweeps for jobs left RUNNING by dead workers when it
starts and every few seconds after (see fivesafes.jobs.sweep).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from fivesafes.jobs import heartbeat
from fivesafes.jobs.sweep import sweep

logger = logging.getLogger("fivesafes.jobs")


class HeartbeatWorker(db_worker.Worker):
    """django-tasks-db's Worker that keeps a heartbeat and settles orphaned jobs."""

    def run(self) -> None:
        heartbeat.register(self.worker_id)
        outcome = sweep(by_worker=self.worker_id)
        if outcome.failed or outcome.restarted:
            logger.warning(
                "At start: %d orphaned job(s) failed, %d restarted.",
                len(outcome.failed),
                len(outcome.restarted),
            )
        thread = heartbeat.HeartbeatThread(self.worker_id)
        thread.start()
        try:
            super().run()
        finally:
            thread.stop()
            heartbeat.stop(self.worker_id)


class Command(db_worker.Command):
    help = (
        "Run the background job worker (django-tasks-db) with a heartbeat that /healthz "
        "reads; jobs left running by a dead worker are failed or restarted."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        logging.getLogger("fivesafes.jobs").setLevel(logging.INFO if verbosity else logging.ERROR)
        if reload and batch:
            reload = False
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise db_worker.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = HeartbeatWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
