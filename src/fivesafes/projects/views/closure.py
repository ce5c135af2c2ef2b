"""Closing a project, recording the deletion of its data (R25), publications and their
scrutiny (R23)."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects import queries
from fivesafes.projects.models import Project, Publication
from fivesafes.projects.services import closure
from fivesafes.projects.views.common import posts
from fivesafes.shared.pages import run_action


class CloseForm(forms.Form):
    reason = forms.CharField(
        label="Why the project closes", widget=forms.Textarea(attrs={"rows": 2})
    )


class PublicationForm(forms.Form):
    title = forms.CharField(label="Title", max_length=300)
    authors = forms.CharField(label="Authors", max_length=300, required=False)
    reference = forms.CharField(
        label="Journal, report series, DOI or URL", max_length=300, required=False
    )


class ScrutinyForm(forms.Form):
    result = forms.ChoiceField(
        label="Result",
        choices=[
            (Publication.Scrutiny.NO_OBJECTION, "No objection"),
            (Publication.Scrutiny.OBJECTION, "Objection"),
        ],
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _run(
    request: HttpRequest, call: Callable[[], object], done: str, project_pk: int
) -> HttpResponse:
    """Run the service; back to the project page with what happened or the refusal."""
    back = redirect("projects:project", pk=project_pk)
    return run_action(request, call, done=lambda _: back, failed=lambda: back, success=done)


@posts(Permission.VIEW_DASHBOARD)
def close_project(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    form = CloseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run(
        request,
        lambda: closure.close(actor=request.user, project=project, reason=reason, request=request),
        f"Project {project.number} closed.",
        pk,
    )


@posts(Permission.CLOSE_PROJECTS)
def confirm_deletion(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    return _run(
        request,
        lambda: closure.confirm_deletion(actor=request.user, project=project, request=request),
        "The deletion of the data is recorded.",
        pk,
    )


@posts(Permission.WORK_IN_PROJECTS)
def register_publication(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project, pk=pk)
    form = PublicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Title: give the publication's title.")
        return redirect("projects:project", pk=pk)
    return _run(
        request,
        lambda: closure.register_publication(
            actor=request.user, project=project, request=request, **form.cleaned_data
        ),
        "The publication is registered for scrutiny (R23).",
        pk,
    )


@posts(Permission.RECORD_SCRUTINY)
def record_scrutiny(request: HttpRequest, pk: int) -> HttpResponse:
    publication = get_object_or_404(Publication, pk=pk)
    form = ScrutinyForm(request.POST)
    result = form.cleaned_data["result"] if form.is_valid() else ""
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    return _run(
        request,
        lambda: closure.record_scrutiny(
            actor=request.user, publication=publication, result=result, note=note, request=request
        ),
        "The scrutiny result is recorded.",
        publication.project_id,
    )


@requires(Permission.RECORD_SCRUTINY)
def scrutiny_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request, "projects/scrutiny_queue.html", {"publications": queries.scrutiny_queue()}
    )
