"""Closing a project, recording the deletion of its data (R25), publications and their
scrutiny (R23)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects import queries
from fivesafes.projects.models import Project, Publication
from fivesafes.projects.services import closure
from fivesafes.projects.views.common import posts
from fivesafes.shared.pages import run_action


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why the project closes"), widget=forms.Textarea(attrs={"rows": 2})
    )


class PublicationForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    authors = forms.CharField(label=gettext_lazy("Authors"), max_length=300, required=False)
    reference = forms.CharField(
        label=gettext_lazy("Journal, report series, DOI or URL"), max_length=300, required=False
    )


class ScrutinyForm(forms.Form):
    result = forms.ChoiceField(
        label=gettext_lazy("Result"),
        choices=[
            (Publication.Scrutiny.NO_OBJECTION, gettext_lazy("No objection")),
            (Publication.Scrutiny.OBJECTION, gettext_lazy("Objection")),
        ],
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _run(
    request: HttpRequest,
    project_pk: int,
    service: Callable[..., object],
    done: str,
    **arguments: Any,
) -> HttpResponse:
    """Run `service(actor=, request=, **arguments)`; back to the project page with what
    happened or the refusal."""
    back = redirect("projects:project", pk=project_pk)
    return run_action(
        request,
        lambda: service(actor=request.user, request=request, **arguments),
        done=lambda _: back,
        failed=lambda: back,
        success=done,
    )


@posts(Permission.VIEW_DASHBOARD)
def close_project(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    form = CloseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    closed = _("Project %(number)s closed.") % {"number": project.number}
    return _run(request, pk, closure.close, closed, project=project, reason=reason)


@posts(Permission.CLOSE_PROJECTS)
def confirm_deletion(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    recorded = _("The deletion of the data is recorded.")
    return _run(request, pk, closure.confirm_deletion, recorded, project=project)


@posts(Permission.WORK_IN_PROJECTS)
def register_publication(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    form = PublicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Title: give the publication's title."))
        return redirect("projects:project", pk=pk)
    registered = _("The publication is registered for scrutiny (R23).")
    return _run(
        request, pk, closure.register_publication, registered, project=project, **form.cleaned_data
    )


@posts(Permission.RECORD_SCRUTINY)
def record_scrutiny(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(Publication, pk=pk)
    form = ScrutinyForm(request.POST)
    result = form.cleaned_data["result"] if form.is_valid() else ""
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    return _run(
        request,
        publication.project_id,
        closure.record_scrutiny,
        _("The scrutiny result is recorded."),
        publication=publication,
        result=result,
        note=note,
    )


@requires(Permission.RECORD_SCRUTINY)
def scrutiny_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request, "projects/scrutiny_queue.html", {"publications": queries.scrutiny_queue()}
    )
