"""Demo data for safe people: an authorised university with the demo manager and researcher.

`ensure_demo_people()` is idempotent. It walks the real services (so the audit log tells the
story): application, evaluation, approval by a second person, signature, registration; then
attaches the demo researcher, certifies both, and signs an agreement for demo project
P-2026-001 from any address (demo only). Call it after `ensure_demo_users()`.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from fivesafes.accounts.models import User
from fivesafes.people.models import (
    Attachment,
    CertificationAttempt,
    CertificationQuestion,
    Institution,
    ResearcherAgreement,
)

DEMO_INSTITUTION = "University of Fivesafes, Department of Economics"
DEMO_PROJECT = "P-2026-001"
DEMO_NETWORKS = "0.0.0.0/0\n::/0"  # demo only: every address

QUESTIONS: tuple[tuple[str, list[str], int], ...] = (
    (
        "May you download microdata from the research server to your own computer?",
        ["Yes, if encrypted", "No, never, directly or indirectly", "Only samples"],
        1,
    ),
    (
        "Which results may leave the research server?",
        [
            "Aggregated results that identify no person or enterprise, through the output check",
            "Any table I made myself",
            "Individual records without names",
        ],
        0,
    ),
    (
        "Someone asks to borrow your second-factor device for a day. What do you do?",
        ["Lend it to a colleague on the project", "Refuse: credentials are strictly personal"],
        1,
    ),
    (
        "What happens after a breach of the agreement?",
        [
            "A warning",
            "Exclusion permanently or for at least three years, and the institution's "
            "authorisation may be withdrawn",
        ],
        1,
    ),
    (
        "Published results from a project must be...",
        ["submitted to the office for scrutiny", "published without telling the office"],
        0,
    ),
)


def ensure_questions(actor: User | None = None) -> None:
    if CertificationQuestion.objects.exists():
        return
    for text, choices, correct in QUESTIONS:
        CertificationQuestion.objects.create(
            text=text, choices=choices, correct_choice=correct, edited_by=actor
        )


@transaction.atomic
def ensure_demo_people() -> bool:
    """Create the demo institution, project and agreement once; True when created now."""
    from fivesafes.people.services import agreements, researchers
    from fivesafes.people.services import authorisation as cases
    from fivesafes.projects.models import Project, ProjectMembership

    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["manager", "researcher", "casehandler", "approver", "secretary"]
        )
    }
    if len(users) < 5:
        return False
    ensure_questions(users["casehandler"])
    if Institution.objects.filter(name=DEMO_INSTITUTION).exists():
        return False
    manager, researcher = users["manager"], users["researcher"]
    today = timezone.localdate()
    case = cases.apply(
        actor=manager,
        name=DEMO_INSTITUTION,
        kind="university",
        country="DK",
        recognition="National research council",
        address="1 University Park",
        application_text="Register-based research on labour markets and health.",
        research_group="Mads Manager\nRikke Researcher\nAnders Analyst",
    )
    cases.take_step(actor=users["casehandler"], authorisation=case, step="start_evaluation")
    cases.record_credibility(
        actor=users["casehandler"],
        authorisation=case,
        assessment="Public university; long record of register-based research.",
    )
    cases.take_step(
        actor=users["casehandler"],
        authorisation=case,
        step="prepare_agreement",
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=5 * 365),
    )
    cases.take_step(actor=users["casehandler"], authorisation=case, step="recommend")
    cases.take_step(actor=users["approver"], authorisation=case, step="approve")
    cases.take_step(actor=users["secretary"], authorisation=case, step="send")
    cases.take_step(actor=manager, authorisation=case, step="sign")
    cases.take_step(actor=users["secretary"], authorisation=case, step="register")
    institution = case.institution
    for person in (manager, researcher):
        if not Attachment.objects.current().filter(researcher=person).exists():
            researchers.attach(actor=manager, institution=institution, researcher=person)
        CertificationAttempt.objects.create(
            person=person, correct=len(QUESTIONS), total=len(QUESTIONS), passed=True
        )
    project, _ = Project.objects.get_or_create(
        number=DEMO_PROJECT,
        defaults={
            "title": "Careers after vocational training",
            "institution": institution,
            "starts_on": today - timedelta(days=30),
            "ends_on": today + timedelta(days=3 * 365),
            "responsible": manager,
        },
    )
    if not ResearcherAgreement.objects.filter(researcher=researcher, project=project).exists():
        ProjectMembership.objects.get_or_create(project=project, person=researcher)
        agreement = agreements.create(
            actor=manager,
            researcher=researcher,
            project=project,
            starts_on=today,
            ends_on=today + timedelta(days=365),
            allowed_networks=DEMO_NETWORKS,
        )
        agreements.sign(actor=researcher, agreement=agreement)
        agreements.countersign(actor=manager, agreement=agreement)
    return True
