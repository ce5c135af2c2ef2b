"""Start page and the per-role dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fivesafes.policy.checks import is_two_factor
from fivesafes.policy.decorators import public, requires
from fivesafes.policy.permissions import Permission
from fivesafes.web.dashboards import PANELS, ROLE_NAMES


@public
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and is_two_factor(request.user):
        return redirect("web:dashboard")
    return render(request, "web/home.html")


@requires(Permission.VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    sections = [
        {
            "role": ROLE_NAMES.get(role, role.label),
            "panels": [
                {
                    "panel": panel,
                    "figures": panel.figures(request) if panel.figures else [],
                    "charts": panel.charts(request) if panel.charts else [],
                }
                for panel in PANELS[role]
            ],
        }
        for role in sorted(request.user.roles, key=lambda r: list(PANELS).index(r))
    ]
    return render(request, "web/dashboard.html", {"sections": sections})
