"""Process 2, first half: attaching researchers to institutions and affiliating foreign ones (R7)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.audit.services import record
from fivesafes.people.models import Attachment, Institution, Sanction
from fivesafes.policy.institutions import check_manage_researchers
from fivesafes.policy.permissions import Permission
from fivesafes.shared.refusals import RuleViolation
from fivesafes.shared.services import change, lock, require, snapshot

if TYPE_CHECKING:
    from django.http import HttpRequest

    from fivesafes.accounts.models import User

FIELDS = (
    "researcher",
    "institution",
    "kind",
    "starts_on",
    "ends_on",
    "working_abroad",
    "contact_person",
)


def _sanction_during(start: date, **who: Any) -> Sanction | None:
    """A sanction in force on some day from `start` up to today (or on `start` if later).

    An attachment runs from its start on, so one dated back before a sanction was decided
    would still hold while the sanction is in force: the whole stretch is checked (R24).
    """
    last_day = max(start, timezone.localdate())
    return (
        Sanction.objects.filter(starts_on__lte=last_day, **who)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .order_by(F("ends_on").desc(nulls_first=True))
        .first()
    )


def attach(
    *,
    actor: User,
    institution: Institution,
    researcher: User,
    starts_on: date | None = None,
    working_abroad: bool = False,
    affiliated: bool = False,
    contact_person: User | None = None,
    accepts_responsibility: bool = False,
    request: HttpRequest | None = None,
) -> Attachment:
    """Attach (or affiliate) a researcher; an open attachment elsewhere ends the day before."""
    require(actor, Permission.MANAGE_INSTITUTION_RESEARCHERS)
    start = starts_on or timezone.localdate()
    with transaction.atomic():
        institution = lock(institution)
        check_manage_researchers(actor, institution)
        withdrawal = _sanction_during(start, kind=Sanction.Kind.WITHDRAWAL, institution=institution)
        if withdrawal is not None:
            raise RuleViolation(
                "R24",
                "institution",
                _(
                    "%(institution)s's authorisation is withdrawn until %(until)s after a "
                    "breach; no researcher can be attached to it."
                )
                % {"institution": institution, "until": withdrawal.ends_on},
            )
        for day in sorted({start, max(start, timezone.localdate())}):
            if not institution.is_authorised(day):
                raise RuleViolation(
                    "R1",
                    "institution",
                    _(
                        "%(institution)s is not an authorised institution on %(day)s, so no "
                        "researcher can be attached to it."
                    )
                    % {"institution": institution, "day": day},
                )
        excluded = _sanction_during(start, kind=Sanction.Kind.EXCLUSION, person=researcher)
        if excluded is not None:
            until = excluded.ends_on or _("permanently")
            raise RuleViolation(
                "R24",
                "researcher",
                _(
                    "%(researcher)s is excluded from the research schemes until %(until)s and "
                    "cannot be attached to any institution."
                )
                % {"researcher": researcher, "until": until},
            )
        if affiliated:
            if contact_person is None:
                raise RuleViolation(
                    "R7",
                    "contact_person",
                    _("Appoint a contact person for the foreign researcher."),
                )
            if contact_person.pk != institution.manager_id and not (
                Attachment.objects.current(start)
                .filter(
                    institution=institution,
                    researcher=contact_person,
                    kind=Attachment.Kind.ATTACHED,
                )
                .exists()
            ):
                raise RuleViolation(
                    "R7",
                    "contact_person",
                    _(
                        "The contact person must be the manager or someone attached to "
                        "%(institution)s: %(person)s is not."
                    )
                    % {"institution": institution, "person": contact_person},
                )
            if not accepts_responsibility:
                raise RuleViolation(
                    "R7",
                    "accepts_responsibility",
                    _("The institution must accept responsibility for the foreign researcher."),
                )
        current = Attachment.objects.current(start).filter(researcher=researcher)
        if current.filter(institution=institution).exists():
            raise RuleViolation(
                "R1",
                "researcher",
                _("%(researcher)s is already attached to %(institution)s.")
                % {"researcher": researcher, "institution": institution},
            )
        for old in current:
            change(
                old,
                {"ends_on": start - timedelta(days=1)},
                audit_action="researcher.attachment_ended",
                actor=actor,
                request=request,
                data={"reason": f"moved to {institution}"},
            )
            if old.ends_on < timezone.localdate():
                from fivesafes.people.services.agreements import end_agreements_of

                end_agreements_of(
                    researcher,
                    reason=_("the researcher moved to %(institution)s (R8)")
                    % {"institution": institution},
                    actor=actor,
                    institution=old.institution,
                )
        now = timezone.now()
        attachment = Attachment.objects.create(
            researcher=researcher,
            institution=institution,
            kind=Attachment.Kind.AFFILIATED if affiliated else Attachment.Kind.ATTACHED,
            starts_on=start,
            working_abroad=working_abroad,
            contact_person=contact_person if affiliated else None,
            accepted_by=actor if affiliated else None,
            accepted_at=now if affiliated else None,
            created_by=actor,
        )
        record(
            action="researcher.affiliated" if affiliated else "researcher.attached",
            actor=actor,
            obj=attachment,
            after=snapshot(attachment, FIELDS),
            request=request,
        )
    return attachment


def set_working_abroad(
    *, actor: User, attachment: Attachment, working_abroad: bool, request: HttpRequest | None = None
) -> Attachment:
    """The manager marks a current researcher as working abroad for a period, under the
    institution's responsibility, or back home (R7)."""
    require(actor, Permission.MANAGE_INSTITUTION_RESEARCHERS)
    with transaction.atomic():
        attachment = lock(attachment, "institution", "researcher")
        check_manage_researchers(actor, attachment.institution)
        if not Attachment.objects.current().filter(pk=attachment.pk).exists():
            raise RuleViolation(
                "R7",
                "working_abroad",
                _(
                    "%(researcher)s's attachment to %(institution)s is not current; only a "
                    "current researcher is marked as working abroad."
                )
                % {"researcher": attachment.researcher, "institution": attachment.institution},
            )
        if attachment.kind == Attachment.Kind.AFFILIATED:
            raise RuleViolation(
                "R7",
                "working_abroad",
                _(
                    "An affiliated foreign researcher works abroad by definition; the mark is "
                    "for the institution's own researchers."
                ),
            )
        change(
            attachment,
            {"working_abroad": working_abroad},
            audit_action="researcher.working_abroad" if working_abroad else "researcher.back_home",
            actor=actor,
            request=request,
        )
    return attachment


def end_attachment(
    *,
    actor: User,
    attachment: Attachment,
    ends_on: date | None = None,
    request: HttpRequest | None = None,
) -> Attachment:
    """The researcher left: the last day attached is `ends_on`, by default yesterday, so
    access through this institution ends at once; their agreements under it end with it (R8)."""
    from fivesafes.people.services.agreements import end_agreements_of

    require(actor, Permission.MANAGE_INSTITUTION_RESEARCHERS)
    today = timezone.localdate()
    with transaction.atomic():
        attachment = lock(attachment)
        check_manage_researchers(actor, attachment.institution)
        if attachment.ends_on is not None and attachment.ends_on < today:
            raise RuleViolation(
                "R1",
                "ends_on",
                _("%(researcher)s's attachment to %(institution)s ended on %(day)s already.")
                % {
                    "researcher": attachment.researcher,
                    "institution": attachment.institution,
                    "day": attachment.ends_on,
                },
            )
        change(
            attachment,
            {"ends_on": ends_on or today - timedelta(days=1)},
            audit_action="researcher.attachment_ended",
            actor=actor,
            request=request,
        )
        if attachment.ends_on < today:
            end_agreements_of(
                attachment.researcher,
                reason=_("the researcher left %(institution)s (R8)")
                % {"institution": attachment.institution},
                actor=actor,
                institution=attachment.institution,
            )
    return attachment
