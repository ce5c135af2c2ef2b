"""The applicant's pages: my applications, a new application, the wizard with save-as-draft and
inline findings (htmx), the variable list, members, external data, documents, submission."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fivesafes.policy import applications as policy
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects.forms import (
    STEP_FORMS,
    AnswerForm,
    CriterionForm,
    DocumentForm,
    ExternalDataForm,
    MemberForm,
    NewApplicationForm,
    StepForm,
    VariableForm,
)
from fivesafes.projects.models import (
    Application,
    ApplicationMember,
    ApplicationQuestion,
    ApplicationVariable,
    ExternalDataSource,
    UploadedDocument,
)
from fivesafes.projects.services import applications as service
from fivesafes.projects.services import decisions, uploads
from fivesafes.projects.services import population as population_service
from fivesafes.projects.views.common import (
    WIZARD,
    WIZARD_SLUGS,
    application_view,
    findings_context,
    posts,
)
from fivesafes.shared.pages import (
    Refused,
    attempt,
    form_action,
    form_page,
    refuse,
    run_action,
)
from fivesafes.shared.refusals import RuleViolation


@requires(Permission.APPLY_FOR_PROJECTS)
def my_applications(request: HttpRequest) -> HttpResponse:
    mine = Application.objects.filter(applicant=request.user).select_related("project")
    member_of = Application.objects.filter(members__person=request.user).exclude(
        applicant=request.user
    )
    return render(
        request,
        "projects/my_applications.html",
        {"applications": mine, "member_of": member_of},
    )


@requires(Permission.APPLY_FOR_PROJECTS)
def new_application(request: HttpRequest) -> HttpResponse:
    institutions = service.institutions_for(request.user)
    form = NewApplicationForm(request.POST or None, institutions=institutions)

    return form_page(
        request,
        form,
        lambda data: service.create_draft(
            actor=request.user,
            institution=data["institution"],
            title=data["title"],
            from_basket=data["from_basket"],
            request=request,
        ),
        template="projects/new_application.html",
        context=lambda form: {"form": form, "institutions": institutions},
        done=lambda application: redirect("projects:wizard", pk=application.pk, step="project"),
        success=lambda application: (
            _("Draft %(reference)s saved.") % {"reference": application.reference}
        ),
    )


def _initial(application: Application, step: str) -> dict:
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        return {}
    return {name: getattr(application, name) for name in form_class.base_fields}


def _identifying(line: ApplicationVariable) -> bool:
    """Whether the line asks for a separate justification: a particularly identifying variable,
    or one no longer in the catalogue (asked, to be safe)."""
    return line.variable is None or line.variable.particularly_identifying


def _wizard_page(
    request: HttpRequest, application: Application, step: str, status: int = 200, **forms
) -> HttpResponse:
    form_class = STEP_FORMS.get(step)
    index = WIZARD_SLUGS.index(step)
    context = {
        **findings_context(application),
        "wizard": WIZARD,
        "step": step,
        "step_title": WIZARD[index][1],
        "next_step": WIZARD_SLUGS[index + 1] if index + 1 < len(WIZARD) else None,
        "previous_step": WIZARD_SLUGS[index - 1] if index > 0 else None,
        "form": forms.get("form")
        or (form_class(initial=_initial(application, step)) if form_class else None),
        "document_form": forms.get("document_form") or _document_form(),
        "member_form": forms.get("member_form") or MemberForm(),
        "external_form": forms.get("external_form") or ExternalDataForm(),
        "variable_lines": [
            (
                line,
                forms.get(f"line_{line.pk}")
                or VariableForm(
                    prefix=f"v{line.pk}",
                    data_type=line.variable.data_type if line.variable else None,
                    identifying=_identifying(line),
                    initial={
                        "first_year": line.first_year,
                        "last_year": line.last_year,
                        "justification": line.justification,
                        "identifying_justification": line.identifying_justification,
                        "coarsening": line.coarsening,
                    },
                ),
            )
            for line in application.variables.select_related("variable__version")
        ],
        "members": application.members.select_related("person"),
        "external_data": application.external_data.all(),
        "population_lines": population_service.readable(application),
        "criterion_form": forms.get("criterion_form") or CriterionForm(),
        "variable_labels": sorted(
            {line.label for line in application.variables.all()}
            | set(population_service.definition_of(application).variables)
        ),
        "questions": application.questions.all(),
        "answer_form": AnswerForm(),
        "step_form": StepForm(),
    }
    return render(request, "projects/wizard.html", context, status=status)


@requires(Permission.APPLY_FOR_PROJECTS)
@application_view
def wizard(request: HttpRequest, application: Application, step: str) -> HttpResponse:
    """One step of the application; POST saves the draft (htmx: answers with the findings)."""
    if step not in WIZARD_SLUGS:
        raise Http404("No such step.")
    if not policy.can_edit(request.user, application):
        return redirect("projects:application", pk=application.pk)
    form_class = STEP_FORMS.get(step)
    if request.method != "POST" or form_class is None:
        return _wizard_page(request, application, step)
    form = form_class(request.POST)
    htmx = getattr(request, "htmx", False)

    def saved(application: Application) -> HttpResponse:
        if htmx:
            return render(request, "projects/_findings.html", findings_context(application))
        messages.success(request, _("Draft saved."))
        target = request.POST.get("go") or step
        return redirect(
            "projects:wizard", pk=application.pk, step=target if target in WIZARD_SLUGS else step
        )

    def again(form: forms.Form) -> HttpResponse:
        if htmx:
            context = findings_context(application)
            context["form_errors"] = [
                f"{form.fields[name].label if name in form.fields else name}: {error}"
                for name, errors in form.errors.items()
                for error in errors
            ]
            return render(request, "projects/_findings.html", context, status=400)
        return _wizard_page(request, application, step, status=400, form=form)

    return form_action(
        request,
        form,
        lambda data: service.update(
            actor=request.user, application=application, changes=data, request=request
        ),
        done=saved,
        again=again,
    )


@posts(Permission.APPLY_FOR_PROJECTS)
def save_variable(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(ApplicationVariable.objects.select_related("application"), pk=pk)
    application = line.application
    form = VariableForm(
        request.POST,
        prefix=f"v{line.pk}",
        data_type=line.variable.data_type if line.variable else None,
        identifying=_identifying(line),
    )

    def saved(_line: object) -> HttpResponse:
        application.refresh_from_db()
        if getattr(request, "htmx", False):
            return render(request, "projects/_findings.html", findings_context(application))
        messages.success(request, _("%(variable)s saved.") % {"variable": line.label})
        return redirect("projects:wizard", pk=application.pk, step="variables")

    return form_action(
        request,
        form,
        lambda data: service.update_variable(
            actor=request.user,
            line=line,
            request=request,
            **{**data, "coarsening": data.get("coarsening") or ""},
        ),
        done=saved,
        again=lambda form: _back(request, application, "variables", **{f"line_{line.pk}": form}),
    )


def _back(request: HttpRequest, application: Application, step: str, **forms) -> HttpResponse:  # noqa: ANN003
    """The wizard step again with the refused form, only for the applicant who may edit."""
    if not policy.can_edit(request.user, application):
        return refuse(
            request,
            _("Only the applicant edits application %(reference)s.")
            % {"reference": application.reference},
        )
    return _wizard_page(request, application, step, status=400, **forms)


def _wizard_form(
    request: HttpRequest,
    application: Application,
    step: str,
    name: str,
    form: forms.Form,
    call: Callable[[dict[str, Any]], object],
    success: str = "",
) -> HttpResponse:
    """Run `call(cleaned_data)` from the form `name` of the wizard's `step` and go back to the
    step; a refusal shows the step again with the form and its refusal."""
    return form_action(
        request,
        form,
        call,
        done=lambda _: redirect("projects:wizard", pk=application.pk, step=step),
        again=lambda form: _back(request, application, step, **{name: form}),
        success=success,
    )


def _act(request: HttpRequest, application: Application, call, step: str) -> HttpResponse:  # noqa: ANN001
    """Run a small service call from the wizard and go back to its step."""
    back = redirect("projects:wizard", pk=application.pk, step=step)
    return run_action(request, call, done=lambda _: back, failed=lambda: back)


def _on_application(
    request: HttpRequest, pk: int, step: str, service: Callable[..., object], **arguments: Any
) -> HttpResponse:
    """Run `service(actor=, application=, request=, **arguments)` on the application `pk` (404
    when there is none) from the wizard and go back to its step."""
    application = get_object_or_404(Application, pk=pk)
    return _act(
        request,
        application,
        lambda: service(actor=request.user, application=application, request=request, **arguments),
        step,
    )


def _on_part(
    request: HttpRequest,
    model: type[Any],
    pk: int,
    step: str,
    service: Callable[..., object],
    keyword: str,
) -> HttpResponse:
    """Load one part of an application (a variable line, a member, a source of external data;
    404 when there is none), run `service(actor=, <keyword>=part, request=)` from the wizard and
    go back to its step."""
    part = get_object_or_404(model.objects.select_related("application"), pk=pk)
    return _act(
        request,
        part.application,
        lambda: service(actor=request.user, request=request, **{keyword: part}),
        step,
    )


@posts(Permission.APPLY_FOR_PROJECTS)
def remove_variable(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_part(request, ApplicationVariable, pk, "variables", service.remove_variable, "line")


@posts(Permission.APPLY_FOR_PROJECTS)
def add_from_basket(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_application(request, pk, "variables", service.add_from_basket)


@posts(Permission.APPLY_FOR_PROJECTS)
def add_criterion(request: HttpRequest, pk: int) -> HttpResponse:
    """Add one criterion to the population (R11), checked against the catalogue."""
    application = get_object_or_404(Application, pk=pk)
    form = CriterionForm(request.POST)
    return _wizard_form(
        request,
        application,
        "population",
        "criterion_form",
        form,
        lambda _: population_service.add_criterion(
            actor=request.user, application=application, criterion=form.criterion(), request=request
        ),
        success=_("The criterion was added to the population."),
    )


@posts(Permission.APPLY_FOR_PROJECTS)
def remove_criterion(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    return _on_application(
        request, pk, "population", population_service.remove_criterion, number=number
    )


@posts(Permission.APPLY_FOR_PROJECTS)
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application, pk=pk)
    return _wizard_form(
        request,
        application,
        "people",
        "member_form",
        MemberForm(request.POST),
        lambda data: service.add_member(
            actor=request.user, application=application, username=data["username"], request=request
        ),
    )


@posts(Permission.APPLY_FOR_PROJECTS)
def remove_member(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_part(request, ApplicationMember, pk, "people", service.remove_member, "member")


@posts(Permission.APPLY_FOR_PROJECTS)
def add_external_data(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application, pk=pk)
    form = ExternalDataForm(request.POST)
    if not form.is_valid():
        return _back(request, application, "people", external_form=form)
    return _act(
        request,
        application,
        lambda: service.add_external_data(
            actor=request.user, application=application, request=request, **form.cleaned_data
        ),
        "people",
    )


@posts(Permission.APPLY_FOR_PROJECTS)
def remove_external_data(request: HttpRequest, pk: int) -> HttpResponse:
    return _on_part(request, ExternalDataSource, pk, "people", service.remove_external_data, "item")


def _document_form(*args: Any) -> DocumentForm:
    """The upload's file field belongs to the step's form (`form="step-form"`), so an upload
    posts what was typed on the step with the file and nothing typed is lost."""
    form = DocumentForm(*args)
    form.fields["file"].widget.attrs["form"] = "step-form"
    return form


@posts(Permission.APPLY_FOR_PROJECTS)
def upload_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Upload the protocol or DPIA from its wizard step: the step's fields, posted with it, are
    saved first; a refused upload shows the step again with what was typed and the refusal."""
    application = get_object_or_404(Application, pk=pk)
    if kind not in (UploadedDocument.Kind.PROTOCOL, UploadedDocument.Kind.DPIA):
        raise Http404("No such document.")
    step = "project" if kind == UploadedDocument.Kind.PROTOCOL else "legal"
    step_class = STEP_FORMS[step]
    typed = any(name in request.POST for name in step_class.base_fields)
    step_form = step_class(request.POST) if typed else None
    document_form = _document_form(request.POST, request.FILES)
    back = redirect("projects:wizard", pk=application.pk, step=step)
    try:
        attempt(request, lambda: policy.check_edit(request.user, application))
        if step_form is not None and step_form.is_valid():
            attempt(
                request,
                lambda: service.update(
                    actor=request.user,
                    application=application,
                    changes=step_form.cleaned_data,
                    request=request,
                ),
                step_form,
            )
    except Refused as refused:
        if refused.response is not None or step_form is None or not step_form.errors:
            return refused.response or back  # not editable: the message says why
    stored = None
    if document_form.is_valid():
        try:
            stored = service.attach_document(
                actor=request.user,
                application=application,
                kind=kind,
                upload=document_form.cleaned_data["file"],
                request=request,
            )
        except RuleViolation as violation:  # the file's refusal, shown at the file field
            document_form.add_error("file", str(violation))
    if stored is None or (step_form is not None and step_form.errors):
        application.refresh_from_db()
        return _wizard_page(
            request, application, step, status=400, form=step_form, document_form=document_form
        )
    said = _("%(name)s uploaded; the draft is saved.") if typed else _("%(name)s uploaded.")
    messages.success(request, said % {"name": stored.original_name})
    return back


@requires(Permission.VIEW_DASHBOARD)
@application_view
def document(request: HttpRequest, application: Application, kind: str) -> HttpResponse:
    """Download the protocol or DPIA of an application the person may see."""
    stored = getattr(application, kind, None) if kind in ("protocol", "dpia") else None
    if stored is None:
        raise Http404("No such document.")
    path = uploads.path_of(stored.stored_name)
    if not path.exists():
        raise Http404("The file is missing.")
    return FileResponse(
        open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )


@posts(Permission.APPLY_FOR_PROJECTS)
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application, pk=pk)
    return run_action(
        request,
        lambda: decisions.take_step(
            actor=request.user, application=application, step="submit", request=request
        ),
        done=lambda _: redirect(reverse("projects:application", kwargs={"pk": pk})),
        failed=lambda: redirect("projects:wizard", pk=pk, step="submit"),
        success=_("Application %(reference)s submitted.") % {"reference": application.reference},
    )


@posts(Permission.APPLY_FOR_PROJECTS)
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(ApplicationQuestion.objects.select_related("application"), pk=pk)
    form = AnswerForm(request.POST)
    back = redirect("projects:application", pk=question.application_id)
    if not form.is_valid():
        messages.error(request, _("Your answer: write the answer."))
        return back
    return run_action(
        request,
        lambda: decisions.answer_question(
            actor=request.user, question=question, text=form.cleaned_data["text"], request=request
        ),
        done=lambda _: back,
        failed=lambda: back,
    )
