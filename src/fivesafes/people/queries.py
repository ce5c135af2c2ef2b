"""The reads of safe people, one place for the pages, the API, the policy and the services.

Lists come with what their rows show already joined (so a list costs the same few queries
for one row or five hundred); the exclusion answer (R24) is kept on the person object for the
rest of the request.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.people.models import (
    AgreementSignature,
    Attachment,
    Authorisation,
    Breach,
    BreachEvidence,
    CertificationAttempt,
    ClarifyingQuestion,
    Institution,
    ResearcherAgreement,
    Sanction,
)
from fivesafes.people.workflow import OPEN_STATES

if TYPE_CHECKING:
    from fivesafes.accounts.models import User

# --- exclusions (R24): asked on every private request, kept on the person for the request ---

CACHE_ATTRIBUTE = "_people_exclusion"
_generation = [0]


def forget_exclusions(**_kwargs: Any) -> None:
    """A sanction changed: every answer kept on a person object is out of date."""
    _generation[0] += 1


def exclusion_reason(person: User | Any, on: date | None = None) -> str | None:
    """Why the person is refused everywhere (R24), or None when not excluded."""
    if person is None or getattr(person, "pk", None) is None:
        return None
    day = on or timezone.localdate()
    key = (_generation[0], person.pk, day)
    kept = getattr(person, CACHE_ATTRIBUTE, None)
    if kept is not None and kept[0] == key:
        return kept[1]
    reason = _exclusion_reason(person, day)
    with contextlib.suppress(AttributeError):  # an object that takes no attributes
        setattr(person, CACHE_ATTRIBUTE, (key, reason))
    return reason


def _exclusion_reason(person: User | Any, on: date) -> str | None:
    sanction = (
        Sanction.objects.in_force(on)
        .filter(kind=Sanction.Kind.EXCLUSION, person_id=person.pk)
        .order_by("-ends_on")
        .first()
    )
    if sanction is None:
        return None
    if sanction.ends_on is None:
        return _(
            "You are excluded from the research schemes permanently after a breach of the rules "
            "(R24). Contact the research service."
        )
    return _(
        "You are excluded from the research schemes until %(day)s after a breach of the rules "
        "(R24). Contact the research service."
    ) % {"day": sanction.ends_on}


def withdrawal_in_force(institution: Institution) -> Sanction | None:
    """The withdrawal of the institution's authorisation in force today (R24), if any."""
    return (
        Sanction.objects.in_force()
        .filter(kind=Sanction.Kind.WITHDRAWAL, institution=institution)
        .first()
    )


# --- researchers and their institutions ---


def current_attachments(person: User | Any, on: date | None = None) -> list[Attachment]:
    """The person's attachments and affiliations current on `on` (today), with institutions."""
    return list(
        Attachment.objects.current(on).select_related("institution").filter(researcher=person)
    )


def accepted_attachment(attachments: list[Attachment], on: date | None = None) -> Attachment | None:
    """The first of `attachments` that counts (an affiliation once accepted, R7) and ties the
    person to an institution authorised on `on` (R1): the one tie that gives access."""
    for attachment in attachments:
        if attachment.is_accepted and attachment.institution.is_authorised(on):
            return attachment
    return None


def authorised_attachment(person: User | Any, on: date | None = None) -> Attachment | None:
    """The person's accepted attachment to an institution authorised on `on`, if any (R1, R7):
    what the access rule and a project's member facts both ask."""
    return accepted_attachment(current_attachments(person, on), on)


def accepted_institution_ids(person: User | Any, on: date | None = None) -> set[int]:
    """The institutions the person is currently attached to, affiliations once accepted."""
    return {a.institution_id for a in current_attachments(person, on) if a.is_accepted}


def institution_attachments(institution: Institution) -> QuerySet[Attachment]:
    """The institution's researchers and affiliations, past and present, with the people."""
    return institution.attachments.select_related("researcher", "institution", "contact_person")


def attachment_rows() -> QuerySet[Attachment]:
    """Attachments with what their answers show (for loading one by its id)."""
    return Attachment.objects.select_related("researcher", "institution", "contact_person")


def current_attachment_ids(institution: Institution) -> set[int]:
    return set(
        Attachment.objects.current().filter(institution=institution).values_list("pk", flat=True)
    )


def managed_institutions(person: User | Any) -> QuerySet[Institution]:
    """The institutions `person` is the responsible manager of, with their cases, each marked
    `authorised_now` when an authorisation is in force today."""
    in_force = Authorisation.objects.in_force().filter(institution=OuterRef("pk"))
    return (
        Institution.objects.filter(manager=person)
        .prefetch_related("authorisations")
        .annotate(authorised_now=Exists(in_force))
    )


# --- certification (R9) ---


def current_certification(
    person: User | Any, on: date | None = None
) -> CertificationAttempt | None:
    """The latest passed attempt that is still valid on `on` (today), or None."""
    day = on or timezone.localdate()
    latest = CertificationAttempt.objects.filter(person=person, passed=True).first()
    if latest is None or latest.valid_until < day:
        return None
    return latest


def last_passed(person: User | Any) -> CertificationAttempt | None:
    return CertificationAttempt.objects.filter(person=person, passed=True).first()


def failed_today(person: User | Any) -> int:
    """The person's failed attempts since midnight."""
    today_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return CertificationAttempt.objects.filter(
        person=person, passed=False, taken_at__gte=today_start
    ).count()


# --- authorisation cases ---


def cases(state: str = "", *, name: str = "", overdue: bool = False) -> QuerySet[Authorisation]:
    """Authorisation cases for the staff list and the API: open ones unless `state` names one
    (or is "all"), by due date, with the institution and the count of open questions."""
    found = Authorisation.objects.select_related(
        "institution", "case_handler", "exemption_decided_by"
    ).annotate(open_questions=Count("questions", filter=Q(questions__answered_at__isnull=True)))
    if state == "all":
        pass
    elif state:
        found = found.filter(state=state)
    else:
        found = found.filter(state__in=[s.value for s in OPEN_STATES])
    if name:
        found = found.filter(institution__name__icontains=name)
    if overdue:
        found = found.filter(due_on__lt=timezone.localdate())
    return found.order_by("due_on", "pk")


def case_rows() -> QuerySet[Authorisation]:
    """Cases with what their page and their API answer show (for loading one by its id)."""
    return Authorisation.objects.select_related(
        "institution", "exemption_decided_by", "case_handler"
    )


def question_rows() -> QuerySet[ClarifyingQuestion]:
    return ClarifyingQuestion.objects.select_related("authorisation__institution")


# --- researcher agreements (R8) ---


def authorisation_in_force_of(institution: str) -> Subquery:
    """The id of the authorisation in force today of the institution the row names by the
    lookup `institution` (None when there is none), for annotating a list in one query."""
    return Subquery(
        Authorisation.objects.in_force().filter(institution=OuterRef(institution)).values("pk")[:1]
    )


def with_authorisation_in_force(
    found: QuerySet[ResearcherAgreement],
) -> QuerySet[ResearcherAgreement]:
    """Agreements knowing their institution's authorisation in force today (`in_force_id`,
    read by `ResearcherAgreement.status` instead of asking once per agreement)."""
    return found.annotate(in_force_id=authorisation_in_force_of("authorisation__institution"))


def _with_signatures(found: QuerySet[ResearcherAgreement]) -> QuerySet[ResearcherAgreement]:
    return with_authorisation_in_force(
        found.select_related(
            "researcher", "project", "authorisation__institution"
        ).prefetch_related(
            Prefetch("signatures", AgreementSignature.objects.select_related("signer"))
        )
    )


def agreements_of(person: User | Any) -> QuerySet[ResearcherAgreement]:
    """The person's agreements and those made under the institutions they manage."""
    return _with_signatures(
        ResearcherAgreement.objects.filter(
            Q(researcher=person) | Q(authorisation__institution__manager=person)
        ).distinct()
    ).order_by("-starts_on", "pk")


def institution_agreements(institution: Institution) -> QuerySet[ResearcherAgreement]:
    return _with_signatures(
        ResearcherAgreement.objects.filter(authorisation__institution=institution)
    ).order_by("-created_at")


def agreement_rows() -> QuerySet[ResearcherAgreement]:
    """Agreements with their parties and signatures (for loading one by its id)."""
    return _with_signatures(ResearcherAgreement.objects.all())


def researcher_agreements(person: User | Any) -> QuerySet[ResearcherAgreement]:
    return ResearcherAgreement.objects.filter(researcher=person).select_related(
        "project", "authorisation__institution"
    )


# --- breaches (R24) ---


def breaches() -> QuerySet[Breach]:
    return Breach.objects.select_related(
        "researcher", "institution", "reported_by"
    ).prefetch_related(Prefetch("files", BreachEvidence.objects.select_related("uploaded_by")))


def evidence_rows() -> QuerySet[BreachEvidence]:
    return BreachEvidence.objects.select_related("breach", "uploaded_by")


def attached_people_count() -> int:
    """How many people have ever been attached to an institution (the report's denominator)."""
    from fivesafes.accounts.models import User

    return User.objects.filter(attachments__isnull=False).distinct().count()


def person_named(text: str) -> User | None:
    """The person with this username, or else this e-mail address (any case)."""
    from fivesafes.accounts.models import User

    return (
        User.objects.filter(username=text).first()
        or User.objects.filter(email__iexact=text).first()
    )


def researchers_matching(text: str, limit: int = 10) -> list[tuple[User, str]]:
    """Researchers whose full name, user name or current institution contains every word of
    `text` (any case), each with the institutions they are attached to now; by full name."""
    from fivesafes.accounts.models import User
    from fivesafes.policy.permissions import Role

    words = text.split()
    if not words:
        return []
    today = timezone.localdate()
    current = Q(attachments__starts_on__lte=today) & (
        Q(attachments__ends_on__isnull=True) | Q(attachments__ends_on__gte=today)
    )
    found = User.objects.filter(is_active=True, role_assignments__role=Role.RESEARCHER.value)
    for word in words:
        found = found.filter(
            Q(full_name__icontains=word)
            | Q(username__icontains=word)
            | (current & Q(attachments__institution__name__icontains=word))
        )
    people = list(found.distinct().order_by("full_name", "username")[:limit])
    places: dict[int, list[str]] = {}
    for attachment in (
        Attachment.objects.current(today)
        .filter(researcher__in=people)
        .select_related("institution")
    ):
        places.setdefault(attachment.researcher_id, []).append(attachment.institution.name)
    return [(person, ", ".join(sorted(places.get(person.pk, [])))) for person in people]
