"""The authorisation case as a state machine, defined as data (process 1 of the research service).

A machine over the shared mechanism (`fivesafes.shared.workflow`): each transition names the
states it leaves, the state it reaches, the permission its actor needs, the audit action it
writes, the earlier actors who may not take it (four eyes), the field that stamps who took it
and the field its note is kept in. `owners` says who acts next in each open state. The service
(`services/authorisation.py`) walks it with the shared walker and its per-step hooks; the policy
(`policy/authorisations.py`) answers who may take which step now.
"""

from __future__ import annotations

from fivesafes.policy.permissions import Permission
from fivesafes.shared.labels import Labelled, gettext_noop
from fivesafes.shared.workflow import StateMachine, Steps, machine


class CaseState(Labelled):
    APPLIED = "applied", gettext_noop("Applied")
    UNDER_EVALUATION = "under_evaluation", gettext_noop("Under evaluation")
    AGREEMENT_PREPARED = "agreement_prepared", gettext_noop("Agreement prepared")
    RECOMMENDED = "recommended", gettext_noop("Recommended")
    APPROVED = "approved", gettext_noop("Approved")
    REFUSED = "refused", gettext_noop("Refused")
    SENT = "sent", gettext_noop("Sent")
    SIGNED = "signed", gettext_noop("Signed")
    REGISTERED = "registered", gettext_noop("Registered")
    WITHDRAWN = "withdrawn", gettext_noop("Withdrawn")
    EXPIRED = "expired", gettext_noop("Expired")
    TERMINATED = "terminated", gettext_noop("Terminated")


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


_t = Steps[CaseState]("authorisation")


S = CaseState
P = Permission
# Earlier actors on the case who may not decide it (four eyes).
DECIDERS_EXCLUDED = ("prepared_by", "recommended_by", "case_handler")

CASE: StateMachine[CaseState] = machine(
    name="authorisation",
    subject="the authorisation case",
    rule="R1",
    states=CaseState,
    initial=CaseState.APPLIED,
    final=FINAL_STATES,
    owners={
        S.APPLIED: "case handler",
        S.UNDER_EVALUATION: "case handler",
        S.AGREEMENT_PREPARED: "case handler",
        S.RECOMMENDED: "approver",
        S.APPROVED: "secretary",
        S.SENT: "institution manager",
        S.SIGNED: "secretary",
        S.REGISTERED: "approver",
        S.WITHDRAWN: "approver",
    },
    transitions=[
        _t(
            "start_evaluation",
            gettext_noop("Start evaluation"),
            {S.APPLIED},
            S.UNDER_EVALUATION,
            P.EVALUATE_AUTHORISATIONS,
            actor_field="case_handler",
        ),
        _t(
            "prepare_agreement",
            gettext_noop("Prepare the agreement"),
            {S.UNDER_EVALUATION},
            S.AGREEMENT_PREPARED,
            P.EVALUATE_AUTHORISATIONS,
            actor_field="prepared_by",
        ),
        _t(
            "recommend",
            gettext_noop("Recommend for approval"),
            {S.AGREEMENT_PREPARED},
            S.RECOMMENDED,
            P.EVALUATE_AUTHORISATIONS,
            actor_field="recommended_by",
            note_field="recommendation",
        ),
        _t(
            "approve",
            gettext_noop("Approve and sign for the office"),
            {S.RECOMMENDED},
            S.APPROVED,
            P.DECIDE_AUTHORISATIONS,
            not_by=DECIDERS_EXCLUDED,
            actor_field="decided_by",
            note_field="decision_note",
        ),
        _t(
            "refuse",
            gettext_noop("Refuse"),
            {S.RECOMMENDED, S.UNDER_EVALUATION, S.AGREEMENT_PREPARED},
            S.REFUSED,
            P.DECIDE_AUTHORISATIONS,
            not_by=DECIDERS_EXCLUDED,
            actor_field="decided_by",
            note_field="decision_note",
        ),
        _t(
            "send",
            gettext_noop("Send to the institution"),
            {S.APPROVED},
            S.SENT,
            P.REGISTER_AUTHORISATIONS,
            actor_field="sent_by",
        ),
        _t(
            "sign",
            gettext_noop("Sign for the institution"),
            {S.SENT},
            S.SIGNED,
            P.SIGN_FOR_INSTITUTION,
            actor_field="signed_by",
        ),
        _t(
            "register",
            gettext_noop("Register the institution"),
            {S.SIGNED},
            S.REGISTERED,
            P.REGISTER_AUTHORISATIONS,
            actor_field="registered_by",
        ),
        _t(
            "withdraw",
            gettext_noop("Withdraw the authorisation"),
            {S.REGISTERED},
            S.WITHDRAWN,
            P.DECIDE_SANCTIONS,
        ),
        # An approver reinstates after the withdrawal period, or the daily sweep does.
        _t(
            "reinstate",
            gettext_noop("Reinstate after the withdrawal period"),
            {S.WITHDRAWN},
            S.REGISTERED,
            P.DECIDE_SANCTIONS,
            by_system=True,
        ),
        _t(
            "expire",
            gettext_noop("Expire at the end of the period"),
            {S.REGISTERED, S.WITHDRAWN},
            S.EXPIRED,
            P.REGISTER_AUTHORISATIONS,
            automatic=True,
        ),
        _t(
            "terminate",
            gettext_noop("Terminate at three months' notice"),
            {S.REGISTERED},
            S.TERMINATED,
            P.DECIDE_AUTHORISATIONS,
        ),
        _t(
            "give_notice",
            gettext_noop("Give three months' notice for the institution"),
            {S.REGISTERED},
            S.TERMINATED,
            P.SIGN_FOR_INSTITUTION,
        ),
    ],
)
# The steps by name (the table the tests and the API walk).
TRANSITIONS = CASE.transitions
# Steps only the institution's responsible manager takes, signing for it (Appendix 2).
SIGNATORY_STEPS = frozenset({"sign", "give_notice"})
