"""A researcher's requests and released files, and one request's page: its files with the
automatic verdicts and reasons (what to fix), the failing cells, the exception text, the votes
as the viewer may see them, and the buttons `next_steps` allows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fivesafes.policy import projects as projects_policy
from fivesafes.policy import releases as policy
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import Project
from fivesafes.release import outputs, queries
from fivesafes.release.forms import (
    BreachForm,
    ConsolidateForm,
    FileForm,
    NoteForm,
    UpdateFileForm,
    VoteForm,
)
from fivesafes.release.models import ReleaseRequest, RequestFile
from fivesafes.release.services import requests as service
from fivesafes.release.workflow import RequestState
from fivesafes.shared.pages import form_action, load, run_action, shows_refusals


@requires(Permission.VIEW_DASHBOARD)
def my_requests(request: HttpRequest) -> HttpResponse:
    """The requests of the person's projects, the projects they may start one for, and their
    released files."""
    person = request.user
    projects = [p for p in _member_projects(person) if policy.can_create(person, p)]
    return render(
        request,
        "release/my_requests.html",
        {
            "requests": queries.with_file_counts(queries.my_requests(person)),
            "projects": projects,
            "released": queries.released_files(person).filter(
                request__in=queries.my_requests(person)
            ),
        },
    )


def _member_projects(person: Any) -> Any:
    from django.db.models import Q

    return (
        Project.objects.filter(Q(responsible_id=person.pk) | Q(memberships__person_id=person.pk))
        .filter(state=Project.State.ACTIVE)
        .distinct()
    )


@requires(Permission.WORK_IN_PROJECTS)
@shows_refusals
def new_request(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("release:my_requests")
    project = get_object_or_404(Project, pk=pk)
    # Only a member learns that the project exists; the service says why it refuses.
    projects_policy.check_see(request.user, project)
    return run_action(
        request,
        lambda: service.create(actor=request.user, project=project, request=request),
        done=lambda made: redirect("release:request", pk=made.pk),
        failed=lambda: redirect("release:my_requests"),
        success=_("Release request started: add the files to release."),
    )


def _file_rows(release: ReleaseRequest, person: Any) -> list[dict[str, Any]]:
    rows = []
    for file in release.files.all():
        file.request = release
        rows.append(
            {
                "file": file,
                "votes": queries.votes_shown(file, person),
                "hidden": queries.hidden_votes(file, person),
                "changed": service.changed_since_submission(file) if release.with_author else None,
                # The checked table's values only for staff who check (see `shown_findings`).
                "table": queries.table_view(file.check_record, file.failing_cells or [])
                if queries.is_reader(person)
                else {},
                "findings": queries.shown_findings(file, person),
                "may_vote": policy.can_vote(person, file),
                "may_consolidate": policy.can_consolidate(person, file),
                "vote_form": VoteForm(prefix=f"f{file.pk}"),
                "consolidate_form": ConsolidateForm(prefix=f"c{file.pk}"),
                "update_form": UpdateFileForm(
                    prefix=f"u{file.pk}",
                    initial={
                        "context": file.context,
                        "exception": file.exception,
                        "declarations": ", ".join(
                            f"{k}={v}" for k, v in (file.declarations or {}).items()
                        ),
                    },
                ),
            }
        )
    return rows


def request_context(request: HttpRequest, release: ReleaseRequest, **extra: Any) -> dict[str, Any]:
    person = request.user
    may_edit = policy.can_edit(person, release)
    return {
        "release": release,
        "files": _file_rows(release, person),
        "steps": policy.next_steps(release, person),
        "route_reasons": queries.route_reasons(release, person),
        "may_edit": may_edit,
        "may_review": policy.can_review(person, release),
        "available": outputs.listing(release.project) if may_edit else [],
        "file_form": extra.pop("file_form", None) or FileForm(),
        "note_form": NoteForm(),
        "released": release.released.all(),
        "history": queries.project_history(release.project, exclude_request=release)
        if policy.can_review(person, release) or policy.can_see_log(person)
        else [],
        "breach_form": BreachForm(),
        **extra,
    }


@requires(Permission.VIEW_DASHBOARD)
@shows_refusals
def request_page(request: HttpRequest, pk: int) -> HttpResponse:
    release = load(
        request,
        ReleaseRequest.objects.select_related("project", "project__institution", "author"),
        policy.check_see,
        pk=pk,
    )
    if request.headers.get("HX-Request") and release.state_enum != RequestState.SUBMITTED:
        # The page polls while the automatic checks run; once routed, it reloads whole.
        return HttpResponse(headers={"HX-Refresh": "true"})
    return render(request, "release/request.html", request_context(request, release))


def _back(release_pk: int) -> Callable[..., HttpResponse]:
    return lambda *_: redirect("release:request", pk=release_pk)


@requires(Permission.WORK_IN_PROJECTS)
@shows_refusals
def add_file(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("release:request", pk=pk)
    # Seeing is the page's check; the service refuses an edit with the reason, as a message.
    release = load(request, ReleaseRequest, policy.check_see, pk=pk)
    form = FileForm(request.POST)

    def again(form: Any) -> HttpResponse:
        context = request_context(request, release, file_form=form)
        return render(request, "release/request.html", context, status=400)

    return form_action(
        request,
        form,
        lambda data: service.add_file(actor=request.user, release=release, request=request, **data),
        done=_back(pk),
        again=again,
        success=lambda f: _("%(path)s added.") % {"path": f.path},
    )


def _file(request: HttpRequest, pk: int) -> RequestFile:
    """The file, if its request may be seen; what the person may do with it is the service's
    to refuse (with the reason, as a message on the request's page)."""
    file = get_object_or_404(RequestFile.objects.select_related("request__project"), pk=pk)
    policy.check_see_file(request.user, file)
    return file


def _on_file(
    request: HttpRequest,
    pk: int,
    call: Callable[..., Any],
    success: str,
    form_class: type[forms.Form] | None = None,
    prefix: str = "",
) -> HttpResponse:
    """A button or form of one file on the request page: `call(actor=, file=, request=,
    **the form's fields)`, then back to the request page with what happened or the refusal.
    `success` names the file as `%(path)s`; a form's fields carry `prefix` and the file's id."""
    file = _file(request, pk)
    back = _back(file.request_id)
    if request.method != "POST":
        return back()
    said = success % {"path": file.path}

    def run(data: dict[str, Any]) -> Any:
        return call(actor=request.user, file=file, request=request, **data)

    if form_class is None:
        return run_action(request, lambda: run({}), done=back, failed=back, success=said)
    form = form_class(request.POST, prefix=f"{prefix}{file.pk}")
    return _submit(request, form, run, back, said)


@requires(Permission.WORK_IN_PROJECTS)
@shows_refusals
def update_file(request: HttpRequest, pk: int) -> HttpResponse:
    said = _("%(path)s updated; its reviews start again.")
    return _on_file(request, pk, service.update_file, said, UpdateFileForm, "u")


@requires(Permission.WORK_IN_PROJECTS)
@shows_refusals
def withdraw_file(request: HttpRequest, pk: int) -> HttpResponse:
    said = _("%(path)s withdrawn from the request.")
    return _on_file(request, pk, service.withdraw_file, said)


STEP_WORDS = {
    "submit": gettext_lazy("Submitted: the automatic checks are running."),
    "withdraw": gettext_lazy("The request was withdrawn."),
    "first_review": gettext_lazy("Your review is submitted."),
    "second_review": gettext_lazy("Your review is submitted."),
    "approve": gettext_lazy("Approved: the files are released in the next batch."),
    "return_to_author": gettext_lazy("Returned to the researcher."),
    "reject": gettext_lazy("The request was rejected."),
}


@requires(Permission.VIEW_DASHBOARD)
@shows_refusals
def take_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    release = load(request, ReleaseRequest, policy.check_see, pk=pk)
    if request.method != "POST" or step not in STEP_WORDS:
        return redirect("release:request", pk=pk)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""

    return run_action(
        request,
        lambda: service.take_asked_step(
            actor=request.user, release=release, step=step, note=note, request=request
        ),
        done=_back(pk),
        failed=_back(pk),
        success=str(STEP_WORDS[step]),
    )


@requires(Permission.REVIEW_OUTPUTS)
@shows_refusals
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    said = _("Your vote on %(path)s is recorded.")
    return _on_file(request, pk, service.vote, said, VoteForm, "f")


@requires(Permission.REVIEW_OUTPUTS)
@shows_refusals
def consolidate(request: HttpRequest, pk: int) -> HttpResponse:
    said = _("The outcome of %(path)s is settled.")
    return _on_file(request, pk, service.consolidate, said, ConsolidateForm, "c")


def _submit(
    request: HttpRequest,
    form: Any,
    call: Callable[[dict[str, Any]], Any],
    back: Callable[..., HttpResponse],
    success: str,
) -> HttpResponse:
    """A form of the request page: its errors or the service's refusal become a message on
    the request page, which is shown again."""
    if not form.is_valid():
        messages.error(
            request,
            "; ".join(
                f"{form.fields[k].label if k in form.fields else k}: {' '.join(v)}"
                for k, v in form.errors.items()
            ),
        )
        return back()
    return run_action(
        request, lambda: call(form.cleaned_data), done=back, failed=back, success=success
    )
