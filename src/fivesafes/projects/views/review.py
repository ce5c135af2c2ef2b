"""The application page (applicant, members, manager and staff), the staff review list, the
steps of the state machine (review, recommendation, four-eyes decision) and questions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fivesafes.audit.services import event_stream_for
from fivesafes.policy import applications as policy
from fivesafes.policy import quotes as quotes_policy
from fivesafes.policy.checks import can
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission
from fivesafes.projects import queries
from fivesafes.projects.forms import AnswerForm, QuestionForm, StepForm
from fivesafes.projects.models import Application
from fivesafes.projects.services import assignment, decisions, population
from fivesafes.projects.services.projects import changes_of
from fivesafes.projects.views.common import application_view, findings_context, posts
from fivesafes.projects.views.pricing import QuoteForm
from fivesafes.projects.workflow import TRANSITIONS, WIZARD_STEPS, ApplicationState
from fivesafes.shared.pages import run_action
from fivesafes.shared.workflow import Transition

# The pages show this many rows of a list; the API pages through all of them.
LIST_ROWS = 200


@requires(Permission.VIEW_PROJECT_APPLICATIONS)
def review_list(request: HttpRequest) -> HttpResponse:
    """Cases for the office, filtered by state, handler and due date; the earliest due first."""
    state = request.GET.get("state", "")
    handler = request.GET.get("handler", "")
    due = request.GET.get("due", "")
    found = queries.applications(request.user, state=state, handler=handler, due=due)
    return render(
        request,
        "projects/review_list.html",
        {
            "applications": found[:LIST_ROWS],
            "state": state,
            "states": ApplicationState.choices(),
            "handler": handler,
            "handlers": assignment.handlers(),
            "due": due,
            "due_filters": queries.DUE_FILTERS.items(),
            "may_take": can(request.user, Permission.REVIEW_PROJECT_APPLICATIONS),
        },
    )


class AssignForm(forms.Form):
    handler = forms.ChoiceField(label=gettext_lazy("Case handler"), required=False)
    due_on = forms.DateField(
        label=gettext_lazy("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("When the office means to have answered."),
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = [("", _("Me"))] + [
            (person.get_username(), person.get_username()) for person in assignment.handlers()
        ]


@posts(Permission.REVIEW_PROJECT_APPLICATIONS)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the case (no handler chosen) or assign it to another case handler."""
    from fivesafes.accounts.models import User

    application = get_object_or_404(Application, pk=pk)
    back = (
        redirect("projects:review")
        if request.POST.get("next") == "review"
        else redirect("projects:application", pk=pk)
    )
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Case handler: choose a case handler; due date: YYYY-MM-DD."))
        return back
    name = form.cleaned_data.get("handler") or ""
    handler = User.objects.filter(username=name).first() if name else None
    return run_action(
        request,
        lambda: assignment.assign(
            actor=request.user,
            application=application,
            handler=handler,
            due_on=form.cleaned_data.get("due_on"),
            request=request,
        ),
        done=lambda _: back,
        failed=lambda: back,
        success=lambda done: _handled(done),
    )


def _handled(application: Application) -> str:
    """What the case handler sees once a case is taken or assigned."""
    names = {
        "reference": application.reference,
        "person": application.case_handler.get_username() if application.case_handler else "",
        "day": application.due_on,
    }
    if application.due_on:
        return _("%(reference)s is handled by %(person)s, due %(day)s.") % names
    return _("%(reference)s is handled by %(person)s, due without a date.") % names


def _buttons(request: HttpRequest, application: Application) -> list[Transition[Any]]:
    """The policy's next steps, except those the wizard's last page offers (submit)."""
    return [t for t in policy.next_steps(application, request.user) if t.name not in WIZARD_STEPS]


@requires(Permission.VIEW_DASHBOARD)
@application_view
def application_page(request: HttpRequest, application: Application) -> HttpResponse:
    context = {
        **findings_context(application),
        "may_edit": policy.can_edit(request.user, application),
        "variables": application.variables.select_related("variable"),
        "members": application.members.select_related("person"),
        "external_data": application.external_data.all(),
        "population_lines": population.readable(application),
        "questions": application.questions.select_related("asked_by", "answered_by"),
        "events": event_stream_for(application),
        "steps": (steps := _buttons(request, application)),
        "step_form": StepForm(approving=any(t.name == "approve" for t in steps)),
        "question_form": QuestionForm(),
        "answer_form": AnswerForm(),
        "may_assign": can(request.user, Permission.REVIEW_PROJECT_APPLICATIONS)
        and application.state_enum in assignment.ASSIGNABLE_STATES,
        "assign_form": AssignForm(
            initial={
                "handler": application.case_handler.get_username()
                if application.case_handler
                else "",
                "due_on": application.due_on,
            }
        ),
        "may_ask": policy.can_ask(request.user, application),
        "is_applicant": application.applicant_id == request.user.pk,
        "changes": changes_of(application) if application.kind == "change" else [],
        "quotes": queries.quotes_of(application),
        "may_issue_quote": quotes_policy.can_offer(request.user, application),
        "may_accept_quotes": quotes_policy.can_accept_for(request.user, application),
        "quote_form": QuoteForm(),
        "may_issue_invoices": can(request.user, Permission.ISSUE_INVOICES),
        "may_see_invoices": quotes_policy.can_see_invoices_of(request.user, application),
    }
    return render(request, "projects/application.html", context)


@posts(Permission.VIEW_DASHBOARD)
@application_view
def take_step(request: HttpRequest, application: Application, step: str) -> HttpResponse:
    transition = TRANSITIONS.get(step)
    if transition is None:
        raise Http404("No such step.")
    form = StepForm(request.POST)
    if not form.is_valid():
        # A mistyped deadline must not turn into the default one: nothing is done.
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
        )
        messages.error(
            request,
            _("%(step)s: not done. %(problems)s")
            % {"step": transition.label, "problems": problems},
        )
        return redirect("projects:application", pk=application.pk)
    data = form.cleaned_data
    back = redirect("projects:application", pk=application.pk)
    return run_action(
        request,
        lambda: decisions.take_step(
            actor=request.user,
            application=application,
            step=step,
            note=data.get("note") or "",
            deletion_deadline=data.get("deletion_deadline"),
            request=request,
        ),
        done=lambda _: back,
        failed=lambda: back,
        success=_("%(step)s: done.") % {"step": transition.label},
    )


@posts(Permission.REVIEW_PROJECT_APPLICATIONS)
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application, pk=pk)
    form = QuestionForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    back = redirect("projects:application", pk=pk)
    return run_action(
        request,
        lambda: decisions.ask_question(
            actor=request.user, application=application, text=text, request=request
        ),
        done=lambda _: back,
        failed=lambda: back,
    )
