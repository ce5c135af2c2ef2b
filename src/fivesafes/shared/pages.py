"""How a page runs a service: a refusal names the rule, lands on the field, changes nothing.

`attempt` runs one service call and turns a `RuleViolation` into a form error (or a message)
and an `AccessDenied` into the refusal page. `form_action` is the whole POST handler most pages
need: validate the form, run the service, say what happened, redirect, or show the form again
with the refusal on it; `form_page` is a whole page with one form (GET shows it, POST runs
`form_action`). `load` fetches a page's object through its policy check, and
`shows_refusals` turns a refusal raised anywhere in the view into the refusal page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fivesafes.shared.refusals import AccessDenied, RuleViolation

M = TypeVar("M", bound=Model)
V = TypeVar("V", bound=Callable[..., HttpResponse])


# Request attributes: the reason of a refusal page (for the audit entry the policy's middleware
# writes) and whether a refusal of this request is recorded already (set by the audit's
# services when they record one, read by the policy's middleware so it records no second).
REFUSAL_REASON = "_fivesafes_refusal_reason"
REFUSAL_RECORDED = "_fivesafes_refusal_recorded"


def refuse(request: HttpRequest, reason: str, status: int = 403) -> HttpResponse:
    """The refusal page, with the reason a person can act on."""
    setattr(request, REFUSAL_REASON, reason)
    return render(request, "web/denied.html", {"reason": reason}, status=status)


class Refused(Exception):
    """Raised by `attempt` after the refusal has been shown; carries the response if any."""

    def __init__(self, response: HttpResponse | None = None) -> None:
        self.response = response


def attempt(request: HttpRequest, call: Callable[[], Any], form: forms.Form | None = None) -> Any:
    """Run a service call; on a rule refusal put it on the form (or in a message) and raise."""
    try:
        return call()
    except RuleViolation as violation:
        text = str(violation)
        if form is not None:
            field = violation.field if violation.field in form.fields else None
            form.add_error(field, text)
        else:
            messages.error(request, text)
        raise Refused() from None
    except AccessDenied as denial:
        raise Refused(refuse(request, denial.reason, denial.status)) from None


def form_action(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    *,
    done: Callable[[Any], HttpResponse],
    again: Callable[[forms.Form], HttpResponse],
    success: str | Callable[[Any], str] = "",
) -> HttpResponse:
    """Validate `form`, run `call(cleaned_data)`, then `done(result)` with the success message;
    an invalid form or a rule refusal shows `again(form)` (status 400 is the caller's), an
    access refusal the refusal page."""
    if not form.is_valid():
        return again(form)
    try:
        result = attempt(request, lambda: call(form.cleaned_data), form)
    except Refused as refused:
        return refused.response or again(form)
    if success:
        messages.success(request, success if isinstance(success, str) else success(result))
    return done(result)


def form_page(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    *,
    template: str,
    context: Callable[[forms.Form], dict[str, Any]],
    done: Callable[[Any], HttpResponse],
    success: str | Callable[[Any], str] = "",
) -> HttpResponse:
    """A page with one form: a GET shows it with `context(form)`; a POST runs `call(cleaned_data)`
    through `form_action` and goes on with `done(result)`, or shows the form again (400) with
    its errors or the service's refusal."""

    def again(form: forms.Form) -> HttpResponse:
        return render(request, template, context(form), status=400 if form.errors else 200)

    if request.method != "POST":
        return again(form)
    return form_action(request, form, call, done=done, again=again, success=success)


def run_action(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    done: Callable[[Any], HttpResponse],
    failed: Callable[[], HttpResponse],
    success: str | Callable[[Any], str] = "",
) -> HttpResponse:
    """A POST without a form (a button): run `call`, say what happened, then `done(result)`;
    a rule refusal becomes a message and `failed()`, an access refusal the refusal page."""
    try:
        result = attempt(request, call)
    except Refused as refused:
        return refused.response or failed()
    if success:
        messages.success(request, success if isinstance(success, str) else success(result))
    return done(result)


def load(
    request: HttpRequest,
    source: type[M] | QuerySet[M],
    check: Callable[[Any, M], None] | None = None,
    /,
    **lookup: Any,
) -> M:
    """The page's object (404 when there is none), passed through the policy's
    `check(user, obj)`; its refusal propagates (see `shows_refusals`)."""
    obj = get_object_or_404(source, **lookup)
    if check is not None:
        check(request.user, obj)
    return obj


def shows_refusals(view: V) -> V:
    """A view whose `AccessDenied` (from `load` or a policy check) becomes the refusal page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AccessDenied as denial:
            return refuse(request, denial.reason, denial.status)

    return wrapper  # type: ignore[return-value]
