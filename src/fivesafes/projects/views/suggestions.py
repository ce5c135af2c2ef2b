"""People suggested as one types when adding a member to an application: found by full name,
institution or user name (htmx: the options of a datalist, each worth the person's user name)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fivesafes.people import queries as people
from fivesafes.policy.decorators import requires
from fivesafes.policy.permissions import Permission

SUGGESTED = 10


@requires(Permission.APPLY_FOR_PROJECTS)
def member_suggestions(request: HttpRequest) -> HttpResponse:
    typed = (request.GET.get("q") or request.GET.get("username") or "").strip()
    found = people.researchers_matching(typed, SUGGESTED) if len(typed) >= 2 else []
    return render(request, "projects/_member_options.html", {"people": found})
