"""`GET /healthz`: is the database up, is a worker alive, is the data folder writable, can the
audit log's anchor be written (and did no anchor write fail in this server process)?

200 with every component's state when all are up; 503 naming the failing components otherwise.
A degraded component (the audit anchor: the service works, but the newest audit events are not
anchored) is named under `degraded` with status "degraded" and still answers 200, so a load
balancer keeps serving while alerting picks it up.
Details are plain facts (ages, counts, free space), never paths, hosts, settings or errors text.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from fivesafes.policy.decorators import public

logger = logging.getLogger("fivesafes.health")

MIN_FREE_BYTES = 100 * 1024 * 1024


def check_database() -> dict[str, Any]:
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        logger.error("Health: database check failed: %r", error)
        return {"state": "down", "detail": f"query failed ({type(error).__name__})"}
    elapsed = (time.monotonic() - started) * 1000
    return {"state": "ok", "detail": f"{connection.vendor} answered in {elapsed:.0f} ms"}


def check_worker() -> dict[str, Any]:
    from fivesafes.jobs.models import WorkerHeartbeat

    stale = settings.FIVESAFES_WORKER_STALE_AFTER
    window = int(stale.total_seconds())
    try:
        now = timezone.now()
        running = WorkerHeartbeat.objects.filter(stopped_at__isnull=True)
        live = running.filter(last_seen__gte=now - stale)
        latest = live.first() or WorkerHeartbeat.objects.first()
    except Exception as error:
        logger.error("Health: worker check failed: %r", error)
        return {"state": "down", "detail": f"heartbeats unreadable ({type(error).__name__})"}
    age = round((now - latest.last_seen).total_seconds(), 1) if latest else None
    count = live.count()
    if count:
        return {
            "state": "ok",
            "detail": f"{count} worker(s) alive, last heartbeat {age} s ago",
            "workers": count,
            "last_heartbeat_age_seconds": age,
        }
    detail = f"no worker heartbeat within {window} s"
    detail += f" (last one {age} s ago)" if age is not None else " (no worker has ever run)"
    return {"state": "down", "detail": detail, "workers": 0, "last_heartbeat_age_seconds": age}


def check_data_dir() -> dict[str, Any]:
    folder = settings.DATA_DIR
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".healthz-", delete=True) as probe:
            probe.write(b"ok")
            probe.flush()
        free = shutil.disk_usage(folder).free
    except OSError as error:
        logger.error("Health: data folder check failed: %r", error)
        return {"state": "down", "detail": f"not writable ({type(error).__name__})"}
    free_mb = free // (1024 * 1024)
    if free < MIN_FREE_BYTES:
        return {
            "state": "down",
            "detail": f"writable, but only {free_mb} MB free",
            "writable": True,
            "free_mb": free_mb,
        }
    return {
        "state": "ok",
        "detail": f"writable, {free_mb} MB free",
        "writable": True,
        "free_mb": free_mb,
    }


def check_audit_anchor() -> dict[str, Any]:
    from fivesafes.audit.anchor import health

    return health()


CHECKS = {
    "database": check_database,
    "worker": check_worker,
    "data_dir": check_data_dir,
    "audit_anchor": check_audit_anchor,
}


def report() -> tuple[dict[str, Any], int]:
    components = {name: check() for name, check in CHECKS.items()}
    failing = [name for name, component in components.items() if component["state"] == "down"]
    degraded = [name for name, c in components.items() if c["state"] == "degraded"]
    status = "down" if failing else "degraded" if degraded else "ok"
    body: dict[str, Any] = {"status": status, "components": components}
    if failing:
        body["failing"] = failing
    if degraded:
        body["degraded"] = degraded  # for alerting; the service still answers, so 200
    return body, 503 if failing else 200


@public
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    body, status = report()
    return JsonResponse(body, status=status)
