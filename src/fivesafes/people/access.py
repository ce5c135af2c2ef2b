"""THE access rule of safe people, in one place (R1, R7-R10, R24, R25, process 1 model).

A researcher may work in project P only if every condition below holds; `project_access`
answers with each condition, met or not, in words, so the policy can refuse naming every
failed one (first the first) and the "who has access to what" report can show why.

The exclusion check (R24) runs on every private request, often several times (the sign-in
rule, each permission, the project rule). Its answer is kept on the person object, which
Django builds anew for each request, so one request asks the database once; a sanction
decided in this process clears every kept answer at once.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from fivesafes.people import rules


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


CACHE_ATTRIBUTE = "_people_exclusion"
_generation = [0]


def forget_exclusions(**_kwargs: Any) -> None:
    """A sanction changed: every answer kept on a person object is out of date."""
    _generation[0] += 1


def exclusion_reason(person: Any, on: date | None = None) -> str | None:
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


def _exclusion_reason(person: Any, on: date) -> str | None:
    from fivesafes.people.models import Sanction

    sanction = (
        Sanction.objects.in_force(on)
        .filter(kind=Sanction.Kind.EXCLUSION, person_id=person.pk)
        .order_by("-ends_on")
        .first()
    )
    if sanction is None:
        return None
    until = f"until {sanction.ends_on}" if sanction.ends_on else "permanently"
    return (
        f"You are excluded from the research schemes {until} after a breach of the rules (R24). "
        "Contact the research service."
    )


def _institution_condition(person: Any, day: date) -> tuple[Condition, Any]:
    from fivesafes.people.models import Attachment

    attachments = list(
        Attachment.objects.current(day).select_related("institution").filter(researcher=person)
    )
    if not attachments:
        return Condition("Institution", False, "you are not attached to any institution (R1)"), None
    for attachment in attachments:
        if not attachment.is_accepted:
            continue
        if attachment.institution.is_authorised(day):
            how = "affiliated to" if attachment.kind == "affiliated" else "attached to"
            abroad = (
                ", working abroad under its responsibility" if attachment.working_abroad else ""
            )
            return (
                Condition(
                    "Institution", True, f"{how} {attachment.institution}, authorised{abroad}"
                ),
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


def project_access(
    person: Any, project: Any, *, request: Any = None, on: date | None = None
) -> AccessAnswer:
    """Every condition for `person` working in `project` today (request-bound ones if given)."""
    from fivesafes.people.models import ResearcherAgreement
    from fivesafes.people.services.certification import current_certification, last_passed

    day = on or timezone.localdate()
    answer = AccessAnswer()
    add = answer.conditions.append

    excluded = exclusion_reason(person, on)
    add(Condition("Not sanctioned", excluded is None, excluded or "no exclusion in force (R24)"))

    institution_condition, attachment = _institution_condition(person, day)
    add(institution_condition)

    owner_ok = project.institution.is_authorised(day)
    add(
        Condition(
            "Project owner",
            owner_ok,
            f"project {project.number} is owned by {project.institution}, "
            + ("an authorised institution" if owner_ok else "which is not authorised today (R1)"),
        )
    )
    add(project_condition(project, day))

    agreements = list(
        ResearcherAgreement.objects.select_related("authorisation__institution")
        .filter(researcher=person, project=project)
        .order_by("-starts_on")
    )
    current = None
    why = f"you have no researcher agreement for project {project.number} (R8)"
    for agreement in agreements:
        ok, text = agreement.status(day)
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

    certification = current_certification(person, day)
    if certification is not None:
        add(Condition("Certification", True, f"certified until {certification.valid_until} (R9)"))
    else:
        previous = last_passed(person)
        text = (
            f"your certification lapsed on {previous.valid_until}; take the test again (R9)"
            if previous
            else "you have not passed the certification test (R9)"
        )
        add(Condition("Certification", False, text))

    if request is not None:
        from fivesafes.audit.services import client_ip
        from fivesafes.policy.checks import is_two_factor

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


def project_condition(project: Any, day: date) -> Condition:
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


def projects_within_reach(person: Any) -> list[Any]:
    """Projects the person has an agreement for or is a member of."""
    from django.db.models import Q

    from fivesafes.projects.models import Project

    return list(
        Project.objects.filter(Q(agreements__researcher=person) | Q(members=person))
        .select_related("institution")
        .distinct()
    )
