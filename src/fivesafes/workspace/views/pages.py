"""The member's workspace pages: the home page (access, data, areas, sessions, outputs) and the
file browser over the shared files, the private area and the outputs (list, view text, create,
edit, upload, delete). There is no download route: a file is shown as text on the page, up to
a small size, or not at all; the data folder shows names, sizes and the codebook only (R20)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fivesafes.delivery import queries as deliveries
from fivesafes.delivery.workflow import DeliveryState
from fivesafes.policy import workspaces as policy
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import Project
from fivesafes.shared.pages import form_action, form_page
from fivesafes.shared.refusals import RuleViolation
from fivesafes.workspace import areas, queries
from fivesafes.workspace.services import files, lab
from fivesafes.workspace.services.limits import idle_minutes_for, limits_for
from fivesafes.workspace.views.common import in_workspace
from fivesafes.workspace.views.forms import DeleteForm, RunForm, TextFileForm, UploadForm

MAX_OUTPUTS_LISTED = 200


def delivered(project: Project) -> list[Any]:
    return [d for d in deliveries.deliveries_of(project) if d.state_enum is DeliveryState.DELIVERED]


def output_files(project: Project, person: Any) -> list[tuple[str, int]]:
    root = areas.areas_for(project, person).outputs
    found = sorted((path, st.st_size) for path, st in areas.walk(root))
    return found[:MAX_OUTPUTS_LISTED]


@requires(Permission.WORK_IN_PROJECTS)
@in_workspace
def home(request: HttpRequest, project: Project) -> HttpResponse:
    person = request.user
    context = {
        "project": project,
        "answer": policy.check_enter_workspace(person, project, request),
        "deliveries": delivered(project),
        "storage": queries.storage(project, person),
        "outputs": output_files(project, person),
        "runs": queries.runs_of(project, person)[:5],
        "limits": limits_for(project),
        "idle_minutes": idle_minutes_for(project),
        "area_words": areas.AREA_WORDS,
        **lab.panel_context(person, project),
    }
    return render(request, "workspace/home.html", context)


def _area(area: str) -> str:
    if area not in areas.AREAS:
        raise Http404("There is no such area in a workspace.")
    return area


def _crumbs(folder: str) -> list[tuple[str, str]]:
    parts = [p for p in folder.split("/") if p]
    return [(part, "/".join(parts[: i + 1])) for i, part in enumerate(parts)]


@requires(Permission.WORK_IN_PROJECTS)
@in_workspace
def area(request: HttpRequest, project: Project, area: str) -> HttpResponse:
    """A folder of an area (`?folder=`), or a text file shown inline (`?file=`)."""
    area = _area(area)
    person = request.user
    root = areas.area_root(areas.areas_for(project, person), area)
    folder = request.GET.get("folder", "")
    shown_file = request.GET.get("file", "")
    context: dict[str, Any] = {
        "project": project,
        "area": area,
        "area_label": areas.area_label(area),
        "writable": area in areas.WRITABLE,
        "folder": folder,
        "crumbs": _crumbs(folder),
        "entries": [],
        "text": None,
        "shown_file": "",
        "error": "",
        "upload_form": UploadForm(initial={"folder": folder}),
        "run_form": RunForm(),
        "deliveries": delivered(project) if area == "data" else [],
        "inside": areas.INSIDE.get(area, "/project/data"),
    }
    try:
        if shown_file and area != "data":
            context["text"] = areas.read_text(root, shown_file, files.max_text_bytes())
            context["shown_file"] = str(areas.clean(shown_file))
        else:
            context["entries"] = areas.listing(root, folder)
    except RuleViolation as refusal:
        context["error"] = str(refusal)
    status = 400 if context["error"] else 200
    return render(request, "workspace/area.html", context, status=status)


def _area_url(project: Project, area: str, folder: str = "") -> str:
    url = reverse("workspace:area", args=[project.pk, area])
    return f"{url}?{urlencode({'folder': folder})}" if folder else url


@requires(Permission.WORK_IN_PROJECTS)
@in_workspace
def edit(request: HttpRequest, project: Project, area: str) -> HttpResponse:
    """Create or edit a text file of a writable area (`?path=` an existing one)."""
    area = _area(area)
    if area not in areas.WRITABLE:
        raise Http404("The data folder is read-only.")
    person = request.user
    initial: dict[str, Any] = {"path": request.GET.get("path", "")}
    error = ""
    if request.method != "POST" and initial["path"]:
        root = areas.area_root(areas.areas_for(project, person), area)
        try:
            initial["text"] = areas.read_text(root, initial["path"], files.max_text_bytes())
        except RuleViolation as refusal:
            error = str(refusal)
    form = TextFileForm(request.POST or None, initial=initial)

    def folder_of(path: str) -> str:
        return path.rsplit("/", 1)[0] if "/" in path else ""

    return form_page(
        request,
        form,
        lambda data: files.save_text(
            actor=person,
            project=project,
            area=area,
            path=data["path"],
            text=data["text"],
            request=request,
        ),
        template="workspace/edit.html",
        context=lambda form: {
            "project": project,
            "area": area,
            "area_label": areas.area_label(area),
            "form": form,
            "error": error,
            "inside": areas.INSIDE[area],
        },
        done=lambda _size: redirect(
            reverse("workspace:area", args=[project.pk, area])
            + "?"
            + urlencode(
                {
                    "folder": folder_of(form.cleaned_data["path"]),
                    "file": form.cleaned_data["path"],
                }
            )
        ),
        success=_("Saved."),
    )


@requires(Permission.WORK_IN_PROJECTS)
@require_POST
@in_workspace
def upload(request: HttpRequest, project: Project, area: str) -> HttpResponse:
    area = _area(area)
    form = UploadForm(request.POST, request.FILES)
    back = redirect(_area_url(project, area, request.POST.get("folder", "")))
    return form_action(
        request,
        form,
        lambda data: files.upload(
            actor=request.user,
            project=project,
            area=area,
            folder=data.get("folder") or "",
            upload=data["upload"],
            request=request,
        ),
        done=lambda path: back,
        again=lambda form: _form_refused(request, form, back),
        success=lambda path: _("Uploaded %(path)s.") % {"path": path},
    )


def _form_refused(request: HttpRequest, form: Any, back: HttpResponse) -> HttpResponse:
    from django.contrib import messages

    for field, errors in form.errors.items():
        for error in errors:
            said = (
                _("%(field)s: %(error)s") % {"field": field, "error": error}
                if field != "__all__"
                else error
            )
            messages.error(request, said)
    return back


@requires(Permission.WORK_IN_PROJECTS)
@require_POST
@in_workspace
def delete(request: HttpRequest, project: Project, area: str) -> HttpResponse:
    area = _area(area)
    form = DeleteForm(request.POST)
    path = request.POST.get("path", "")
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    back = redirect(_area_url(project, area, folder))
    return form_action(
        request,
        form,
        lambda data: files.delete(
            actor=request.user, project=project, area=area, path=data["path"], request=request
        ),
        done=lambda _size: back,
        again=lambda form: _form_refused(request, form, back),
        success=_("Deleted %(path)s.") % {"path": path},
    )
