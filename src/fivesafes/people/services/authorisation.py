"""Process 1: an institution applies, the office evaluates, prepares, decides, sends, registers.

`take_step` walks the state machine of `people/workflow.py`; the other functions record what a
step needs (credibility assessment, questions and answers, exemption). Every function runs in
one transaction with its audit event.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes import files
from fivesafes.accounts.models import User
from fivesafes.audit.services import record
from fivesafes.people import queries, rules
from fivesafes.people.models import Authorisation, ClarifyingQuestion, Institution, SignatureEvent
from fivesafes.people.workflow import CASE, FINAL_STATES, CaseState
from fivesafes.policy import authorisations as policy
from fivesafes.policy.institutions import check_apply_again
from fivesafes.policy.permissions import Permission
from fivesafes.shared.refusals import Finding, RuleViolation, refuse_if, written
from fivesafes.shared.services import answer_once, ask, change, lock, require, snapshot
from fivesafes.shared.workflow import Hook, Hooks, Step
from fivesafes.shared.workflow import take_step as walk

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

EVALUATION_DAYS = 30
DEFAULT_YEARS = 5


def _locked(authorisation: Authorisation) -> Authorisation:
    return lock(authorisation, "institution")


def group_size(research_group: str) -> int:
    return len([line for line in research_group.splitlines() if line.strip()])


def eligibility(authorisation: Authorisation) -> list[Finding]:
    institution = authorisation.institution
    return rules.eligibility_findings(
        rules.InstitutionFacts(
            kind=institution.kind_enum,
            country=institution.country,
            has_manager=institution.manager_id is not None,
            researcher_count=group_size(authorisation.research_group),
        )
    )


def _check_group(research_group: str) -> None:
    """R5: a group of researchers applies, never a single person."""
    if group_size(research_group) < 2:
        raise RuleViolation(
            "R5",
            "research_group",
            _(
                "List the group of researchers (at least two, one per line): no authorisation "
                "to single persons."
            ),
        )


def _open_case(
    institution: Institution,
    application_text: str,
    research_group: str,
    actor: User,
    request: HttpRequest | None,
    *,
    again: bool = False,
) -> Authorisation:
    """A new case of `institution`, due for evaluation in `EVALUATION_DAYS`, recorded as applied
    (`again` for a known institution)."""
    case = Authorisation.objects.create(
        institution=institution,
        application_text=application_text,
        research_group=research_group,
        applied_by=actor,
        due_on=timezone.localdate() + timedelta(days=EVALUATION_DAYS),
    )
    record(
        action="authorisation.applied",
        actor=actor,
        obj=case,
        after={"state": case.state, "due_on": case.due_on},
        data={"again": True} if again else None,
        request=request,
    )
    return case


def apply(
    *,
    actor: User,
    name: str,
    kind: str,
    country: str,
    recognition: str,
    address: str,
    application_text: str,
    research_group: str,
    request: HttpRequest | None = None,
) -> Authorisation:
    """An institution's manager applies; the institution is created with them as manager."""
    require(actor, Permission.APPLY_FOR_AUTHORISATION)
    try:
        kind_enum = rules.InstitutionKind(kind)
    except ValueError:
        raise RuleViolation(
            "R2", "kind", _("'%(kind)s' is not a kind of institution.") % {"kind": kind}
        ) from None
    if kind_enum == rules.InstitutionKind.FOREIGN or country.upper() != rules.DOMESTIC_COUNTRY:
        refuse_if(
            [
                Finding(
                    "R7",
                    "country",
                    _(
                        "Institutions abroad cannot be authorised. A foreign researcher is "
                        "affiliated to an authorised domestic institution instead."
                    ),
                )
            ]
        )
    _check_group(research_group)
    with transaction.atomic():
        if Institution.objects.filter(name__iexact=name.strip()).exists():
            raise RuleViolation(
                "R1",
                "name",
                _(
                    "An institution named '%(name)s' already exists; its manager applies again "
                    "from the institution's page."
                )
                % {"name": name},
            )
        institution = Institution.objects.create(
            name=name.strip(),
            kind=kind_enum.value,
            country=country.upper(),
            recognition=recognition,
            address=address,
            manager=actor,
        )
        record(
            action="institution.created",
            actor=actor,
            obj=institution,
            after=snapshot(institution, ("name", "kind", "country", "recognition", "manager")),
            request=request,
        )
        return _open_case(institution, application_text, research_group, actor, request)


def apply_again(
    *,
    actor: User,
    institution: Institution,
    application_text: str,
    research_group: str,
    request: HttpRequest | None = None,
) -> Authorisation:
    """The manager of a known institution applies anew: to renew an authorisation before it
    ends, or after it expired, was terminated or refused. The new case is evaluated like the
    first; agreements made under the old authorisation lapse when the new one takes over (R8).
    """
    require(actor, Permission.APPLY_FOR_AUTHORISATION)
    check_apply_again(actor, institution)
    text = written(
        application_text, "R6", "application_text", _("Describe the research environment.")
    )
    _check_group(research_group)
    with transaction.atomic():
        institution = lock(institution)
        open_case = institution.authorisations.open().first()
        if open_case is not None:
            raise RuleViolation(
                "R1",
                "institution",
                _(
                    "Case A-%(case)s of %(institution)s is still being handled ('%(state)s'); "
                    "follow it instead of applying again."
                )
                % {
                    "case": open_case.pk,
                    "institution": institution,
                    "state": open_case.state_enum.label,
                },
            )
        withdrawal = queries.withdrawal_in_force(institution)
        if withdrawal is not None:
            raise RuleViolation(
                "R24",
                "institution",
                _(
                    "%(institution)s's authorisation is withdrawn until %(until)s after a "
                    "breach; it may apply again after that."
                )
                % {"institution": institution, "until": withdrawal.ends_on},
            )
        return _open_case(institution, text, research_group, actor, request, again=True)


def record_credibility(
    *,
    actor: User,
    authorisation: Authorisation,
    assessment: str,
    request: HttpRequest | None = None,
) -> Authorisation:
    """R6: the case handler's assessment of the applicant's credibility."""
    require(actor, Permission.EVALUATE_AUTHORISATIONS)
    text = written(
        assessment, "R6", "credibility_assessment", _("Write the credibility assessment.")
    )
    with transaction.atomic():
        case = _locked(authorisation)
        policy.check_evaluate(actor, case, "The credibility assessment is recorded")
        case.changed_at = timezone.now()
        change(
            case,
            {"credibility_assessment": text},
            audit_action="authorisation.credibility_assessed",
            actor=actor,
            request=request,
            stamped=("changed_at",),
        )
    return case


def ask_question(
    *, actor: User, authorisation: Authorisation, question: str, request: HttpRequest | None = None
) -> ClarifyingQuestion:
    require(actor, Permission.EVALUATE_AUTHORISATIONS)
    text = written(question, "R6", "question", _("Write the question."))
    with transaction.atomic():
        case = _locked(authorisation)
        policy.check_evaluate(actor, case, "Questions are asked")
        return ask(
            ClarifyingQuestion(authorisation=case, question=text, asked_by=actor),
            audit_action="authorisation.question_asked",
            request=request,
        )


def answer_question(
    *, actor: User, question: ClarifyingQuestion, answer: str, request: HttpRequest | None = None
) -> ClarifyingQuestion:
    """Only the applying institution's manager answers, once."""
    require(actor, Permission.APPLY_FOR_AUTHORISATION)
    text = written(answer, "R6", "answer", _("Write the answer."))
    with transaction.atomic():
        asked = lock(question, "authorisation__institution")
        policy.check_answer(actor, asked)
        return answer_once(
            asked,
            text,
            actor,
            rule="R6",
            audit_action="authorisation.question_answered",
            request=request,
        )


def grant_exemption(
    *,
    actor: User,
    authorisation: Authorisation,
    reason: str,
    client_is_public_or_eligible_ngo: bool,
    guarantee: UploadedFile | None,
    request: HttpRequest | None = None,
) -> Authorisation:
    """R3: the approver's decision to exempt a consultancy firm, with the client's written
    guarantee of correct use attached (PDF, text or a scan, checked by content)."""
    from fivesafes.people.services.files import check_upload, store_checked

    require(actor, Permission.DECIDE_AUTHORISATIONS)
    with files.kept_if_committed(), transaction.atomic():
        case = _locked(authorisation)
        refuse_if(
            rules.exemption_findings(
                case.institution.kind_enum,
                client_is_public_or_eligible_ngo=client_is_public_or_eligible_ngo,
                has_written_guarantee=guarantee is not None,
            )
        )
        if not reason.strip():
            raise RuleViolation("R3", "reason", _("Name the client and the assignment."))
        if case.business_data_exemption:
            raise RuleViolation("R3", "state", _("The exemption has been granted already."))
        if case.state_enum in FINAL_STATES:
            raise RuleViolation(
                "R3",
                "state",
                _("A case that is '%(state)s' takes no exemption.")
                % {"state": case.state_enum.label},
            )
        checked = check_upload(guarantee, rule="R3", field="guarantee")
        case.business_data_exemption = True
        case.exemption_reason = reason.strip()
        case.exemption_decided_by = actor
        case.exemption_decided_at = timezone.now()
        case.exemption_guarantee_sha256 = checked.sha256
        case.exemption_guarantee.name = store_checked(checked, "people/guarantees")
        case.changed_at = timezone.now()
        case.save(
            update_fields=[
                "business_data_exemption",
                "exemption_reason",
                "exemption_guarantee",
                "exemption_guarantee_sha256",
                "exemption_decided_by",
                "exemption_decided_at",
                "changed_at",
            ]
        )
        record(
            action="authorisation.exemption_granted",
            actor=actor,
            obj=case,
            after={
                "business_data_exemption": True,
                "exemption_reason": case.exemption_reason,
                "guarantee_sha256": checked.sha256,
            },
            request=request,
        )
    return case


def _renewal_start(case: Authorisation) -> date | None:
    """A renewal starts, unless told otherwise, the day after the authorisation in force ends,
    so the agreements under it run their course."""
    current = case.institution.current_authorisation()
    if current is None or current.pk == case.pk or current.valid_until is None:
        return None
    return current.valid_until + timedelta(days=1)


def _guard(step: Step[Any]) -> None:
    """The policy's answer for a person (the sweep, `actor=None`, has no one to ask)."""
    if step.actor is not None:
        policy.check_step(step.actor, step.obj, step.transition.name)


def _check_ready_to_prepare(step: Step[Any]) -> None:
    """R6, R1: eligible, assessed, every question answered; the period set (default five
    years, a renewal from the day after the authorisation in force ends)."""
    case: Authorisation = step.obj
    refuse_if(eligibility(case))
    if not case.credibility_assessment:
        raise RuleViolation(
            "R6", "credibility_assessment", _("Record the credibility assessment first.")
        )
    if case.questions.filter(answered_at__isnull=True).exists():
        raise RuleViolation("R6", "questions", _("A clarifying question is still unanswered."))
    start = step.options.get("valid_from") or _renewal_start(case) or timezone.localdate()
    end = step.options.get("valid_until") or rules.add_years(start, DEFAULT_YEARS)
    if end <= start:
        raise RuleViolation("R1", "valid_until", _("The authorisation must end after it starts."))
    case.valid_from, case.valid_until = start, end
    step.fields += ["valid_from", "valid_until"]


def _store_agreement(step: Step[Any]) -> None:
    from fivesafes.people.services.document import store_agreement

    case: Authorisation = step.obj
    case.agreement_document, case.agreement_sha256, case.agreement_language = store_agreement(case)
    case.save(update_fields=["agreement_document", "agreement_sha256", "agreement_language"])


def _check_eligible(step: Step[Any]) -> None:
    refuse_if(eligibility(step.obj))


def _signature(party: str) -> Hook:
    """The party's signature on the agreement document, naming its hash."""

    def sign(step: Step[Any]) -> None:
        SignatureEvent.objects.create(
            authorisation=step.obj,
            party=party,
            signer=step.actor,
            document_sha256=step.obj.agreement_sha256,
        )

    return sign


def _check_withdrawal_over(step: Step[Any]) -> None:
    withdrawn_until = step.obj.withdrawn_until
    if withdrawn_until and withdrawn_until >= timezone.localdate():
        raise RuleViolation(
            "R24",
            "withdrawn_until",
            _(
                "The authorisation was withdrawn after a breach until %(until)s; it is "
                "reinstated only after that."
            )
            % {"until": withdrawn_until},
        )


def _check_period_over(step: Step[Any]) -> None:
    valid_until = step.obj.valid_until
    if valid_until is not None and valid_until >= timezone.localdate():
        raise RuleViolation(
            "R1",
            "valid_until",
            _(
                "The authorisation runs until %(until)s; it expires only after that. To end it "
                "earlier, an approver terminates it (three months' notice) or withdraws it."
            )
            % {"until": valid_until},
        )


def _notice(step: Step[Any]) -> None:
    """Three months' notice from today, or the end of the period if that comes first."""
    case: Authorisation = step.obj
    today = timezone.localdate()
    case.notice_given_on = today
    case.valid_until = min(case.valid_until or today, rules.add_months(today, 3))
    step.fields += ["notice_given_on", "valid_until"]


def _end_agreements(step: Step[Any]) -> None:
    """The agreements made under a withdrawn or expired authorisation lapse (R8); after a
    termination they run until the notice ends, then lapse."""
    from fivesafes.people.services.agreements import end_agreements_under

    end_agreements_under(
        step.obj,
        reason=_("authorisation %(state)s (R8)") % {"state": step.transition.target.label.lower()},
        actor=step.actor,
    )


HOOKS = Hooks(
    lock=_locked,
    check=_guard,
    before={
        "prepare_agreement": _check_ready_to_prepare,
        "approve": _check_eligible,
        "reinstate": _check_withdrawal_over,
        "expire": _check_period_over,
        "terminate": _notice,
        "give_notice": _notice,
    },
    after={
        "prepare_agreement": _store_agreement,
        "approve": _signature(str(SignatureEvent.Party.OFFICE)),
        "sign": _signature(str(SignatureEvent.Party.INSTITUTION)),
        "withdraw": _end_agreements,
        "expire": _end_agreements,
    },
    snapshot=("state", "valid_from", "valid_until"),
    describe=policy.describe,
)


def take_step(
    *,
    actor: User | None,
    authorisation: Authorisation,
    step: str,
    note: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
    request: HttpRequest | None = None,
) -> Authorisation:
    """Move the case along one transition of its machine, or refuse with the rule.

    `actor=None` is the daily sweep (expiry, reinstatement after a withdrawal)."""
    with files.kept_if_committed():
        case: Authorisation = walk(
            CASE,
            HOOKS,
            obj=authorisation,
            step=step,
            actor=actor,
            note=note,
            request=request,
            valid_from=valid_from,
            valid_until=valid_until,
        )
    return case


def expire_due(*, on: date | None = None) -> int:
    """The daily sweep: registered authorisations past their period become expired."""
    day = on or timezone.localdate()
    count = 0
    for case in Authorisation.objects.filter(
        state__in=[CaseState.REGISTERED, CaseState.TERMINATED, CaseState.WITHDRAWN],
        valid_until__lt=day,
    ):
        if case.state == CaseState.TERMINATED:
            continue  # terminated is final; its period just ran out
        take_step(actor=None, authorisation=case, step="expire")
        count += 1
    return count
