"""`fivesafes schedule`: the jobs that run every day, when they last ran, and a way to run them.

Workers enqueue due entries by themselves; `--run-due` does the same from the command line
(for a cron entry where no worker runs all day).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fivesafes.jobs.schedule import SCHEDULE, enqueue_due, last_runs


class Command(BaseCommand):
    help = "List the scheduled jobs and their last runs; --run-due enqueues those due today."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--run-due", action="store_true", help="enqueue the entries due now, once a day"
        )

    def handle(self, *args: Any, run_due: bool, **options: Any) -> None:
        if run_due:
            enqueued = enqueue_due()
            self.stdout.write(
                f"Enqueued: {', '.join(enqueued)}." if enqueued else "Nothing due to enqueue."
            )
        runs = last_runs()
        for entry in SCHEDULE:
            run = runs.get(entry.name)
            if run is None:
                last = "never run"
            else:
                status = run.task_result.status if run.task_result else "unknown"
                last = f"last enqueued {run.day} ({status})"
            self.stdout.write(f"{entry.name:<24} daily after {entry.at:%H:%M}  {last}")
            self.stdout.write(f"    {entry.title}")
