"""The application's lifecycle as a state machine, defined as data (process 3, R16, R17).

draft -> submitted -> under review (questions and answers) -> returned for changes -> ...
-> recommended by a case handler -> approved or refused by a different person; withdrawn by
the applicant until decided. Each transition names its sources, target, the permission of its
actor, the audit action and the earlier actors who may not take it (four eyes, R17). A change
request (R16) walks the same table. `services/decisions.py` is the only code that walks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fivesafes.policy.permissions import Permission


class ApplicationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    RETURNED = "returned"
    RECOMMENDED = "recommended"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    ApplicationState.DRAFT: "Draft",
    ApplicationState.SUBMITTED: "Submitted",
    ApplicationState.UNDER_REVIEW: "Under review",
    ApplicationState.RETURNED: "Returned for changes",
    ApplicationState.RECOMMENDED: "Recommended",
    ApplicationState.APPROVED: "Approved",
    ApplicationState.REFUSED: "Refused",
    ApplicationState.WITHDRAWN: "Withdrawn",
}

# The applicant may edit the application in these states.
EDITABLE_STATES = frozenset({ApplicationState.DRAFT, ApplicationState.RETURNED})
FINAL_STATES = frozenset(
    {ApplicationState.APPROVED, ApplicationState.REFUSED, ApplicationState.WITHDRAWN}
)
# Waiting for the office.
OPEN_STATES = frozenset(
    {ApplicationState.SUBMITTED, ApplicationState.UNDER_REVIEW, ApplicationState.RECOMMENDED}
)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[ApplicationState]
    target: ApplicationState
    permission: Permission
    audit_action: str
    # Fields of the application holding earlier actors who may not take this step (four eyes).
    not_by: tuple[str, ...] = ()
    # The field recording who took this step.
    actor_field: str | None = None
    # Only the applicant may take it (submit, withdraw).
    applicant_only: bool = False
    # The step needs a note (a reason to return, refuse, recommend).
    needs_note: bool = False


S = ApplicationState
P = Permission
DECIDERS_EXCLUDED = ("applicant", "case_handler", "recommended_by")


def _t(
    name: str,
    label: str,
    sources: set[ApplicationState],
    target: ApplicationState,
    permission: Permission,
    **options: object,
) -> Transition:
    return Transition(
        name=name,
        label=label,
        sources=frozenset(sources),
        target=target,
        permission=permission,
        audit_action=f"application.{name}",
        **options,  # type: ignore[arg-type]
    )


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t(
            "submit",
            "Submit the application",
            {S.DRAFT, S.RETURNED},
            S.SUBMITTED,
            P.APPLY_FOR_PROJECTS,
            applicant_only=True,
        ),
        _t(
            "start_review",
            "Start the review",
            {S.SUBMITTED},
            S.UNDER_REVIEW,
            P.REVIEW_PROJECT_APPLICATIONS,
            actor_field="case_handler",
            not_by=("applicant",),
        ),
        _t(
            "recommend_fast_track",
            "Recommend on the fast track",
            {S.SUBMITTED},
            S.RECOMMENDED,
            P.REVIEW_PROJECT_APPLICATIONS,
            actor_field="recommended_by",
            not_by=("applicant",),
        ),
        _t(
            "return_for_changes",
            "Return for changes",
            {S.UNDER_REVIEW, S.RECOMMENDED},
            S.RETURNED,
            P.REVIEW_PROJECT_APPLICATIONS,
            not_by=("applicant",),
            needs_note=True,
        ),
        _t(
            "recommend",
            "Recommend approval",
            {S.UNDER_REVIEW},
            S.RECOMMENDED,
            P.REVIEW_PROJECT_APPLICATIONS,
            actor_field="recommended_by",
            not_by=("applicant",),
            needs_note=True,
        ),
        _t(
            "approve",
            "Approve",
            {S.RECOMMENDED},
            S.APPROVED,
            P.DECIDE_PROJECT_APPLICATIONS,
            actor_field="decided_by",
            not_by=DECIDERS_EXCLUDED,
        ),
        _t(
            "refuse",
            "Refuse",
            {S.UNDER_REVIEW, S.RECOMMENDED},
            S.REFUSED,
            P.DECIDE_PROJECT_APPLICATIONS,
            actor_field="decided_by",
            not_by=DECIDERS_EXCLUDED,
            needs_note=True,
        ),
        _t(
            "withdraw",
            "Withdraw the application",
            {S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.RECOMMENDED},
            S.WITHDRAWN,
            P.APPLY_FOR_PROJECTS,
            applicant_only=True,
        ),
    )
}


def available(state: ApplicationState) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]
