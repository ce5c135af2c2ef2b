"""Live figures on dashboard panels: how many cases wait for this person, with a link to them.

Each function takes the request and answers a list of `Figure`s for its signed-in person; the
dashboard shows them in the panel they belong to (fivesafes.web.dashboards). They only count
what the person's own pages would list, so a figure never reveals more than a click on its
link. A figure is a count, or a short text where a count would say nothing (a certification's
validity).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.shared import formats
from fivesafes.web.figure_words import TEXTS, WORDS

# The plural nouns figure labels use, and their singular (labels are written in the plural).
SINGULAR = {
    "agreements": "agreement",
    "applications": "application",
    "authorisations": "authorisation",
    "cases": "case",
    "drafts": "draft",
    "projects": "project",
    "quotes": "quote",
    "questions": "question",
    "researchers": "researcher",
    "deliveries": "delivery",
    "outputs": "output",
    "sessions": "session",
}


@dataclass(frozen=True)
class Figure:
    count: int
    label: str
    url: str
    urgent: bool = False
    text: str = ""

    @property
    def shown(self) -> str:
        return str(TEXTS.get(self.text, self.text)) or formats.number(self.count)

    @property
    def words(self) -> str:
        """The label agreeing with the count, in the person's language: '1 quote to accept',
        '2 quotes to accept', '1 tilbud at acceptere'."""
        if self.text:
            return str(TEXTS.get(self.label, self.label))
        if self.label in WORDS:
            return str(WORDS[self.label] % {"count": self.count})
        if self.count != 1:
            return self.label
        return " ".join(SINGULAR.get(word, word) for word in self.label.split(" "))

    @property
    def warns(self) -> bool:
        return self.urgent and bool(self.count or self.text)


def applications_to_handle(request: Any) -> list[Figure]:
    person = request.user
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


def decisions_awaited(request: Any) -> list[Figure]:
    person = request.user
    from fivesafes.projects.models import Application
    from fivesafes.projects.workflow import ApplicationState

    waiting = Application.objects.filter(state=ApplicationState.RECOMMENDED.value).exclude(
        recommended_by=person
    )
    from fivesafes.people.models import Authorisation
    from fivesafes.people.workflow import CaseState

    recommended_cases = (
        Authorisation.objects.filter(state=CaseState.RECOMMENDED.value)
        .exclude(prepared_by=person)
        .exclude(recommended_by=person)
        .exclude(case_handler=person)
    )
    return [
        Figure(
            waiting.count(),
            "recommended applications",
            f"{reverse('projects:review')}?state={ApplicationState.RECOMMENDED.value}",
        ),
        Figure(
            recommended_cases.count(),
            "recommended authorisations",
            f"{reverse('people:cases')}?state={CaseState.RECOMMENDED.value}",
        ),
    ]


def breaches_to_decide(request: Any) -> list[Figure]:
    from fivesafes.people.models import Breach

    reported = Breach.objects.filter(state=Breach.State.REPORTED)
    return [Figure(reported.count(), "breach cases to decide", reverse("people:breaches"))]


def projects_of_researcher(request: Any) -> list[Figure]:
    """Projects the researcher can work in now, and those where a condition fails (R1, R8-R10)."""
    from fivesafes.policy.project_access import project_access, projects_within_reach

    answers = [
        project_access(request.user, p, request=request)
        for p in projects_within_reach(request.user)
    ]
    allowed = sum(1 for answer in answers if answer.allowed)
    url = reverse("people:my_access")
    return [
        Figure(allowed, "projects you can work in now", url),
        Figure(len(answers) - allowed, "without access now: see why", url, urgent=True),
    ]


def certification_of_researcher(request: Any) -> list[Figure]:
    """The data-security certification: valid until when, renew soon, or missing (R9)."""
    from datetime import timedelta

    from fivesafes.people.services.certification import REMIND_DAYS_BEFORE, current_certification

    current = current_certification(request.user)
    test = reverse("people:certification")
    if current is None:
        return [
            Figure(
                0, "take the test to work in any project", test, urgent=True, text="Not certified"
            )
        ]
    if current.valid_until <= timezone.localdate() + timedelta(days=REMIND_DAYS_BEFORE):
        by = _("by %(day)s") % {"day": formats.day(current.valid_until)}
        return [Figure(0, by, test, urgent=True, text="Renew")]
    return [
        Figure(
            0,
            _("until %(day)s") % {"day": formats.day(current.valid_until)},
            reverse("people:my_access"),
            text="Valid",
        )
    ]


def applications_of_applicant(request: Any) -> list[Figure]:
    """The person's own applications: drafts, those returned to them, those with the office."""
    from fivesafes.projects.models import Application, ApplicationQuestion
    from fivesafes.projects.workflow import OPEN_STATES
    from fivesafes.projects.workflow import ApplicationState as S

    mine = Application.objects.filter(applicant=request.user)
    url = reverse("projects:my_applications")
    questions = ApplicationQuestion.objects.filter(
        answered_at__isnull=True,
        application__applicant=request.user,
        application__state__in=[s.value for s in OPEN_STATES],
    ).order_by("asked_at")
    oldest = questions.first()
    return [
        Figure(
            questions.count(),
            "questions from the office to answer",
            reverse("projects:application", args=[oldest.application_id]) if oldest else url,
            urgent=True,
        ),
        Figure(
            mine.filter(state=S.RETURNED.value).count(), "returned for changes", url, urgent=True
        ),
        Figure(mine.filter(state=S.DRAFT.value).count(), "drafts", url),
        Figure(
            mine.filter(
                state__in=[S.SUBMITTED.value, S.UNDER_REVIEW.value, S.RECOMMENDED.value]
            ).count(),
            "with the office",
            url,
        ),
    ]


def institution_to_do(request: Any) -> list[Figure]:
    """A manager's institution: the authorisation agreement sent for signature, questions from
    the office, and researcher agreements waiting for the countersignature."""
    from fivesafes.people.models import Authorisation, ClarifyingQuestion, ResearcherAgreement
    from fivesafes.people.workflow import OPEN_STATES as OPEN_CASES
    from fivesafes.people.workflow import CaseState

    mine = reverse("people:my_institutions")
    to_sign = Authorisation.objects.filter(
        state=CaseState.SENT.value, institution__manager=request.user
    )
    questions = ClarifyingQuestion.objects.filter(
        answered_at__isnull=True,
        authorisation__institution__manager=request.user,
        authorisation__state__in=[s.value for s in OPEN_CASES],
    )

    waiting = ResearcherAgreement.objects.filter(
        authorisation__institution__manager=request.user,
        researcher_signed_at__isnull=False,
        countersigned_at__isnull=True,
        ended_at__isnull=True,
    )
    return [
        Figure(
            to_sign.count(), "authorisation agreements to sign", _case(to_sign, mine), urgent=True
        ),
        Figure(
            questions.count(),
            "questions from the office to answer",
            _case(Authorisation.objects.filter(questions__in=questions), mine),
            urgent=True,
        ),
        Figure(waiting.count(), "agreements to countersign", mine, urgent=True),
    ]


def _case(cases: Any, otherwise: str) -> str:
    """The page of the oldest of these authorisation cases, or `otherwise` when there is none."""
    oldest = cases.order_by("pk").first()
    return reverse("people:case", args=[oldest.pk]) if oldest else otherwise


def quotes_to_accept(request: Any) -> list[Figure]:
    """Price quotes offered to the manager's institutions (R18); the link opens the oldest."""
    from fivesafes.projects.models import Quote

    offered = Quote.objects.filter(
        state=Quote.State.OFFERED, application__institution__manager=request.user
    ).order_by("pk")
    oldest = offered.first()
    url = (
        reverse("projects:application", args=[oldest.application_id])
        if oldest
        else reverse("people:my_institutions")
    )
    return [Figure(offered.count(), "quotes to accept", url, urgent=True)]


def agreements_to_register(request: Any) -> list[Figure]:
    """Authorisation agreements approved (to send) and signed (to register)."""
    from fivesafes.people.models import Authorisation
    from fivesafes.people.workflow import CaseState

    cases = reverse("people:cases")
    return [
        Figure(
            Authorisation.objects.filter(state=CaseState.APPROVED.value).count(),
            "approved agreements to send",
            f"{cases}?state={CaseState.APPROVED.value}",
        ),
        Figure(
            Authorisation.objects.filter(state=CaseState.SIGNED.value).count(),
            "signed agreements to register",
            f"{cases}?state={CaseState.SIGNED.value}",
            urgent=True,
        ),
    ]


def authorisation_cases(request: Any) -> list[Figure]:
    """Open authorisation cases (institutions applying, R2-R7) and those past their due date."""
    from fivesafes.people.models import Authorisation
    from fivesafes.people.workflow import OPEN_STATES

    open_cases = Authorisation.objects.filter(state__in=[s.value for s in OPEN_STATES])
    cases = reverse("people:cases")
    return [
        Figure(open_cases.count(), "open authorisation cases", cases),
        Figure(
            open_cases.filter(due_on__lt=timezone.localdate()).count(),
            "authorisation cases overdue",
            f"{cases}?overdue=on",
            urgent=True,
        ),
    ]


def questions_unanswered(request: Any) -> list[Figure]:
    """Clarifying questions the office sent that still wait for an answer."""
    from fivesafes.people.models import ClarifyingQuestion
    from fivesafes.people.workflow import OPEN_STATES as OPEN_CASES
    from fivesafes.projects.models import ApplicationQuestion
    from fivesafes.projects.workflow import OPEN_STATES as OPEN_APPLICATIONS

    to_institutions = ClarifyingQuestion.objects.filter(
        answered_at__isnull=True, authorisation__state__in=[s.value for s in OPEN_CASES]
    )
    to_applicants = ApplicationQuestion.objects.filter(
        answered_at__isnull=True, application__state__in=[s.value for s in OPEN_APPLICATIONS]
    )
    return [
        Figure(to_institutions.count(), "to institutions, unanswered", reverse("people:cases")),
        Figure(to_applicants.count(), "to applicants, unanswered", reverse("projects:review")),
    ]
