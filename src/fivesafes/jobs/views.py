"""Job pages: the list of jobs a person may see, one job's status (polled while it runs)."""

from __future__ import annotations

from uuid import UUID

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_tasks_db.models import DBTaskResult

from fivesafes.jobs import services
from fivesafes.jobs.presentation import job_view
from fivesafes.jobs.schedule import SCHEDULE, last_runs
from fivesafes.jobs.sweep import live_worker_ids
from fivesafes.jobs.tasks import self_check
from fivesafes.policy.checks import can
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.shared.labels import gettext_noop
from fivesafes.shared.pages import refuse
from fivesafes.shared.refusals import unseen

PAGE_SIZE = 25


def scheduled_overview() -> list[dict[str, object]]:
    """The daily jobs with their last run, for staff who see every job."""
    runs = last_runs()
    return [{"entry": entry, "run": runs.get(entry.name)} for entry in SCHEDULE]


POLL_SECONDS = 2


@requires(Permission.VIEW_OWN_JOBS)
def job_list(request: HttpRequest) -> HttpResponse:
    sees_all = can(request.user, Permission.VIEW_ALL_JOBS)
    only_mine = not sees_all or request.GET.get("scope") == "mine"
    results = services.visible_jobs(request.user)
    if only_mine:
        results = results.filter(progress__owner=request.user)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    jobs = [job_view(result) for result in page.object_list]
    return render(
        request,
        "jobs/job_list.html",
        {
            "page": page,
            "jobs": jobs,
            "sees_all": sees_all,
            "only_mine": only_mine,
            "may_start_check": can(request.user, Permission.ADMINISTER_SYSTEM),
            "worker_alive": bool(live_worker_ids()),
            "schedule": scheduled_overview() if sees_all else [],
        },
    )


@requires(Permission.VIEW_OWN_JOBS)
def job_detail(request: HttpRequest, task_id: UUID) -> HttpResponse:
    result = get_object_or_404(DBTaskResult.objects.select_related("progress"), pk=task_id)
    if not services.may_see(request.user, result):
        denial = unseen("job")  # audited by the policy's middleware, as every refusal
        return refuse(request, denial.reason, denial.status)
    context = {
        "job": job_view(result),
        "poll_seconds": POLL_SECONDS,
        "full_errors": can(request.user, Permission.VIEW_ALL_JOBS),
        "worker_alive": bool(live_worker_ids()),
    }
    if getattr(request, "htmx", False):
        return render(request, "jobs/_job_status.html", context)
    return render(request, "jobs/job_detail.html", context)


@requires(Permission.ADMINISTER_SYSTEM)
@require_POST
def start_self_check(request: HttpRequest) -> HttpResponse:
    progress = services.enqueue(
        self_check,
        owner=request.user,
        title=gettext_noop("System self-check"),
        kwargs={"steps": 10, "pause": 0.5},
        request=request,
    )
    return redirect("jobs:detail", task_id=progress.pk)
