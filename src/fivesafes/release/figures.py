"""The release dashboard's figures and its small server-side SVG bar chart (no JavaScript):
requests per week, the automatic routing (passes, reviews, returns), time from submission to
release, and what became of sampled requests."""

from __future__ import annotations

import statistics
from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.audit.models import AuditEvent
from fivesafes.release.models import ReleasedFile, ReleaseRequest
from fivesafes.shared.charts import bars_svg
from fivesafes.shared.labels import gettext_noop

WEEKS = 12


def requests_per_week(now: Any = None) -> list[tuple[str, int]]:
    now = now or timezone.now()
    since = now - timedelta(weeks=WEEKS)
    counted = {
        row["week"].date(): row["n"]
        for row in ReleaseRequest.objects.filter(submitted_at__gte=since)
        .order_by()
        .annotate(week=TruncWeek("submitted_at"))
        .values("week")
        .annotate(n=Count("pk"))
    }
    monday = timezone.localdate(now) - timedelta(days=timezone.localdate(now).weekday())
    weeks = [monday - timedelta(weeks=k) for k in range(WEEKS - 1, -1, -1)]
    return [(w.isoformat(), counted.get(w, 0)) for w in weeks]


def routing() -> dict[str, int]:
    """How the automatic checks routed requests, from the audit log (every round counts); keyed
    by the words as written (English), which the page translates."""
    names = {
        "release_request.auto_approve": gettext_noop("passed and released automatically"),
        "release_request.checks_passed": gettext_noop("sent to two checkers"),
        "release_request.auto_return": gettext_noop("returned by the automatic checks"),
    }
    counts = {
        row["action"]: row["n"]
        for row in AuditEvent.objects.filter(action__in=list(names))
        .order_by()
        .values("action")
        .annotate(n=Count("pk"))
    }
    return {words: counts.get(action, 0) for action, words in names.items()}


def hours_to_release() -> dict[str, float | int | None]:
    spans = [
        (r.released_at - r.submitted_at).total_seconds() / 3600
        for r in ReleaseRequest.objects.filter(
            released_at__isnull=False, submitted_at__isnull=False
        ).only("released_at", "submitted_at")
    ]
    return {
        "requests": len(spans),
        "median_hours": round(statistics.median(spans), 2) if spans else None,
        "longest_hours": round(max(spans), 2) if spans else None,
    }


# The states as the dashboard's sentence on sample checks names them (their stored values),
# marked for the catalogue so the page can say them in the reader's language.
STATE_WORDS = (
    gettext_noop("draft"),
    gettext_noop("submitted"),
    gettext_noop("checked"),
    gettext_noop("partially_reviewed"),
    gettext_noop("reviewed"),
    gettext_noop("approved"),
    gettext_noop("returned"),
    gettext_noop("rejected"),
    gettext_noop("released"),
    gettext_noop("withdrawn"),
)


def sample_outcomes() -> dict[str, int]:
    return {
        row["state"]: row["n"]
        for row in ReleaseRequest.objects.filter(sampled=True)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
    }


def dashboard() -> dict[str, Any]:
    weekly = requests_per_week()
    routed = routing()
    total = sum(routed.values())
    automatic = routed["passed and released automatically"]
    return {
        "weekly": weekly,
        "weekly_svg": bars_svg(weekly, _("Release requests submitted per week")),
        "routing": routed,
        "automatic_pass_rate": round(automatic / total, 3) if total else None,
        "time_to_release": hours_to_release(),
        "sample_outcomes": sample_outcomes(),
        "released_files": ReleasedFile.objects.count(),
        "withdrawn_files": ReleasedFile.objects.filter(withdrawn_at__isnull=False).count(),
    }
