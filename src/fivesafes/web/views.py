"""Start page, the per-role dashboard and the rules' text."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from fivesafes.policy import rulebook
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


@public
def rules(request: HttpRequest) -> HttpResponse:
    """The rules R1–R26 in the page's language, each at its own anchor (`/rules/#R7`), where
    every refusal naming a rule links to. Public: the rules hold no personal data, and a
    visitor refused before signing in can read them too."""
    return render(request, "web/rules.html", {"groups": rulebook.groups(get_language())})
