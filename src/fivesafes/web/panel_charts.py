"""Charts on dashboard panels: the person's queues and trends drawn as bars (issue 16).

Each function takes the request and answers the `Chart`s for its signed-in person, counting
only what the person's own pages list (as the panel figures do): a researcher's own
applications by state; for the office, open applications by state and by age, the time from
submission to decision, and the certifications that expire soon; for a manager, those of the
institution's researchers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from statistics import median
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.shared.charts import Chart
from fivesafes.shared.labels import gettext_noop, translated

# How old an open application is, counted from its submission: (label, fewer than so many days).
AGES: tuple[tuple[str, int | None], ...] = (
    (gettext_noop("Under a week"), 7),
    (gettext_noop("1 to 4 weeks"), 28),
    (gettext_noop("1 to 3 months"), 91),
    (gettext_noop("Over 3 months"), None),
)
# When a certification expires, counted from today: (label, within so many days).
EXPIRY: tuple[tuple[str, int], ...] = (
    (gettext_noop("Within 30 days"), 30),
    (gettext_noop("In 31 to 60 days"), 60),
    (gettext_noop("In 61 to 90 days"), 90),
)
DECISION_MONTHS = 6


def applications_of_applicant(request: Any) -> list[Chart]:
    """The researcher's own applications, one bar per state they have any in."""
    from fivesafes.projects.models import Application

    mine = Application.objects.filter(applicant=request.user)
    rows = _by_state(mine.values_list("state", flat=True))
    if not rows:
        return []
    return [Chart(_("Your applications by state"), rows, _("applications"), _("State"))]


def applications_open(request: Any) -> list[Chart]:
    """The office's queue: open applications by state, and by how long ago they were
    submitted."""
    from fivesafes.projects.models import Application
    from fivesafes.projects.workflow import OPEN_STATES

    open_cases = Application.objects.filter(state__in=[s.value for s in OPEN_STATES])
    today = timezone.localdate()
    ages = [
        (today - timezone.localdate(submitted)).days
        for submitted in open_cases.values_list("submitted_at", flat=True)
        if submitted is not None
    ]
    return [
        Chart(
            _("Open applications by state"),
            _by_state(open_cases.values_list("state", flat=True)),
            _("applications"),
            _("State"),
        ),
        Chart(
            _("Open applications by time since submission"),
            tuple(
                (translated(label), sum(1 for age in ages if _age_band(age) == label))
                for label, _below in AGES
            ),
            _("applications"),
            _("Submitted"),
        ),
    ]


def time_to_decision(request: Any) -> list[Chart]:
    """The median number of days from submission to decision, by month of the decision, for
    the last six months with decisions."""
    from fivesafes.projects.models import Application

    today = timezone.localdate()
    since = _months_back(today.replace(day=1), DECISION_MONTHS - 1)
    decided = Application.objects.filter(
        decided_at__isnull=False, submitted_at__isnull=False, decided_at__date__gte=since
    ).values_list("submitted_at", "decided_at")
    days: dict[str, list[int]] = {}
    for submitted, at in decided:
        on = timezone.localdate(at)
        days.setdefault(f"{on:%Y-%m}", []).append((on - timezone.localdate(submitted)).days)
    rows = tuple((month, round(median(days[month]))) for month in sorted(days))
    if not rows:
        return []
    return [
        Chart(
            _("Days from submission to decision"),
            rows,
            _("days (median)"),
            _("Month of the decision"),
            _("Median days from submission to decision, by month of the decision: %(figures)s")
            % {"figures": ", ".join(f"{month}: {n}" for month, n in rows)},
        )
    ]


def certifications_expiring(request: Any) -> list[Chart]:
    """For the office: researchers whose certification expires in the next 90 days."""
    return [_expiring(_("Certifications expiring"), None)]


def certifications_expiring_at_institution(request: Any) -> list[Chart]:
    """For a manager: the institution's researchers whose certification expires soon."""
    from fivesafes.people.models import Attachment

    people = set(
        Attachment.objects.current()
        .filter(institution__manager=request.user)
        .values_list("researcher_id", flat=True)
    )
    if not people:
        return []
    return [_expiring(_("Your researchers' certifications expiring"), people)]


def _expiring(title: str, people: set[int] | None) -> Chart:
    from fivesafes.people.models import CertificationAttempt

    today = timezone.localdate()
    passed = CertificationAttempt.objects.filter(passed=True).order_by("person_id", "-taken_at")
    if people is not None:
        passed = passed.filter(person_id__in=people)
    latest: dict[int, date] = {}
    for attempt in passed.only("person_id", "taken_at"):
        latest.setdefault(attempt.person_id, attempt.valid_until)
    left = [(until - today).days for until in latest.values() if until >= today]
    rows, start = [], 0
    for label, within in EXPIRY:
        rows.append((translated(label), sum(1 for n in left if start <= n <= within)))
        start = within + 1
    return Chart(title, tuple(rows), _("researchers"), _("Expires"))


def _by_state(states: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """(state's label, count) for each state with any, in the workflow's order."""
    from fivesafes.projects.workflow import ApplicationState

    counted: dict[str, int] = {}
    for state in states:
        counted[state] = counted.get(state, 0) + 1
    return tuple((s.label, counted[s.value]) for s in ApplicationState if s.value in counted)


def _age_band(days: int) -> str:
    """The label of the first band of AGES the age in days falls below (the last is open)."""
    for label, below in AGES:
        if below is None or days < below:
            return label
    return AGES[-1][0]


def _months_back(first: date, months: int) -> date:
    year, month = divmod(first.year * 12 + first.month - 1 - months, 12)
    return date(year, month + 1, 1)
