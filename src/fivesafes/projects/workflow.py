"""The application's lifecycle as a state machine, defined as data (process 3, R16, R17).

draft -> submitted -> under review (questions and answers) -> returned for changes -> ...
-> recommended by a case handler -> approved or refused by a different person; withdrawn by
the applicant until decided. Each transition names its sources, target, the permission of its
actor, the audit action and the earlier actors who may not take it (four eyes, R17). A change
request (R16) walks the same table. The table is data over `fivesafes.shared.workflow`;
`services/decisions.py` walks it with the shared walker and the room's per-step hooks.
"""

from __future__ import annotations

from fivesafes.policy.permissions import Permission
from fivesafes.shared.labels import Labelled, gettext_noop
from fivesafes.shared.workflow import StateMachine, Steps, Transition, machine


class ApplicationState(Labelled):
    DRAFT = "draft", gettext_noop("Draft")
    SUBMITTED = "submitted", gettext_noop("Submitted")
    UNDER_REVIEW = "under_review", gettext_noop("Under review")
    RETURNED = "returned", gettext_noop("Returned for changes")
    RECOMMENDED = "recommended", gettext_noop("Recommended")
    APPROVED = "approved", gettext_noop("Approved")
    REFUSED = "refused", gettext_noop("Refused")
    WITHDRAWN = "withdrawn", gettext_noop("Withdrawn")


# The applicant may edit the application in these states.
EDITABLE_STATES = frozenset({ApplicationState.DRAFT, ApplicationState.RETURNED})
FINAL_STATES = frozenset(
    {ApplicationState.APPROVED, ApplicationState.REFUSED, ApplicationState.WITHDRAWN}
)
# Waiting for the office.
OPEN_STATES = frozenset(
    {ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW, ApplicationState.RECOMMENDED}
)

S = ApplicationState
P = Permission
DECIDERS_EXCLUDED = ("applicant", "case_handler", "recommended_by")


_t = Steps[ApplicationState]("application")


APPLICATION: StateMachine[ApplicationState] = machine(
    name="application",
    subject="an application",
    rule="R17",
    states=ApplicationState,
    initial=S.DRAFT,
    final=FINAL_STATES,
    owners={
        S.DRAFT: "applicant",
        S.RETURNED: "applicant",
        S.SUBMITTED: "case handler",
        S.UNDER_REVIEW: "case handler",
        S.RECOMMENDED: "approver",
    },
    four_eyes_field="decided_by",
    transitions=[
        _t(
            "submit",
            gettext_noop("Submit the application"),
            {S.DRAFT, S.RETURNED},
            S.SUBMITTED,
            P.APPLY_FOR_PROJECTS,
            owner_field="applicant",
        ),
        _t(
            "start_review",
            gettext_noop("Start the review"),
            {S.SUBMITTED},
            S.UNDER_REVIEW,
            P.REVIEW_PROJECT_APPLICATIONS,
            actor_field="case_handler",
            not_by=("applicant",),
        ),
        _t(
            "recommend_fast_track",
            gettext_noop("Recommend on the fast track"),
            {S.SUBMITTED},
            S.RECOMMENDED,
            P.REVIEW_PROJECT_APPLICATIONS,
            actor_field="recommended_by",
            not_by=("applicant",),
            note_field="recommendation",
        ),
        _t(
            "return_for_changes",
            gettext_noop("Return for changes"),
            {S.UNDER_REVIEW, S.RECOMMENDED},
            S.RETURNED,
            P.REVIEW_PROJECT_APPLICATIONS,
            not_by=("applicant",),
            needs_note=True,
        ),
        _t(
            "recommend",
            gettext_noop("Recommend approval"),
            {S.UNDER_REVIEW},
            S.RECOMMENDED,
            P.REVIEW_PROJECT_APPLICATIONS,
            actor_field="recommended_by",
            not_by=("applicant",),
            needs_note=True,
            note_field="recommendation",
        ),
        _t(
            "approve",
            gettext_noop("Approve"),
            {S.RECOMMENDED},
            S.APPROVED,
            P.DECIDE_PROJECT_APPLICATIONS,
            actor_field="decided_by",
            not_by=DECIDERS_EXCLUDED,
        ),
        _t(
            "refuse",
            gettext_noop("Refuse"),
            {S.UNDER_REVIEW, S.RECOMMENDED},
            S.REFUSED,
            P.DECIDE_PROJECT_APPLICATIONS,
            actor_field="decided_by",
            not_by=DECIDERS_EXCLUDED,
            needs_note=True,
        ),
        _t(
            "withdraw",
            gettext_noop("Withdraw the application"),
            {S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.RECOMMENDED},
            S.WITHDRAWN,
            P.APPLY_FOR_PROJECTS,
            owner_field="applicant",
        ),
    ],
)

TRANSITIONS = APPLICATION.transitions

# Steps that move a change request towards changing its project: refused once it is closed.
CHANGING_STEPS = frozenset(
    {"submit", "start_review", "recommend", "recommend_fast_track", "approve"}
)
# The wizard's last page submits; the application page offers the other steps.
WIZARD_STEPS = frozenset({"submit"})


class ProjectState(Labelled):
    """A project is active from its approval until it closes (R25)."""

    ACTIVE = "active", gettext_noop("Active")
    CLOSED = "closed", gettext_noop("Closed")


def _closing(
    name: str, label: str, permission: Permission, **options: object
) -> Transition[ProjectState]:
    """Every way of closing leaves the active state and writes "project.closed"."""
    return Transition(
        name=name,
        words=label,
        sources=frozenset({ProjectState.ACTIVE}),
        target=ProjectState.CLOSED,
        permission=permission,
        audit_action="project.closed",
        **options,  # type: ignore[arg-type]
    )


# Closing a project (R25): staff who close projects, the responsible researcher, or the daily
# job once the end date has passed. `services/closure.py` walks it with the shared walker.
PROJECT: StateMachine[ProjectState] = machine(
    name="project",
    subject="a project",
    rule="R25",
    states=ProjectState,
    initial=ProjectState.ACTIVE,
    final={ProjectState.CLOSED},
    owners={ProjectState.ACTIVE: "responsible researcher"},
    transitions=[
        _closing(
            "close", gettext_noop("Close the project"), P.CLOSE_PROJECTS, actor_field="closed_by"
        ),
        _closing(
            "close_own",
            gettext_noop("Close the project"),
            P.APPLY_FOR_PROJECTS,
            actor_field="closed_by",
            owner_field="responsible",
        ),
        _closing("end", gettext_noop("Close at the end date"), P.CLOSE_PROJECTS, automatic=True),
    ],
)


class QuoteState(Labelled):
    """A quote is offered, then accepted by the institution's manager or superseded by a new
    offer (R18)."""

    OFFERED = "offered", gettext_noop("Offered")
    ACCEPTED = "accepted", gettext_noop("Accepted")
    SUPERSEDED = "superseded", gettext_noop("Superseded")


# The quote (R18): `services/pricing.py` walks it with the shared walker; its events are kept
# with the application, so the application's history shows them.
QUOTE: StateMachine[QuoteState] = machine(
    name="quote",
    subject="a quote",
    rule="R18",
    states=QuoteState,
    initial=QuoteState.OFFERED,
    final={QuoteState.ACCEPTED, QuoteState.SUPERSEDED},
    owners={QuoteState.OFFERED: "institution manager"},
    transitions=[
        Transition(
            name="accept",
            words=gettext_noop("Accept the quote"),
            sources=frozenset({QuoteState.OFFERED}),
            target=QuoteState.ACCEPTED,
            permission=P.ACCEPT_QUOTES,
            audit_action="quote.accepted",
            actor_field="accepted_by",
        ),
        Transition(
            name="supersede",
            words=gettext_noop("Supersede the quote"),
            sources=frozenset({QuoteState.OFFERED}),
            target=QuoteState.SUPERSEDED,
            permission=P.REVIEW_PROJECT_APPLICATIONS,
            audit_action="quote.superseded",
        ),
    ],
)


class ScrutinyState(Labelled):
    """A registered publication waits for the office's scrutiny, which finds no objection or
    objects (R23)."""

    PENDING = "pending", gettext_noop("Waiting for scrutiny")
    NO_OBJECTION = "no_objection", gettext_noop("No objection")
    OBJECTION = "objection", gettext_noop("Objection")


def _scrutiny(name: ScrutinyState, label: str, **options: object) -> Transition[ScrutinyState]:
    """A scrutiny outcome: from pending to the outcome, written as "publication.<outcome>"."""
    outcome = Steps[ScrutinyState]("publication")
    return outcome(
        name.value,
        label,
        {ScrutinyState.PENDING},
        name,
        P.RECORD_SCRUTINY,
        actor_field="scrutinised_by",
        note_field="scrutiny_note",
        **options,
    )


# The scrutiny of a publication (R23), kept in its `scrutiny` field: `services/closure.py`
# walks it with the shared walker; the events are kept with the project.
PUBLICATION: StateMachine[ScrutinyState] = machine(
    name="publication",
    subject="a publication",
    rule="R23",
    states=ScrutinyState,
    initial=ScrutinyState.PENDING,
    final={ScrutinyState.NO_OBJECTION, ScrutinyState.OBJECTION},
    owners={ScrutinyState.PENDING: "staff who record scrutiny"},
    state_field="scrutiny",
    transitions=[
        _scrutiny(ScrutinyState.NO_OBJECTION, gettext_noop("Record no objection")),
        _scrutiny(ScrutinyState.OBJECTION, gettext_noop("Record an objection"), needs_note=True),
    ],
)
