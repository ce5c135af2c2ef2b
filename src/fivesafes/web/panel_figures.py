"""Live figures on dashboard panels: how many cases wait for this person, with a link to them.

Each function takes the signed-in person and answers a list of `Figure`s; the dashboard shows
them in the panel they belong to (fivesafes.web.dashboards). They only count what the person's
own pages would list, so a figure never reveals more than a click on its link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone


@dataclass(frozen=True)
class Figure:
    count: int
    label: str
    url: str
    urgent: bool = False


def applications_to_handle(person: Any) -> list[Figure]:
    from fivesafes.projects.models import Application
    from fivesafes.projects.workflow import OPEN_STATES

    open_cases = Application.objects.filter(state__in=[s.value for s in OPEN_STATES])
    review = reverse("projects:review")
    mine = open_cases.filter(case_handler=person)
    return [
        Figure(mine.count(), "assigned to you", f"{review}?handler=mine"),
        Figure(
            mine.filter(due_on__lt=timezone.localdate()).count(),
            "of them overdue",
            f"{review}?handler=mine&due=overdue",
            urgent=True,
        ),
        Figure(
            open_cases.filter(case_handler__isnull=True).count(),
            "not yet taken",
            f"{review}?handler=none",
        ),
    ]


def decisions_awaited(person: Any) -> list[Figure]:
    from fivesafes.projects.models import Application
    from fivesafes.projects.workflow import ApplicationState

    waiting = Application.objects.filter(state=ApplicationState.RECOMMENDED.value).exclude(
        recommended_by=person
    )
    return [Figure(waiting.count(), "recommended applications", reverse("projects:review"))]


def breaches_to_decide(person: Any) -> list[Figure]:
    from fivesafes.people.models import Breach

    reported = Breach.objects.filter(state=Breach.State.REPORTED)
    return [Figure(reported.count(), "breach cases to decide", reverse("people:breaches"))]
