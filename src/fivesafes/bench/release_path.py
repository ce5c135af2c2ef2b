"""The release request of `fivesafes bench release --path`, run inside the benchmark's own
database (a child process with the demo's settings, while a real `fivesafes worker` runs).

The demo researcher writes a table that passes every check into the demo project's outputs
area, puts it into a release request and submits it through the services, as the page does;
then this process only watches the database until the file is released and mailed (the worker
runs the check job, and the five-minute batch that its heartbeat enqueues). Prints one JSON
document with the times read back from the database. Never run against production data.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime, timedelta
from typing import Any

PASSING = "region,sex,n\nNorth,F,1204\nNorth,M,1187\nSouth,F,642\nSouth,M,655\n"
ROLES = {"region": "label", "sex": "label", "n": "frequency"}
SLOT_SECONDS = 5 * 60


def _seconds(later: datetime | None, earlier: datetime) -> float | None:
    return None if later is None else round((later - earlier).total_seconds(), 3)


def submit_and_watch(timeout: float) -> dict[str, Any]:
    from django.utils import timezone

    from fivesafes.accounts.models import User
    from fivesafes.jobs.models import ScheduledRun, WorkerHeartbeat
    from fivesafes.jobs.schedule import SCHEDULE
    from fivesafes.projects.models import Project
    from fivesafes.release.demo import DEMO_PROJECT
    from fivesafes.release.models import ReleasedFile
    from fivesafes.release.outputs import outputs_dir
    from fivesafes.release.services import requests

    # The worker has started (Django loaded, its heartbeat written) before the clock starts.
    waited = time.monotonic()
    while not WorkerHeartbeat.objects.filter(stopped_at__isnull=True).exists():
        if time.monotonic() - waited > timeout:
            raise RuntimeError("no worker started")
        time.sleep(0.2)
    # Steady state: this slot's batch has run (a fresh worker enqueues the current slot's
    # batch at once), so the request waits for the next slot's, as any submission would.
    batch_entry = next(e for e in SCHEDULE if e.name == "release.batch")
    while True:
        current = batch_entry.claim(timezone.now())
        done = ScheduledRun.objects.filter(
            name=current, task_result__finished_at__isnull=False
        ).exists()
        if done:
            break
        if time.monotonic() - waited > timeout:
            raise RuntimeError(f"the batch {current} did not run")
        time.sleep(0.2)
    project = Project.objects.get(number=DEMO_PROJECT)
    researcher = User.objects.get(username="researcher")
    folder = outputs_dir(project) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"passing-{int(time.time())}.csv"
    (folder / name).write_text(PASSING)
    release = requests.create(actor=researcher, project=project)
    requests.add_file(
        actor=researcher,
        release=release,
        path=f"bench/{name}",
        context="Persons by region and sex (benchmark)",
        declarations=ROLES,
    )
    requests.submit(actor=researcher, release=release)
    release.refresh_from_db()
    submitted = release.submitted_at or timezone.now()

    deadline = time.monotonic() + timeout
    entry = None
    while time.monotonic() < deadline:
        entry = ReleasedFile.objects.filter(request=release).first()
        if entry is not None and entry.emailed_at is not None:
            break
        time.sleep(0.2)
    release.refresh_from_db()
    batch = None
    if entry is not None:
        batch = (
            ScheduledRun.objects.filter(name__startswith="release.batch@")
            .filter(task_result__finished_at__gte=entry.released_at)
            .order_by("enqueued_at")
            .first()
        )
    checked_s = _seconds(release.checked_at, submitted)
    released_s = _seconds(entry.released_at if entry else None, submitted)
    local = timezone.localtime(submitted)
    slot = (local.minute // 5 + 1) * 5
    next_slot = local.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=slot)
    figures: dict[str, Any] = {
        "request": release.reference,
        "state": release.state,
        "route": release.route_reasons,
        "submitted_at": submitted.isoformat(),
        "checked_s": checked_s,
        "next_slot_s": _seconds(next_slot, submitted),
        "batch": batch.name if batch is not None else None,
        "released_s": released_s,
        "mailed_s": _seconds(entry.emailed_at if entry else None, submitted),
        "in_next_batch": entry is not None
        and entry.emailed_at is not None
        and batch is not None
        and batch.name == batch_entry.claim(next_slot),
    }
    if checked_s is not None and released_s is not None:
        # From the slot's start to the release: the heartbeat's enqueue and the worker's pick-up.
        lag = round(released_s - figures["next_slot_s"], 3)
        figures["slot_to_release_s"] = lag
        # Submitted at a random moment, the request makes the next batch when its checks end
        # before the slot starts; otherwise it waits one slot more.
        figures["share_in_next_batch"] = round(max(0.0, 1 - checked_s / SLOT_SECONDS), 3)
        figures["worst_case_s"] = round(checked_s + SLOT_SECONDS + lag, 1)
    return figures


def main() -> int:
    import django

    django.setup()
    timeout = float(sys.argv[1]) if len(sys.argv) > 1 else 420.0
    json.dump(submit_and_watch(timeout), sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
