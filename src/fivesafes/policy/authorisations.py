"""The authorisation case: who sees it, and the one answer to "which step may this person take".

`next_steps` draws the case page's buttons and lists the API's `next_steps`; `check_step` guards
the page, the API and (through the walker's check hook) the service. Both are the shared
machine's answer (state, permission, four eyes) plus the one rule it cannot know: only the
institution's responsible manager signs for it or gives its notice (Appendix 2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from fivesafes.people.workflow import CASE, SIGNATORY_STEPS, CaseState
from fivesafes.policy.checks import can
from fivesafes.policy.institutions import check_act_for, check_see_institution, is_manager_of
from fivesafes.policy.permissions import Permission
from fivesafes.shared.refusals import RuleViolation, passes
from fivesafes.shared.services import require
from fivesafes.shared.workflow import Transition, refusal_for, steps_for

if TYPE_CHECKING:
    from fivesafes.accounts.models import User
    from fivesafes.people.models import Authorisation, ClarifyingQuestion


def describe(case: Authorisation) -> str:
    """How refusals name the case."""
    return f"Case A-{case.pk}"


def check_see_case(user: User | None, case: Authorisation) -> None:
    """The applying institution's manager and the office's staff see the case."""
    check_see_institution(user, case.institution, _("case"))


def can_see_case(user: User | None, case: Authorisation) -> bool:
    return passes(lambda: check_see_case(user, case))


def _signs_for(user: User | None, case: Authorisation, transition: Transition[CaseState]) -> None:
    if transition.name in SIGNATORY_STEPS:
        check_act_for(
            user,
            case.institution,
            _("signs for it; you cannot sign for another institution"),
        )


def check_step(user: User | None, case: Authorisation, step: str) -> Transition[CaseState]:
    """May `user` take `step` on `case` now? Raises naming the rule and the failed condition:
    the state (R1), the permission, four eyes (R17), the signatory (Appendix 2)."""
    transition = CASE.step(step)
    refusal = refusal_for(CASE, transition, case, user, what=describe(case))
    if refusal is not None:
        raise refusal
    _signs_for(user, case, transition)
    return transition


def can_step(user: User | None, case: Authorisation, step: str) -> bool:
    return passes(lambda: check_step(user, case, step))


def next_steps(user: User | None, case: Authorisation) -> list[Transition[CaseState]]:
    """The steps `user` may take on `case` now, in the table's order (never the sweep's)."""

    def signs_for(transition: Transition[CaseState]) -> bool:
        return transition.name not in SIGNATORY_STEPS or is_manager_of(user, case.institution)

    return steps_for(CASE, case, user, extra=signs_for)


def check_evaluate(user: User | None, case: Authorisation, what: str) -> None:
    """The case handler records the assessment and asks questions while evaluating (R6)."""
    require(user, Permission.EVALUATE_AUTHORISATIONS)
    if case.state != CaseState.UNDER_EVALUATION:
        raise RuleViolation("R6", "state", _("%(what)s while under evaluation.") % {"what": what})


def can_evaluate(user: User | None, case: Authorisation) -> bool:
    return passes(lambda: check_evaluate(user, case, _("Evaluation happens")))


def check_answer(user: User | None, question: ClarifyingQuestion) -> None:
    """Only the applying institution's manager answers its questions, once (R6)."""
    check_act_for(user, question.authorisation.institution, _("answers its questions"))
    if question.answered_at is not None:
        raise RuleViolation("R6", "answer", _("This question has been answered already."))


def can_answer(user: User | None, case: Authorisation) -> bool:
    """Whether `user` answers the questions on `case` (the page shows the answer form)."""
    return is_manager_of(user, case.institution) and can(user, Permission.APPLY_FOR_AUTHORISATION)


def can_exempt(user: User | None, case: Authorisation) -> bool:
    """R3: an approver may exempt a consultancy firm that has no exemption yet."""
    return (
        can(user, Permission.DECIDE_AUTHORISATIONS)
        and case.institution.kind == "consultancy"
        and not case.business_data_exemption
    )
