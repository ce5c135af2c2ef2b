"""Demo work waiting for each office role, made through the real services.

After the demo institution, project and draft exist, `ensure_demo_cases()` adds, once:
- a second institution's authorisation case under evaluation, with a clarifying question the
  demo manager has to answer (case handler and manager both have something to do);
- an application from the demo researcher, complete and submitted, not yet taken by a case
  handler;
- another one, reviewed and recommended by the case handler, waiting for the approver's
  decision (four eyes, R17).
Every step is audited like any other, so the audit log and the histories show real events.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.db import transaction

from fivesafes.accounts.models import User

SECOND_INSTITUTION = "Fivesafes Foundation for Health Economics"
SUBMITTED_TITLE = "Commuting distance and wages"
RECOMMENDED_TITLE = "Health after job loss"
QUESTION = "Which of your researchers will be responsible for data security, and since when?"


def _protocol(title: str) -> BytesIO:
    """A one-page protocol PDF, uploaded like any researcher's file."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawString(72, 770, f"Research protocol: {title}")
    page.drawString(72, 750, "Aims, design, population, variables and analysis plan (demo).")
    page.save()
    buffer.seek(0)
    buffer.name = "protocol.pdf"
    buffer.size = len(buffer.getvalue())  # type: ignore[attr-defined]
    return buffer


def _complete_application(researcher: Any, institution: Any, title: str, purpose: str) -> Any:
    """A draft from the researcher's basket with everything filled in: no finding blocks."""
    from fivesafes.projects.demo import DEMO_BORN_1960_TO_1990, draft_from_basket
    from fivesafes.projects.services import applications as service
    from fivesafes.projects.services import population

    application = draft_from_basket(
        researcher,
        institution,
        title,
        purpose=purpose,
        description="Register study following persons born 1960-1990 year by year.",
        no_dpia_reason="Pseudonymised data only; assessed by our data protection officer.",
        population_definition="Persons born 1960-1990",
        sample_size=20000,
        sample_reason="A random sample is enough for the planned regressions.",
    )
    population.set_population(
        actor=researcher, application=application, definition={"criteria": [DEMO_BORN_1960_TO_1990]}
    )
    service.attach_document(
        actor=researcher, application=application, kind="protocol", upload=_protocol(title)
    )
    for line in application.variables.all():
        identifying = line.variable is not None and line.variable.particularly_identifying
        service.update_variable(
            actor=researcher,
            line=line,
            first_year=line.first_year,
            last_year=line.last_year,
            justification=f"{line.name} is needed for the study's main comparison.",
            identifying_justification="Age in months at the event is needed."
            if identifying
            else "",
            coarsening="month" if line.name == "birth_date" else "",
        )
    application.refresh_from_db()
    return application


def _second_institution(users: dict[str, Any]) -> None:
    from fivesafes.people.models import Institution
    from fivesafes.people.services import authorisation as cases

    if Institution.objects.filter(name=SECOND_INSTITUTION).exists():
        return
    case = cases.apply(
        actor=users["manager"],
        name=SECOND_INSTITUTION,
        kind="nonprofit_foundation",
        country="DK",
        recognition="the national research council",
        address="2 Harbour Street",
        application_text="Health economics on registers: costs of illness, returns to care.",
        research_group="Mads Manager\nHelle Health-Economist\nOle Statistician",
    )
    cases.take_step(actor=users["casehandler"], authorisation=case, step="start_evaluation")
    cases.ask_question(actor=users["casehandler"], authorisation=case, question=QUESTION)


def _applications(users: dict[str, Any]) -> None:
    from fivesafes.people.demo import DEMO_INSTITUTION
    from fivesafes.people.models import Institution
    from fivesafes.projects.models import Application
    from fivesafes.projects.services import decisions

    researcher = users["researcher"]
    institution = Institution.objects.filter(name=DEMO_INSTITUTION).first()
    if institution is None or not researcher.basket.exists():
        return
    if not Application.objects.filter(applicant=researcher, title=SUBMITTED_TITLE).exists():
        submitted = _complete_application(
            researcher, institution, SUBMITTED_TITLE, "Do longer commutes pay off in wages?"
        )
        decisions.take_step(actor=researcher, application=submitted, step="submit")
    if not Application.objects.filter(applicant=researcher, title=RECOMMENDED_TITLE).exists():
        reviewed = _complete_application(
            researcher,
            institution,
            RECOMMENDED_TITLE,
            "How do incomes and health evolve after job loss?",
        )
        handler = users["casehandler"]
        decisions.take_step(actor=researcher, application=reviewed, step="submit")
        decisions.take_step(actor=handler, application=reviewed, step="start_review")
        decisions.take_step(
            actor=handler,
            application=reviewed,
            step="recommend",
            note="Standard registers, every variable justified; meets R11-R15.",
        )


@transaction.atomic
def ensure_demo_cases() -> bool:
    """Create the demo's waiting work once; True when anything was created now."""
    from fivesafes.people.models import Institution
    from fivesafes.projects.models import Application

    users = {
        u.username: u
        for u in User.objects.filter(username__in=["manager", "researcher", "casehandler"])
    }
    if len(users) < 3:
        return False
    before = (Institution.objects.count(), Application.objects.count())
    _second_institution(users)
    _applications(users)
    return (Institution.objects.count(), Application.objects.count()) != before
