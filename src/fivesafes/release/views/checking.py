"""The checkers' queue (oldest and riskiest first), the release log for checkers and auditors
(browsable and exportable as CSV), after-the-fact review, breaches, and the download of
released files: the only route of the system that serves a file of a project's outputs."""

from __future__ import annotations

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fivesafes.policy import releases as policy
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.release import queries
from fivesafes.release.forms import BreachForm, NoteForm, SamplingForm
from fivesafes.release.models import ReleasedFile
from fivesafes.release.services import release as releasing
from fivesafes.shared import formats
from fivesafes.shared.pages import load, run_action, shows_refusals


@requires(Permission.REVIEW_OUTPUTS)
def queue(request: HttpRequest) -> HttpResponse:
    waiting = [
        {
            "release": r,
            "may_review": policy.can_review(request.user, r),
            "files": r.active_files().count(),
        }
        for r in queries.review_queue()
    ]
    return render(
        request,
        "release/queue.html",
        {
            "waiting": waiting,
            "after_review": queries.after_review_queue(),
            "sampling_form": SamplingForm(),
            "sampled_projects": queries.project_sampling(),
        },
    )


@require_POST
@requires(Permission.REVIEW_OUTPUTS)
def raise_sampling(request: HttpRequest) -> HttpResponse:
    """Staff raise a project's sampling rate (risk-based sample checks, R22)."""
    from django.contrib import messages

    from fivesafes.projects.models import Project
    from fivesafes.release.services import requests as service

    form = SamplingForm(request.POST)
    back = redirect("release:queue")
    if not form.is_valid():
        messages.error(request, _("Give a project number, a share between 0 and 1 and a reason."))
        return back
    project = Project.objects.filter(number=form.cleaned_data["project"].strip()).first()
    if project is None:
        messages.error(request, _("There is no project with that number."))
        return back
    return run_action(
        request,
        lambda: service.set_project_sample_rate(
            actor=request.user,
            project=project,
            rate=form.cleaned_data["rate"],
            reason=form.cleaned_data["reason"],
            request=request,
        ),
        done=lambda _: back,
        failed=lambda: back,
        success=_("Sampling of %(number)s set to %(percent)s%%.")
        % {
            "number": project.number,
            "percent": formats.number(round(form.cleaned_data["rate"] * 100)),
        },
    )


@requires(Permission.VIEW_RELEASE_LOG)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Requests per week, the automatic pass rate, time to release, sample outcomes."""
    from fivesafes.release.figures import dashboard as figures

    return render(request, "release/dashboard.html", {"figures": figures()})


@requires(Permission.VIEW_RELEASE_LOG)
def log(request: HttpRequest) -> HttpResponse:
    return render(request, "release/log.html", {"entries": queries.release_log()[:500]})


LOG_COLUMNS = (
    "released_at",
    "project",
    "request",
    "file",
    "sha256",
    "size",
    "automatic",
    "checks",
    "reviewers",
    "recipients",
    "emailed_at",
    "withdrawn_at",
    "breach",
)


@requires(Permission.VIEW_RELEASE_LOG)
def log_csv(request: HttpRequest) -> HttpResponse:
    """The release log as CSV, for the office's own records."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LOG_COLUMNS)
    for e in queries.release_log():
        writer.writerow(
            [
                e.released_at.isoformat(),
                e.project.number,
                e.request.reference,
                e.name,
                e.sha256,
                e.size,
                e.automatic,
                e.checks.get("verdict", ""),
                "; ".join(e.reviewers),
                "; ".join(e.recipients),
                e.emailed_at.isoformat() if e.emailed_at else "",
                e.withdrawn_at.isoformat() if e.withdrawn_at else "",
                f"B-{e.breach_id}" if e.breach_id else "",
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="release-log.csv"'
    return response


@requires(Permission.WORK_IN_PROJECTS)
@shows_refusals
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """A released file, byte for byte the copy that was checked: members of its project only,
    never once withdrawn. No other route serves anything of the outputs area."""
    released = load(request, ReleasedFile.objects.select_related("project", "file"), pk=pk)
    return run_action(
        request,
        lambda: releasing.download(actor=request.user, released=released, request=request),
        done=lambda got: attachment(*got),
        failed=lambda: redirect("release:my_requests"),
    )


def attachment(name: str, content: bytes) -> HttpResponse:
    """A released file as a download (the page's and the API's), its name made safe."""
    response = HttpResponse(content, content_type="application/octet-stream")
    safe = "".join(c for c in name if c.isalnum() or c in "._-") or "output"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@requires(Permission.REVIEW_OUTPUTS)
@shows_refusals
def mark_breach(request: HttpRequest, pk: int) -> HttpResponse:
    released = load(
        request, ReleasedFile.objects.select_related("request"), policy.check_see_released, pk=pk
    )
    form = BreachForm(request.POST)
    what = form.cleaned_data["what_happened"] if form.is_valid() else ""
    back = redirect("release:request", pk=released.request_id)
    return run_action(
        request,
        lambda: releasing.mark_breach(
            actor=request.user, released=released, what_happened=what, request=request
        ),
        done=lambda _: back,
        failed=lambda: back,
        success=_("%(name)s withdrawn; a breach case is open and the members are told.")
        % {"name": released.name},
    )


@require_POST
@requires(Permission.REVIEW_OUTPUTS)
@shows_refusals
def after_review(request: HttpRequest, pk: int) -> HttpResponse:
    released = load(request, ReleasedFile, policy.check_see_released, pk=pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return run_action(
        request,
        lambda: releasing.after_review(
            actor=request.user, released=released, note=note, request=request
        ),
        done=lambda _: redirect("release:queue"),
        failed=lambda: redirect("release:queue"),
        success=_("%(name)s: looked at, no breach.") % {"name": released.name},
    )
