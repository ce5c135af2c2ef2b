"""The authorisation case as a state machine, defined as data (process 1 of the research service).

Each transition names the states it leaves, the state it reaches, the permission its actor
needs, the audit action it writes and the earlier actors who may not take it (four eyes).
The services layer (`services/authorisation.py`) is the only code that walks this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fivesafes.policy.permissions import Permission


class CaseState(StrEnum):
    APPLIED = "applied"
    UNDER_EVALUATION = "under_evaluation"
    AGREEMENT_PREPARED = "agreement_prepared"
    RECOMMENDED = "recommended"
    APPROVED = "approved"
    REFUSED = "refused"
    SENT = "sent"
    SIGNED = "signed"
    REGISTERED = "registered"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    TERMINATED = "terminated"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# States in which the case is finished and nothing more happens to it.
FINAL_STATES = frozenset({CaseState.REFUSED, CaseState.EXPIRED, CaseState.TERMINATED})
# States in which the case is still being handled by the office (for lists and due dates).
OPEN_STATES = frozenset(
    {
        CaseState.APPLIED,
        CaseState.UNDER_EVALUATION,
        CaseState.AGREEMENT_PREPARED,
        CaseState.RECOMMENDED,
        CaseState.APPROVED,
        CaseState.SENT,
        CaseState.SIGNED,
    }
)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[CaseState]
    target: CaseState
    permission: Permission
    audit_action: str
    # Fields of the case holding earlier actors who may not take this step (four eyes).
    not_by: tuple[str, ...] = ()
    # The field of the case that records who took this step.
    actor_field: str | None = None


def _t(
    name: str,
    label: str,
    sources: set[CaseState],
    target: CaseState,
    permission: Permission,
    *,
    not_by: tuple[str, ...] = (),
    actor_field: str | None = None,
) -> Transition:
    return Transition(
        name=name,
        label=label,
        sources=frozenset(sources),
        target=target,
        permission=permission,
        audit_action=f"authorisation.{name}",
        not_by=not_by,
        actor_field=actor_field,
    )


S = CaseState
P = Permission

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t(
            "start_evaluation",
            "Start evaluation",
            {S.APPLIED},
            S.UNDER_EVALUATION,
            P.EVALUATE_AUTHORISATIONS,
            actor_field="case_handler",
        ),
        _t(
            "prepare_agreement",
            "Prepare the agreement",
            {S.UNDER_EVALUATION},
            S.AGREEMENT_PREPARED,
            P.EVALUATE_AUTHORISATIONS,
            actor_field="prepared_by",
        ),
        _t(
            "recommend",
            "Recommend for approval",
            {S.AGREEMENT_PREPARED},
            S.RECOMMENDED,
            P.EVALUATE_AUTHORISATIONS,
            actor_field="recommended_by",
        ),
        _t(
            "approve",
            "Approve and sign for the office",
            {S.RECOMMENDED},
            S.APPROVED,
            P.DECIDE_AUTHORISATIONS,
            not_by=("prepared_by", "recommended_by", "case_handler"),
            actor_field="decided_by",
        ),
        _t(
            "refuse",
            "Refuse",
            {S.RECOMMENDED, S.UNDER_EVALUATION, S.AGREEMENT_PREPARED},
            S.REFUSED,
            P.DECIDE_AUTHORISATIONS,
            not_by=("prepared_by", "recommended_by", "case_handler"),
            actor_field="decided_by",
        ),
        _t(
            "send",
            "Send to the institution",
            {S.APPROVED},
            S.SENT,
            P.REGISTER_AUTHORISATIONS,
            actor_field="sent_by",
        ),
        _t(
            "sign",
            "Sign for the institution",
            {S.SENT},
            S.SIGNED,
            P.SIGN_FOR_INSTITUTION,
            actor_field="signed_by",
        ),
        _t(
            "register",
            "Register the institution",
            {S.SIGNED},
            S.REGISTERED,
            P.REGISTER_AUTHORISATIONS,
            actor_field="registered_by",
        ),
        _t(
            "withdraw",
            "Withdraw the authorisation",
            {S.REGISTERED},
            S.WITHDRAWN,
            P.DECIDE_SANCTIONS,
        ),
        _t(
            "reinstate",
            "Reinstate after the withdrawal period",
            {S.WITHDRAWN},
            S.REGISTERED,
            P.DECIDE_SANCTIONS,
        ),
        _t(
            "expire",
            "Expire at the end of the period",
            {S.REGISTERED, S.WITHDRAWN},
            S.EXPIRED,
            P.REGISTER_AUTHORISATIONS,
        ),
        _t(
            "terminate",
            "Terminate at three months' notice",
            {S.REGISTERED},
            S.TERMINATED,
            P.DECIDE_AUTHORISATIONS,
        ),
        _t(
            "give_notice",
            "Give three months' notice for the institution",
            {S.REGISTERED},
            S.TERMINATED,
            P.SIGN_FOR_INSTITUTION,
        ),
    )
}


def available(state: CaseState) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]
