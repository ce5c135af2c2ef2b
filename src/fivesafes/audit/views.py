"""The auditor's pages: the filtered, paginated log and one event with its before/after."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fivesafes.audit.filters import AuditFilterForm, filter_events
from fivesafes.audit.models import AuditEvent
from fivesafes.audit.presentation import changes, details
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission

PAGE_SIZE = 50


@requires(Permission.VIEW_AUDIT_LOG)
def event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = (
        filter_events(form, AuditEvent.objects.all()) if form.is_bound else AuditEvent.objects.all()
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    if getattr(request, "htmx", False) and request.htmx.target == "audit-results":
        return render(request, "audit/_event_table.html", context)
    return render(request, "audit/event_list.html", context)


@requires(Permission.VIEW_AUDIT_LOG)
def event_detail(request: HttpRequest, sequence: int) -> HttpResponse:
    event = get_object_or_404(AuditEvent, sequence=sequence)
    context = {"event": event, "changes": changes(event), "details": details(event)}
    return render(request, "audit/event_detail.html", context)
