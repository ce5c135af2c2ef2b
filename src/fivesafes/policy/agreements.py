"""The researcher agreement (R8, Appendix 3): who reads it, signs it, countersigns it, ends it.

Each `check_*` raises naming the rule and the failed condition (a `RuleViolation`, or an
`AccessDenied` to read); each `can_*` answers yes or no, for the buttons of the pages.
The services ask the same checks on the locked agreement before they change it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.people import rules
from fivesafes.policy.checks import can
from fivesafes.policy.permissions import Permission
from fivesafes.shared.refusals import RuleViolation, passes, unseen

if TYPE_CHECKING:
    from fivesafes.accounts.models import User
    from fivesafes.people.models import Attachment, ResearcherAgreement

# The rule that makes the manager of the institution the other party to the agreement.
COUNTERPARTY = "Appendix 3"


def _is(user: User | None, pk: int | None) -> bool:
    return user is not None and pk is not None and getattr(user, "pk", None) == pk


def check_read_agreement(user: User | None, agreement: ResearcherAgreement) -> None:
    """The researcher, the manager of the institution and the office's staff read it."""
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if signed_in and (
        _is(user, agreement.researcher_id)
        or _is(user, agreement.authorisation.institution.manager_id)
        or can(user, Permission.VIEW_PEOPLE_CASES)
    ):
        return
    raise unseen(_("agreement"))


def can_read_agreement(user: User | None, agreement: ResearcherAgreement) -> bool:
    return passes(lambda: check_read_agreement(user, agreement))


def check_make_agreement(user: User | None, attachment: Attachment) -> None:
    """The manager of the researcher's institution makes it, once the affiliation is
    accepted (R7)."""
    institution = attachment.institution
    if not _is(user, institution.manager_id):
        raise RuleViolation(
            COUNTERPARTY,
            "institution",
            _(
                "Only the manager of the researcher's institution makes agreements for its "
                "researchers."
            ),
        )
    if not attachment.is_accepted:
        raise RuleViolation("R7", "researcher", _("The affiliation has not been accepted yet."))


def check_sign_agreement(user: User | None, agreement: ResearcherAgreement) -> None:
    """The researcher named in it signs it, once, while it runs (R8)."""
    if not _is(user, agreement.researcher_id):
        raise RuleViolation(
            "R8", "researcher", _("Only the researcher named in the agreement signs it.")
        )
    if agreement.researcher_signed_at is not None or agreement.ended_at is not None:
        raise RuleViolation("R8", "state", _("This agreement cannot be signed now."))


def can_sign_agreement(user: User | None, agreement: ResearcherAgreement) -> bool:
    return passes(lambda: check_sign_agreement(user, agreement))


def check_countersign(user: User | None, agreement: ResearcherAgreement) -> None:
    """The manager of the institution it is made under countersigns, after the researcher."""
    institution = agreement.authorisation.institution
    if not _is(user, institution.manager_id):
        raise RuleViolation(
            COUNTERPARTY,
            "institution",
            _(
                "Only the manager of the institution the agreement is made under countersigns; "
                "you cannot sign for another institution."
            ),
        )
    if agreement.researcher_signed_at is None:
        raise RuleViolation("R8", "state", _("The researcher signs first."))
    if agreement.countersigned_at is not None or agreement.ended_at is not None:
        raise RuleViolation("R8", "state", _("This agreement cannot be countersigned now."))


def can_countersign(user: User | None, agreement: ResearcherAgreement) -> bool:
    return passes(lambda: check_countersign(user, agreement))


def check_give_notice(user: User | None, agreement: ResearcherAgreement) -> None:
    """Either party ends it at three months' notice (Appendix 3, R25): the researcher or the
    manager of the institution it was made under; not once it ended, nor when it ends within
    the notice anyway."""
    institution = agreement.authorisation.institution
    parties = {agreement.researcher_id, institution.manager_id} - {None}
    if user is None or not user.is_authenticated or user.pk not in parties:
        raise RuleViolation(
            COUNTERPARTY,
            "agreement",
            _(
                "Only %(researcher)s or the manager of %(institution)s gives notice on "
                "agreement R-%(agreement)s."
            )
            % {
                "researcher": agreement.researcher,
                "institution": institution,
                "agreement": agreement.pk,
            },
        )
    today = timezone.localdate()
    if agreement.ended_at is not None or agreement.ends_on < today:
        raise RuleViolation(
            "R8",
            "state",
            _("Agreement R-%(agreement)s has ended already.") % {"agreement": agreement.pk},
        )
    if agreement.ends_on <= rules.add_months(today, rules.NOTICE_MONTHS):
        raise RuleViolation(
            "R25",
            "ends_on",
            _("Agreement R-%(agreement)s ends on %(ends_on)s, within three months' notice already.")
            % {"agreement": agreement.pk, "ends_on": agreement.ends_on},
        )


def can_give_notice(user: User | None, agreement: ResearcherAgreement) -> bool:
    return passes(lambda: check_give_notice(user, agreement))
