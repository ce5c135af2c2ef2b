"""Who may see a project's deliveries, plan one, start it and book time on it, and when (R8,
R11, R17, R18, R25): `check_x` raises the refusal, `can_x` answers True/False.

A project's deliveries are seen by its responsible researcher and members and by the office's
staff who read projects. Staff who deliver data plan and start a delivery once the project is
ready: active, approved with a scope that names variables, its quote accepted, and every
member's researcher agreement signed and countersigned. One delivery of a project runs at a
time; a plan whose scope is no longer the approved one is planned again; nobody delivers data
to a project they are a member of (R17). A fast-track project's plan may start by itself.
External data (R15) come through a one-time upload link staff make for a planned delivery; a
delivery whose scope names external data starts only once every source has arrived and been
checked (`external_refusal`). The link's token is its holder's only credential, so
`check_use_link` is the whole policy of the anonymous upload page. Going back from a pseudonym
to a person (R14) needs two members of staff outside the project: one asks, another decides.
The one answer to "what may this person do next with this delivery" is `next_steps`: the page
draws its buttons from it, the API lists it, the service refuses what `check_step` refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.delivery.models import Delivery, ExternalUpload, Reidentification
from fivesafes.delivery.workflow import DELIVERY, DeliveryState
from fivesafes.people.models import ResearcherAgreement
from fivesafes.people.queries import with_authorisation_in_force
from fivesafes.policy.permissions import Permission, holds, pk_of
from fivesafes.projects.models import Application, Project, ProjectMembership, Quote
from fivesafes.shared.refusals import AccessDenied, Finding, RuleViolation, passes, unseen
from fivesafes.shared.workflow import StepPolicy, Transition

STARTS = frozenset({"start", "rerun", "start_automatically"})
# The parts of an approved scope that decide what data are delivered (members, period and terms
# do not: a new member or a longer period needs no new delivery).
DATA_PARTS = ("variables", "population", "external_data")


def data_scope(scope: Any) -> dict[str, Any]:
    """What a delivery of `scope` (stored JSON) holds: its variables, population, external data."""
    return {part: (scope or {}).get(part) for part in DATA_PARTS}


def scope_changed(delivery: Delivery) -> bool:
    """Has the approved scope's data part changed since the delivery was planned?"""
    return data_scope(delivery.scope) != data_scope(delivery.project.approved_scope)


def is_in_project(person: Any, project: Project) -> bool:
    """The responsible researcher and the members."""
    return (
        project.responsible_id == pk_of(person)
        or project.memberships.filter(person_id=pk_of(person)).exists()
    )


def can_see(person: Any, project: Project) -> bool:
    """Members of the project (and its responsible researcher) and staff who read projects."""
    return holds(person, Permission.VIEW_PROJECT_APPLICATIONS) or is_in_project(person, project)


def check_see(person: Any, project: Project) -> None:
    if not can_see(person, project):
        raise unseen(_("project"))


def check_see_delivery(person: Any, delivery: Delivery) -> None:
    check_see(person, delivery.project)


def can_see_delivery(person: Any, delivery: Delivery) -> bool:
    return can_see(person, delivery.project)


def check_read_documents(person: Any, delivery: Delivery) -> None:
    """The codebook and manifest of a delivered delivery, for whoever sees the delivery."""
    check_see_delivery(person, delivery)
    if delivery.state_enum is not DeliveryState.DELIVERED:
        raise RuleViolation(
            "R11",
            "state",
            _("Delivery %(delivery)s is %(state)s; its codebook is there once it is delivered.")
            % {"delivery": delivery.number, "state": delivery.state_enum.label.lower()},
        )


def approved_application(project: Project) -> Application | None:
    return (
        project.applications.filter(kind=Application.Kind.NEW, state="approved")
        .order_by("created_at")
        .first()
    )


def accepted_quote(project: Project) -> Quote | None:
    return (
        Quote.objects.filter(application__project=project, state=Quote.State.ACCEPTED)
        .order_by("-accepted_at", "-pk")
        .first()
    )


def is_fast_track(project: Project) -> bool:
    application = approved_application(project)
    return application is not None and application.fast_track


def unsigned_members(project: Project) -> list[str]:
    """Members without a current, signed and countersigned researcher agreement (R8)."""
    day = timezone.localdate()
    missing = []
    for membership in project.memberships.select_related("person").order_by("person__username"):
        agreements = ResearcherAgreement.objects.select_related(
            "authorisation__institution"
        ).filter(researcher_id=membership.person_id, project=project)
        if not any(a.status(day)[0] for a in agreements):
            missing.append(membership.person.get_username())
    return missing


@dataclass(frozen=True)
class _Readiness:
    """What `readiness` asks the database about one project."""

    approved: bool
    quote_accepted: bool
    unsigned: list[str]
    has_members: bool


# The attributes `with_readiness` leaves on each project of a list.
_PREFETCHED = ("ready_approved", "ready_quoted", "ready_members", "ready_agreements")


def with_readiness(projects: QuerySet[Project]) -> QuerySet[Project]:
    """A list of projects carrying what `readiness` asks, fetched for the whole list in a fixed
    number of queries (a page of projects waiting for data shows the findings of each)."""
    approved = Application.objects.filter(kind=Application.Kind.NEW, state="approved")
    quoted = Application.objects.filter(quotes__state=Quote.State.ACCEPTED).distinct()
    members = ProjectMembership.objects.select_related("person").order_by("person__username")
    agreements = with_authorisation_in_force(
        ResearcherAgreement.objects.select_related("authorisation__institution")
    )
    return projects.prefetch_related(
        Prefetch("applications", approved, to_attr="ready_approved"),
        Prefetch("applications", quoted, to_attr="ready_quoted"),
        Prefetch("memberships", members, to_attr="ready_members"),
        Prefetch("agreements", agreements, to_attr="ready_agreements"),
    )


def _facts(project: Project) -> _Readiness:
    if not all(hasattr(project, name) for name in _PREFETCHED):
        return _Readiness(
            approved=approved_application(project) is not None,
            quote_accepted=accepted_quote(project) is not None,
            unsigned=unsigned_members(project),
            has_members=project.memberships.exists(),
        )
    # today's status, read from the authorisation in force the list fetched with each one
    current = {a.researcher_id for a in project.ready_agreements if a.status()[0]}
    members = project.ready_members
    return _Readiness(
        approved=bool(project.ready_approved),
        quote_accepted=bool(project.ready_quoted),
        unsigned=[m.person.get_username() for m in members if m.person_id not in current],
        has_members=bool(members),
    )


def readiness(project: Project) -> list[Finding]:
    """Why the project cannot have data delivered now (empty when it can); a project of a
    `with_readiness` list answers from what the list fetched."""
    facts = _facts(project)
    found = []
    if project.is_closed:
        found.append(
            Finding(
                "R25", "project", _("Project %(project)s is closed.") % {"project": project.number}
            )
        )
    if not facts.approved:
        found.append(
            Finding(
                "R11",
                "project",
                _("Project %(project)s has no approved application.") % {"project": project.number},
            )
        )
    if not project.scope.variables:
        found.append(
            Finding(
                "R11",
                "scope",
                _("The approved scope of %(project)s names no variables.")
                % {"project": project.number},
            )
        )
    if not facts.quote_accepted:
        found.append(
            Finding(
                "R18",
                "quote",
                _(
                    "The quote for project %(project)s has not been accepted by the "
                    "institution's manager."
                )
                % {"project": project.number},
            )
        )
    if facts.unsigned:
        found.append(
            Finding(
                "R8",
                "agreements",
                _(
                    "These members have no signed and countersigned researcher agreement for "
                    "%(project)s: %(members)s."
                )
                % {"project": project.number, "members": ", ".join(facts.unsigned)},
            )
        )
    if not facts.has_members:
        found.append(
            Finding(
                "R8",
                "members",
                _("Project %(project)s has no members.") % {"project": project.number},
            )
        )
    return found


def _refusal(finding: Finding) -> RuleViolation:
    return RuleViolation(finding.rule, finding.field, finding.message)


def _staff_refusal(person: Any, project: Project) -> Exception | None:
    if not holds(person, Permission.DELIVER_DATA):
        return AccessDenied(
            _("Your roles do not include the permission '%(permission)s' needed to deliver data.")
            % {"permission": Permission.DELIVER_DATA.value}
        )
    if is_in_project(person, project):
        return RuleViolation(
            "R17",
            "requested_by",
            _(
                "Four eyes: you are a member of project %(project)s, so someone outside it "
                "delivers its data."
            )
            % {"project": project.number},
        )
    return None


def check_plan(person: Any, project: Project) -> None:
    """Staff who deliver data plan a delivery for a ready project (see `readiness`)."""
    refusal = _staff_refusal(person, project)
    if refusal is not None:
        raise refusal
    found = readiness(project)
    if found:
        raise _refusal(found[0])


def can_plan(person: Any, project: Project) -> bool:
    return passes(lambda: check_plan(person, project))


def start_refusal(delivery: Delivery) -> Exception | None:
    """The conditions on the project and its other deliveries for a delivery to start."""
    project = delivery.project
    found = readiness(project)
    if found:
        return _refusal(found[0])
    if scope_changed(delivery):
        return RuleViolation(
            "R16",
            "scope",
            _(
                "The approved scope of %(project)s has changed since delivery %(delivery)s was "
                "planned; plan a new delivery."
            )
            % {"project": project.number, "delivery": delivery.number},
        )
    other = (
        Delivery.objects.filter(project_id=delivery.project_id, state=DeliveryState.RUNNING.value)
        .exclude(pk=delivery.pk)
        .first()
    )
    if other is not None:
        return RuleViolation(
            "R11",
            "state",
            _(
                "Delivery %(other)s of project %(project)s is running; one delivery of a "
                "project runs at a time."
            )
            % {"other": other.number, "project": project.number},
        )
    return None


def room_refusal(
    delivery: Delivery, person: Any, transition: Transition[DeliveryState]
) -> Exception | None:
    """The room's conditions on top of the state machine's (see the module docstring)."""
    if person is not None:
        refusal = _staff_refusal(person, delivery.project)
        if refusal is not None:
            return refusal
    if transition.name in STARTS:
        refusal = start_refusal(delivery) or external_refusal(delivery)
        if refusal is not None:
            return refusal
    if transition.name == "start_automatically" and not is_fast_track(delivery.project):
        return RuleViolation(
            "R17",
            "fast_track",
            _(
                "Project %(project)s is not on the fast track; a case handler reviews the plan "
                "and starts it."
            )
            % {"project": delivery.project.number},
        )
    return None


def describe(delivery: Delivery) -> str:
    return f"Delivery {delivery.number} of project {delivery.project.number}"


# What `person` may do next with a delivery: the buttons, the API's `next_steps` and the
# service's guard answer alike (automatic steps are never offered).
STEPS = StepPolicy(DELIVERY, room_refusal, describe)
step_refusal = STEPS.refusal
check_step = STEPS.check
can_step = STEPS.can
next_steps = STEPS.next_steps


def system_refusal(delivery: Delivery, step: str) -> Exception | None:
    """Why the system (no person) may not take `step` now: its state and the room's rules."""
    transition = DELIVERY.step(step)
    wrong_state = DELIVERY.state_refusal(delivery.state_enum, transition, describe(delivery))
    return wrong_state or room_refusal(delivery, None, transition)


def check_record_time(person: Any, delivery: Delivery) -> None:
    """R18: staff who deliver data book their time on a delivery that is not discarded."""
    if not holds(person, Permission.DELIVER_DATA):
        raise AccessDenied(_("Only staff who deliver data book time on a delivery."))
    if delivery.state_enum in (DeliveryState.DISCARDED, DeliveryState.DELETED):
        raise RuleViolation(
            "R18",
            "state",
            _("Delivery %(delivery)s is %(state)s; no time is booked on it.")
            % {"delivery": delivery.number, "state": delivery.state_enum.label.lower()},
        )


def can_record_time(person: Any, delivery: Delivery) -> bool:
    return passes(lambda: check_record_time(person, delivery))


# External data (R15) ------------------------------------------------------------------------

UPLOADABLE = frozenset({DeliveryState.PLANNED, DeliveryState.FAILED})
LIVE_UPLOADS = (ExternalUpload.State.ISSUED, ExternalUpload.State.RECEIVED)


def sources(delivery: Delivery) -> list[str]:
    """The external sources the delivery's scope names."""
    return [str(s) for s in (delivery.scope or {}).get("external_data") or [] if str(s).strip()]


def external_refusal(delivery: Delivery) -> Exception | None:
    """R15: every source the scope names has arrived and been checked (with its agreement
    reference on file) before the delivery is processed."""
    arrived = set(
        ExternalUpload.objects.filter(
            delivery=delivery, state=ExternalUpload.State.RECEIVED
        ).values_list("source", flat=True)
    )
    missing = [s for s in sources(delivery) if s not in arrived]
    if missing:
        return RuleViolation(
            "R15",
            "external_data",
            _(
                "The external data %(sources)s named in the approved scope of %(project)s have "
                "not arrived and been checked; send the data owner an upload link from the "
                "delivery page."
            )
            % {"sources": ", ".join(repr(s) for s in missing), "project": delivery.project.number},
        )
    return None


def check_issue_link(person: Any, delivery: Delivery) -> None:
    """Staff who deliver data (outside the project) make an upload link for a delivery not yet
    delivered, whose scope names external data."""
    refusal = _staff_refusal(person, delivery.project)
    if refusal is not None:
        raise refusal
    if delivery.project.is_closed:
        raise RuleViolation(
            "R25",
            "project",
            _("Project %(project)s is closed.") % {"project": delivery.project.number},
        )
    if delivery.state_enum not in UPLOADABLE:
        raise RuleViolation(
            "R15",
            "state",
            _(
                "Delivery %(delivery)s is %(state)s; external data are sent for a delivery "
                "that is planned (or failed, to run again)."
            )
            % {"delivery": delivery.number, "state": delivery.state_enum.label.lower()},
        )
    if not sources(delivery):
        raise RuleViolation(
            "R15",
            "source",
            _("The approved scope of %(project)s names no external data.")
            % {"project": delivery.project.number},
        )


def can_issue_link(person: Any, delivery: Delivery) -> bool:
    return passes(lambda: check_issue_link(person, delivery))


def check_cancel_upload(person: Any, upload: ExternalUpload) -> None:
    """Staff who deliver data cancel a link not used, or a checked file not yet linked."""
    refusal = _staff_refusal(person, upload.delivery.project)
    if refusal is not None:
        raise refusal
    if upload.state not in LIVE_UPLOADS:
        raise RuleViolation(
            "R15",
            "state",
            _("The upload of %(source)s is %(state)s.")
            % {"source": upload.source, "state": upload.state_label.lower()},
        )


def can_cancel_upload(person: Any, upload: ExternalUpload) -> bool:
    return passes(lambda: check_cancel_upload(person, upload))


def check_take_scrambling_key(person: Any, upload: ExternalUpload) -> None:
    """Staff who deliver data (outside the project) take a link's scrambling-key file while
    the link waits for the owner's file."""
    refusal = _staff_refusal(person, upload.delivery.project)
    if refusal is not None:
        raise refusal
    if upload.keyed_by != "serial" or upload.state != ExternalUpload.State.ISSUED:
        raise RuleViolation(
            "R15",
            "scrambling_key",
            _("The upload of %(source)s has no scrambling-key file waiting to be sent.")
            % {"source": upload.source},
        )


def can_take_scrambling_key(person: Any, upload: ExternalUpload) -> bool:
    return passes(lambda: check_take_scrambling_key(person, upload))


def check_use_link(upload: ExternalUpload | None, now: Any = None) -> None:
    """The anonymous upload page's own check: the token found a link that is unused, not
    expired, for a delivery still waiting and a project still open. The refusal says no more
    than that the link cannot be used (it does not tell which reason to a stranger)."""
    now = now or timezone.now()
    usable = (
        upload is not None
        and upload.state == ExternalUpload.State.ISSUED
        and upload.expires_at > now
        and upload.delivery.state_enum in UPLOADABLE
        and not upload.delivery.project.is_closed
    )
    if not usable:
        raise AccessDenied(
            _(
                "This upload link cannot be used: it is wrong, used already, expired or "
                "withdrawn. Ask the statistics office for a new one."
            ),
            status=404,
        )


def can_use_link(upload: ExternalUpload | None, now: Any = None) -> bool:
    return passes(lambda: check_use_link(upload, now))


def check_see_uploads(person: Any, delivery: Delivery) -> None:
    """Members see that external data arrived; staff who read projects see the details."""
    check_see_delivery(person, delivery)


def can_see_upload_details(person: Any, delivery: Delivery) -> bool:
    """The link's state, who made it, the file's name and counts: the office's staff only."""
    return holds(person, Permission.DELIVER_DATA) or holds(
        person, Permission.VIEW_PROJECT_APPLICATIONS
    )


# Re-identification (R14) ------------------------------------------------------------------

DECIDERS = (Permission.DELIVER_DATA, Permission.DECIDE_PROJECT_APPLICATIONS)


def _outside(person: Any, project: Project, what: str) -> None:
    if is_in_project(person, project):
        raise RuleViolation(
            "R14",
            "project",
            _("You are a member of project %(project)s; someone outside it %(what)s.")
            % {"project": project.number, "what": what},
        )


def check_ask_reidentification(person: Any, project: Project) -> None:
    """Staff who deliver data, outside the project, ask (with a reason)."""
    if not holds(person, Permission.DELIVER_DATA):
        raise AccessDenied(_("Only staff who deliver data ask to re-identify a pseudonym."))
    _outside(person, project, _("asks to re-identify its pseudonyms"))


def can_ask_reidentification(person: Any, project: Project) -> bool:
    return passes(lambda: check_ask_reidentification(person, project))


def check_decide_reidentification(person: Any, item: Reidentification) -> None:
    """A second person: staff who deliver data or decide applications, outside the project,
    not the one who asked, while the question waits."""
    if not any(holds(person, p) for p in DECIDERS):
        raise AccessDenied(_("Only staff who deliver data or decide applications decide this."))
    _outside(person, item.project, _("decides on re-identifying its pseudonyms"))
    if item.asked_by_id == pk_of(person):
        raise RuleViolation(
            "R14",
            "decided_by",
            _("Four eyes: you asked for this re-identification; a second person decides it."),
        )
    if item.state != Reidentification.State.ASKED:
        raise RuleViolation("R14", "state", _("This re-identification has been decided already."))


def can_decide_reidentification(person: Any, item: Reidentification) -> bool:
    return passes(lambda: check_decide_reidentification(person, item))


def check_reveal(person: Any, item: Reidentification) -> None:
    """The one who asked sees the person number once, after a second person approved."""
    if item.asked_by_id != pk_of(person) or not holds(person, Permission.DELIVER_DATA):
        raise AccessDenied(_("Only the member of staff who asked sees the person number."))
    _outside(person, item.project, _("sees the person behind its pseudonyms"))
    if item.state != Reidentification.State.APPROVED:
        raise RuleViolation(
            "R14",
            "state",
            _(
                "The person number is shown once, after a second person approved; this "
                "re-identification is %(state)s."
            )
            % {"state": item.get_state_display().lower()},
        )


def can_reveal(person: Any, item: Reidentification) -> bool:
    return passes(lambda: check_reveal(person, item))


def check_see_reidentifications(person: Any) -> None:
    if not any(holds(person, p) for p in DECIDERS):
        raise AccessDenied(_("Re-identifications are seen by the staff who ask and decide them."))


def can_see_reidentifications(person: Any) -> bool:
    return passes(lambda: check_see_reidentifications(person))
