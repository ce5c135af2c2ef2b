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
from fivesafes.shared.labels import gettext_noop, translated
from fivesafes.shared.refusals import AccessDenied, passes, unseen

if TYPE_CHECKING:
    from django.http import HttpRequest

    from fivesafes.accounts.models import User
    from fivesafes.projects.models import Project


@dataclass(frozen=True)
class Condition:
    # The condition's name as written, in English (marked `gettext_noop`); `label` is what a
    # page shows, in the reader's language. `why` is worded in the language it was asked in.
    name: str
    met: bool
    why: str

    @property
    def label(self) -> str:
        return translated(self.name)


# The conditions' names (`Condition.name`), marked for the catalogue.
NOT_SANCTIONED = gettext_noop("Not sanctioned")
INSTITUTION = gettext_noop("Institution")
PROJECT_OWNER = gettext_noop("Project owner")
PROJECT_ACTIVE = gettext_noop("Project active")
RESEARCHER_AGREEMENT = gettext_noop("Researcher agreement")
CERTIFICATION = gettext_noop("Certification")
TWO_FACTOR_SESSION = gettext_noop("Two-factor session")
ALLOWED_ADDRESS = gettext_noop("Allowed address")


def _agreement_words(pk: int, text: str) -> str:
    return _("agreement R-%(agreement)s: %(status)s") % {"agreement": pk, "status": text}


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
        return "; ".join(f"{c.label}: {c.why}" for c in self.failed)


def _institution_condition(person: User | None, day: date) -> tuple[Condition, Attachment | None]:
    attachments = queries.current_attachments(person, day)
    if not attachments:
        return (
            Condition(INSTITUTION, False, _("you are not attached to any institution (R1)")),
            None,
        )
    attachment = queries.accepted_attachment(attachments, day)
    if attachment is not None:
        words = {"institution": attachment.institution}
        if attachment.kind == "affiliated":
            how = _("affiliated to %(institution)s, authorised") % words
        else:
            how = _("attached to %(institution)s, authorised") % words
        if attachment.working_abroad:
            how = _("%(how)s, working abroad under its responsibility") % {"how": how}
        return Condition(INSTITUTION, True, how), attachment
    names = ", ".join(str(a.institution) for a in attachments)
    return (
        Condition(
            INSTITUTION,
            False,
            _(
                "your institution (%(names)s) is not authorised today, or your affiliation is "
                "not yet accepted (R1, R7)"
            )
            % {"names": names},
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
            CERTIFICATION,
            True,
            _("certified until %(day)s (R9)") % {"day": certification.valid_until},
        )
    else:
        previous = queries.last_passed(person)
        text = (
            _("your certification lapsed on %(day)s; take the test again (R9)")
            % {"day": previous.valid_until}
            if previous
            else _("you have not passed the certification test (R9)")
        )
        certified = Condition(CERTIFICATION, False, text)
    return _PersonFacts(
        excluded=Condition(
            NOT_SANCTIONED, excluded is None, excluded or _("no exclusion in force (R24)")
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
            PROJECT_OWNER,
            owner_ok,
            (
                _("project %(project)s is owned by %(institution)s, an authorised institution")
                if owner_ok
                else _(
                    "project %(project)s is owned by %(institution)s, which is not authorised "
                    "today (R1)"
                )
            )
            % {"project": project.number, "institution": project.institution},
        )
    )
    add(project_condition(project, day))

    current = None
    why = _("you have no researcher agreement for project %(project)s (R8)") % {
        "project": project.number
    }
    for agreement in agreements:
        ok, text = agreement.status(on)  # today: from `in_force_id` when the list fetched it
        made_with = agreement.authorisation.institution
        if ok and attachment is not None and attachment.institution_id != made_with.pk:
            ok, text = (
                False,
                _(
                    "it was made under %(made_with)s, but you are now with %(institution)s; a "
                    "new agreement is needed (R8)"
                )
                % {"made_with": made_with, "institution": attachment.institution},
            )
        if ok:
            current, why = agreement, _agreement_words(agreement.pk, text)
            break
        why = _agreement_words(agreement.pk, text)
    add(Condition(RESEARCHER_AGREEMENT, current is not None, why))
    add(facts.certification)

    if request is not None:
        from fivesafes.audit.services import client_ip

        user = getattr(request, "user", person)
        add(
            Condition(
                TWO_FACTOR_SESSION,
                is_two_factor(user),
                _("signed in with two factors (R10)")
                if is_two_factor(user)
                else _("this session did not pass two-factor sign-in (R10)"),
            )
        )
        address = client_ip(request)
        if current is None:
            add(
                Condition(ALLOWED_ADDRESS, False, _("no current agreement lists allowed addresses"))
            )
        else:
            allowed = rules.address_allowed(address, current.allowed_networks)
            add(
                Condition(
                    ALLOWED_ADDRESS,
                    allowed,
                    (
                        _("%(address)s is among the addresses of the agreement (R8)")
                        if allowed
                        else _("%(address)s is not among the addresses of the agreement (R8)")
                    )
                    % {"address": address or _("unknown address")},
                )
            )
    return answer


def project_condition(project: Project, day: date) -> Condition:
    """The project itself: active (not closed) and inside its period on `day` (R8, R25)."""
    name = PROJECT_ACTIVE
    number = project.number
    if project.is_closed:
        if project.closed_at:
            why = _("project %(project)s was closed on %(day)s (R25)") % {
                "project": number,
                "day": timezone.localdate(project.closed_at),
            }
        else:
            why = _("project %(project)s was closed (R25)") % {"project": number}
        return Condition(name, False, why)
    if day < project.starts_on:
        return Condition(
            name,
            False,
            _("project %(project)s starts on %(day)s (R8)")
            % {"project": number, "day": project.starts_on},
        )
    if day > project.ends_on:
        return Condition(
            name,
            False,
            _("project %(project)s's period ended on %(day)s (R25)")
            % {"project": number, "day": project.ends_on},
        )
    return Condition(
        name,
        True,
        _("project %(project)s is active, %(starts)s to %(ends)s")
        % {"project": number, "starts": project.starts_on, "ends": project.ends_on},
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
