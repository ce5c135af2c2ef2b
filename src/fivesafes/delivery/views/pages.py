"""The delivery pages (see the package docstring). Each route declares its permission and loads
its object through `fivesafes.policy.deliveries`; the buttons come from `next_steps`."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fivesafes.audit.services import event_stream_for
from fivesafes.delivery import folders, queries
from fivesafes.delivery.models import Delivery
from fivesafes.delivery.services import planning, running
from fivesafes.delivery.services import time as staff_time
from fivesafes.delivery.views.forms import LinkForm, PlanForm, TimeForm
from fivesafes.delivery.workflow import DeliveryState
from fivesafes.policy import deliveries as policy
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission, holds
from fivesafes.projects.models import Project
from fivesafes.projects.views.projects import scope_population
from fivesafes.shared.pages import form_action, load, run_action, shows_refusals
from fivesafes.shared.refusals import RuleViolation

POLL_SECONDS = 2
DELIVERIES = Delivery.objects.select_related("project", "requested_by", "planned_by")


def project_panel(request: HttpRequest, project: Project) -> str:
    """The deliveries section of the project page, for members and staff ("" for others)."""
    if not policy.can_see(request.user, project):
        return ""
    return render_to_string(
        "delivery/_panel.html",
        {
            "project": project,
            "deliveries": queries.deliveries_of(project).prefetch_related("uploads"),
            "may_reidentify": policy.can_see_reidentifications(request.user)
            and not policy.is_in_project(request.user, project),
            # The plan page says what is missing when the project is not ready yet.
            "may_plan": holds(request.user, Permission.DELIVER_DATA) and not project.is_closed,
        },
        request=request,
    )


def population_lines(scope: dict[str, Any]) -> list[str]:
    """The population of a stored scope in words, with the catalogue's labels."""
    from fivesafes.metadata.population import PopulationError, describe_all, from_dict
    from fivesafes.projects.services.population import catalogue_entries

    population = scope.get("population") or {}
    try:
        definition = from_dict(
            {"unit": population.get("unit") or "person", "criteria": population.get("criteria")}
        )
    except PopulationError:
        return []
    return describe_all(definition, catalogue_entries(definition.variables))


def _scope_lines(scope: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"label": label, "register": label.split(".")[0], **entry}
        for label, entry in (scope.get("variables") or {}).items()
    ]


@requires(Permission.DELIVER_DATA)
def queue(request: HttpRequest) -> HttpResponse:
    """The data-delivery staff's list: projects waiting for their data (ready or not, and why),
    plans to review, deliveries running and failed."""
    waiting = [
        {"project": project, "findings": policy.readiness(project)}
        for project in policy.with_readiness(queries.undelivered_projects())
    ]
    return render(
        request,
        "delivery/queue.html",
        {
            "waiting": waiting,
            "planned": queries.in_state(DeliveryState.PLANNED),
            "running": queries.in_state(DeliveryState.RUNNING),
            "failed": queries.in_state(DeliveryState.FAILED),
        },
    )


@requires(Permission.DELIVER_DATA)
@shows_refusals
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff plan the project's next delivery: what is ready, what the plan will hold."""
    project = load(request, Project.objects.select_related("institution"), policy.check_see, pk=pk)
    form = PlanForm(request.POST if request.method == "POST" else None)

    def again(form: PlanForm) -> HttpResponse:
        return render(
            request,
            "delivery/plan.html",
            {
                "project": project,
                "form": form,
                "findings": policy.readiness(project),
                "may_plan": policy.can_plan(request.user, project),
                "variables": _scope_lines(project.approved_scope),
                "scope": project.approved_scope,
                "population_lines": scope_population(project),
                "fast_track": policy.is_fast_track(project),
                "deliveries": queries.deliveries_of(project),
            },
            status=400 if form.errors else 200,
        )

    if request.method != "POST":
        return again(form)
    return form_action(
        request,
        form,
        lambda data: planning.plan(
            actor=request.user, project=project, formats=data["formats"], request=request
        ),
        done=lambda delivery: redirect("delivery:delivery", pk=delivery.pk),
        again=again,
        success=_delivery_is,
    )


def _delivery_is(delivery: Delivery) -> str:
    """The page message after a step: the delivery and its state, in the reader's language."""
    return _("Delivery %(number)s is %(state)s.") % {
        "number": delivery.number,
        "state": delivery.state_enum.label.lower(),
    }


def _delivery_context(request: HttpRequest, delivery: Delivery) -> dict[str, Any]:
    lines = staff_time.quote_lines(delivery)
    return {
        "delivery": delivery,
        "project": delivery.project,
        "poll_seconds": POLL_SECONDS,
        "is_running": delivery.state_enum is DeliveryState.RUNNING,
        "is_delivered": delivery.state_enum is DeliveryState.DELIVERED,
    } | (
        {}
        if request.headers.get("HX-Request")
        else {
            "steps": policy.next_steps(delivery, request.user),
            "variables": _scope_lines(delivery.scope),
            "population": (delivery.scope.get("population") or {}),
            "population_lines": population_lines(delivery.scope),
            "events": event_stream_for(delivery),
            "time": queries.time_by_line(delivery),
            "time_entries": delivery.staff_time.select_related("recorded_by"),
            "may_record_time": bool(lines) and policy.can_record_time(request.user, delivery),
            "time_form": TimeForm(lines=lines),
        }
        | external_context(request, delivery)
    )


def external_context(request: HttpRequest, delivery: Delivery) -> dict[str, Any]:
    """The external-data section (R15): staff see each link and file, members what arrived."""
    uploads = list(delivery.uploads.select_related("created_by").order_by("pk"))
    for upload in uploads:
        upload.may_cancel = policy.can_cancel_upload(request.user, upload)
        upload.may_take_key = policy.can_take_scrambling_key(request.user, upload)
    sources = policy.sources(delivery)
    return {
        "sources": sources,
        "uploads": uploads,
        "show_upload_details": policy.can_see_upload_details(request.user, delivery),
        "may_issue_link": policy.can_issue_link(request.user, delivery),
        "link_form": LinkForm(sources=sources),
    }


@requires(Permission.VIEW_DASHBOARD)
@shows_refusals
def delivery_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A delivery's job page: the plan, its progress (refreshing while it runs), its files."""
    delivery = load(request, DELIVERIES, policy.check_see_delivery, pk=pk)
    return render(request, "delivery/delivery.html", _delivery_context(request, delivery))


@requires(Permission.VIEW_DASHBOARD)
@shows_refusals
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress section alone, which htmx asks for every few seconds while it runs."""
    delivery = load(request, DELIVERIES, policy.check_see_delivery, pk=pk)
    return render(request, "delivery/_progress.html", _delivery_context(request, delivery))


@require_POST
@requires(Permission.DELIVER_DATA)
@shows_refusals
def take_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """A button of the delivery page: start, run again, discard."""
    delivery = load(request, DELIVERIES, policy.check_see_delivery, pk=pk)

    def call() -> Delivery:
        if step in ("start", "rerun"):
            return running.start(actor=request.user, delivery=delivery, request=request)
        if step == "discard":
            return planning.discard(actor=request.user, delivery=delivery, request=request)
        policy.check_step(request.user, delivery, step)  # a step no person takes: refused
        raise Http404

    return run_action(
        request,
        call,
        done=lambda d: redirect("delivery:delivery", pk=d.pk),
        failed=lambda: redirect("delivery:delivery", pk=pk),
        success=_delivery_is,
    )


@require_POST
@requires(Permission.DELIVER_DATA)
@shows_refusals
def record_time(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = load(request, DELIVERIES, policy.check_see_delivery, pk=pk)
    form = TimeForm(request.POST, lines=staff_time.quote_lines(delivery))
    back = redirect("delivery:delivery", pk=pk)
    return form_action(
        request,
        form,
        lambda data: staff_time.record_time(
            actor=request.user, delivery=delivery, request=request, **data
        ),
        done=lambda entry: back,
        again=lambda form: render(
            request,
            "delivery/delivery.html",
            _delivery_context(request, delivery) | {"time_form": form},
            status=400,
        ),
        success=lambda entry: (
            _("%(hours)s hours booked on %(line)s.") % {"hours": entry.hours, "line": entry.line}
        ),
    )


@requires(Permission.VIEW_DASHBOARD)
@shows_refusals
def document(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """The delivery's codebook (HTML, JSON) or manifest, read from its folder. No other file of
    the folder is ever served: the data stay on the research server (R20)."""
    delivery = load(request, DELIVERIES, policy.check_see_delivery, pk=pk)
    if name not in folders.DOCUMENTS:
        raise Http404(_("Only the codebook and the manifest of a delivery are shown here."))
    try:
        policy.check_read_documents(request.user, delivery)
    except RuleViolation as refusal:
        raise Http404(refusal.finding.message) from None
    path = folders.document_path(delivery.project.number, delivery.number, name)
    if path is None or path.is_symlink() or not path.is_file():
        raise Http404(_("The delivery's folder holds no such document."))
    response = FileResponse(path.open("rb"), content_type=folders.DOCUMENTS[name])
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    if name.endswith(".html"):
        # The codebook is the core's HTML: shown, but it may run nothing and load nothing.
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
