"""THE access rule of safe people, in one place (R1, R7-R10, R24, R25, process 1 model).

A researcher may work in project P only if every condition below holds; `project_access`
answers with each condition, met or not, in words, so `check_project_access` can refuse naming
every failed one (first the first) and the "who has access to what" report can show why.
`can_work_in_project` is its yes-or-no twin. The facts come from safe people's queries; the
exclusion answer (R24) is kept on the person object for the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.people import queries, rules
from fivesafes.people.models import Attachment, ResearcherAgreement
from fivesafes.policy.checks import check_permission, is_two_factor
from fivesafes.policy.permissions import Permission
from fivesafes.shared.refusals import AccessDenied, passes, unseen

if TYPE_CHECKING:
    from django.http import HttpRequest

    from fivesafes.accounts.models import User
    from fivesafes.projects.models import Project


@dataclass(frozen=True)
class Condition:
    name: str
    met: bool
    why: str


@dataclass
class AccessAnswer:
    conditions: list[Condition] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return all(c.met for c in self.conditions)

    @property
    def failed(self) -> list[Condition]:
        return [c for c in self.conditions if not c.met]

    @property
    def reason(self) -> str:
        """Every failed condition, named, in the order of the rule ("" when allowed)."""
        return "; ".join(f"{c.name}: {c.why}" for c in self.failed)


def _institution_condition(person: User | None, day: date) -> tuple[Condition, Attachment | None]:
    attachments = queries.current_attachments(person, day)
    if not attachments:
        return Condition("Institution", False, "you are not attached to any institution (R1)"), None
    attachment = queries.accepted_attachment(attachments, day)
    if attachment is not None:
        how = "affiliated to" if attachment.kind == "affiliated" else "attached to"
        abroad = ", working abroad under its responsibility" if attachment.working_abroad else ""
        return (
            Condition("Institution", True, f"{how} {attachment.institution}, authorised{abroad}"),
            attachment,
        )
    names = ", ".join(str(a.institution) for a in attachments)
    return (
        Condition(
            "Institution",
            False,
            f"your institution ({names}) is not authorised today, or your affiliation is not "
            "yet accepted (R1, R7)",
        ),
        None,
    )


@dataclass(frozen=True)
class _PersonFacts:
    """The conditions on the person alone (the same for every project they ask about)."""

    excluded: Condition
    institution: Condition
    attachment: Attachment | None
    certification: Condition


def _person_facts(person: User | None, day: date, on: date | None) -> _PersonFacts:
    excluded = queries.exclusion_reason(person, on)
    institution_condition, attachment = _institution_condition(person, day)
    certification = queries.current_certification(person, day)
    if certification is not None:
        certified = Condition(
            "Certification", True, f"certified until {certification.valid_until} (R9)"
        )
    else:
        previous = queries.last_passed(person)
        text = (
            f"your certification lapsed on {previous.valid_until}; take the test again (R9)"
            if previous
            else "you have not passed the certification test (R9)"
        )
        certified = Condition("Certification", False, text)
    return _PersonFacts(
        excluded=Condition(
            "Not sanctioned", excluded is None, excluded or "no exclusion in force (R24)"
        ),
        institution=institution_condition,
        attachment=attachment,
        certification=certified,
    )


def _own_agreements(person: User | None) -> QuerySet[ResearcherAgreement]:
    """The person's agreements, newest first, each knowing its institution's authorisation in
    force today (`in_force_id`, which `ResearcherAgreement.status` reads)."""
    return queries.with_authorisation_in_force(
        ResearcherAgreement.objects.select_related("authorisation__institution")
        .filter(researcher=person)
        .order_by("-starts_on")
    )


def project_access(
    person: User | None,
    project: Project,
    *,
    request: HttpRequest | None = None,
    on: date | None = None,
) -> AccessAnswer:
    """Every condition for `person` working in `project` today (request-bound ones if given)."""
    day = on or timezone.localdate()
    return _answer(
        person,
        project,
        _person_facts(person, day, on),
        list(
            ResearcherAgreement.objects.select_related("authorisation__institution")
            .filter(researcher=person, project=project)
            .order_by("-starts_on")
        ),
        project.institution.is_authorised(day),
        request,
        on,
    )


def access_to_projects(
    person: User | None, request: HttpRequest | None = None
) -> list[tuple[Project, AccessAnswer]]:
    """`project_access` today for every project within the person's reach, asking the database
    the same few questions however many projects there are (a page lists them all)."""
    from fivesafes.projects.models import Project as ProjectModel

    day = timezone.localdate()
    facts = _person_facts(person, day, None)
    reach = [p.pk for p in projects_within_reach(person)]
    found = (
        ProjectModel.objects.filter(pk__in=reach)
        .select_related("institution")
        .annotate(owner_in_force=queries.authorisation_in_force_of("institution"))
        .prefetch_related(Prefetch("agreements", _own_agreements(person), to_attr="own_agreements"))
        .order_by("number")
    )
    return [
        (
            project,
            _answer(
                person,
                project,
                facts,
                project.own_agreements,
                project.owner_in_force is not None,
                request,
                None,
            ),
        )
        for project in found
    ]


def _answer(
    person: User | None,
    project: Project,
    facts: _PersonFacts,
    agreements: list[ResearcherAgreement],
    owner_ok: bool,
    request: HttpRequest | None,
    on: date | None,
) -> AccessAnswer:
    day = on or timezone.localdate()
    answer = AccessAnswer()
    add = answer.conditions.append
    add(facts.excluded)
    add(facts.institution)
    attachment = facts.attachment
    add(
        Condition(
            "Project owner",
            owner_ok,
            f"project {project.number} is owned by {project.institution}, "
            + ("an authorised institution" if owner_ok else "which is not authorised today (R1)"),
        )
    )
    add(project_condition(project, day))

    current = None
    why = f"you have no researcher agreement for project {project.number} (R8)"
    for agreement in agreements:
        ok, text = agreement.status(on)  # today: from `in_force_id` when the list fetched it
        made_with = agreement.authorisation.institution
        if ok and attachment is not None and attachment.institution_id != made_with.pk:
            ok, text = (
                False,
                f"it was made under {made_with}, but you are now with {attachment.institution}; "
                "a new agreement is needed (R8)",
            )
        if ok:
            current, why = agreement, f"agreement R-{agreement.pk}: {text}"
            break
        why = f"agreement R-{agreement.pk}: {text}"
    add(Condition("Researcher agreement", current is not None, why))
    add(facts.certification)

    if request is not None:
        from fivesafes.audit.services import client_ip

        user = getattr(request, "user", person)
        add(
            Condition(
                "Two-factor session",
                is_two_factor(user),
                "signed in with two factors (R10)"
                if is_two_factor(user)
                else "this session did not pass two-factor sign-in (R10)",
            )
        )
        address = client_ip(request)
        if current is None:
            add(Condition("Allowed address", False, "no current agreement lists allowed addresses"))
        else:
            allowed = rules.address_allowed(address, current.allowed_networks)
            add(
                Condition(
                    "Allowed address",
                    allowed,
                    f"{address or 'unknown address'} is "
                    + ("" if allowed else "not ")
                    + "among the addresses of the agreement (R8)",
                )
            )
    return answer


def project_condition(project: Project, day: date) -> Condition:
    """The project itself: active (not closed) and inside its period on `day` (R8, R25)."""
    name = "Project active"
    if project.is_closed:
        when = f" on {timezone.localdate(project.closed_at)}" if project.closed_at else ""
        return Condition(name, False, f"project {project.number} was closed{when} (R25)")
    if day < project.starts_on:
        return Condition(
            name, False, f"project {project.number} starts on {project.starts_on} (R8)"
        )
    if day > project.ends_on:
        return Condition(
            name, False, f"project {project.number}'s period ended on {project.ends_on} (R25)"
        )
    return Condition(
        name,
        True,
        f"project {project.number} is active, {project.starts_on} to {project.ends_on}",
    )


def projects_within_reach(person: User | None) -> list[Project]:
    """Projects the person has an agreement for or is a member of."""
    from fivesafes.projects.models import Project

    return list(
        Project.objects.filter(Q(agreements__researcher=person) | Q(members=person))
        .select_related("institution")
        .distinct()
    )


def check_may_ask_about(user: User | None, project: Project) -> None:
    """Only a member of the project, or a person with an agreement for it, may ask whether they
    may work in it; the refusal names nothing of the project (its number, owner and period
    cannot be collected by walking ids)."""
    from fivesafes.projects.models import Project as ProjectModel

    reach = Q(agreements__researcher=user) | Q(members=user)
    if user is None or not ProjectModel.objects.filter(reach, pk=project.pk).exists():
        raise unseen(_("project"))


def can_ask_about(user: User | None, project: Project) -> bool:
    return passes(lambda: check_may_ask_about(user, project))


def check_project_access(
    user: User | None, project: Project, request: HttpRequest | None = None
) -> AccessAnswer:
    """R1, R7-R10, R24: may this person work in `project` now? Raises naming every failed
    condition; answers with every condition met."""
    check_permission(user, Permission.WORK_IN_PROJECTS)
    answer = project_access(user, project, request=request)
    if not answer.allowed:
        raise AccessDenied(
            _("You cannot work in project %(project)s. %(reason)s.")
            % {"project": project.number, "reason": answer.reason}
        )
    return answer


def can_work_in_project(
    user: User | None, project: Project, request: HttpRequest | None = None
) -> bool:
    return passes(lambda: check_project_access(user, project, request))
