"""Process 2, second half: the researcher agreement per project (R8) and its signatures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes import files
from fivesafes.accounts.models import User
from fivesafes.audit.services import record
from fivesafes.people import queries, rules
from fivesafes.people.models import (
    AgreementSignature,
    Attachment,
    Authorisation,
    ResearcherAgreement,
)
from fivesafes.people.services.access_ended import access_ended
from fivesafes.policy import agreements as policy
from fivesafes.policy.permissions import Permission
from fivesafes.shared.refusals import RuleViolation, refuse_if
from fivesafes.shared.services import change, lock, require, snapshot

if TYPE_CHECKING:
    from django.http import HttpRequest

    from fivesafes.projects.models import Project

FIELDS = ("researcher", "project", "authorisation", "starts_on", "ends_on", "allowed_networks")


def create(
    *,
    actor: User,
    researcher: User,
    project: Project,
    starts_on: date,
    ends_on: date,
    allowed_networks: str,
    request: HttpRequest | None = None,
) -> ResearcherAgreement:
    """The manager of the researcher's institution draws up the agreement for a project."""
    require(actor, Permission.MANAGE_INSTITUTION_RESEARCHERS)
    attachments = queries.current_attachments(researcher)
    if not attachments:
        raise RuleViolation(
            "R1",
            "researcher",
            _("%(researcher)s is not attached to an institution today.")
            % {"researcher": researcher},
        )
    attachment = attachments[0]
    policy.check_make_agreement(actor, attachment)
    institution = attachment.institution
    authorisation = institution.current_authorisation()
    refuse_if(
        rules.period_findings(
            starts_on=starts_on,
            ends_on=ends_on,
            authorised_from=authorisation.valid_from if authorisation else None,
            authorised_until=authorisation.valid_until if authorisation else None,
        )
    )
    networks, findings = rules.parse_networks(allowed_networks)
    refuse_if(findings)
    if project.is_closed:
        raise RuleViolation(
            "R8",
            "project",
            _("Project %(number)s is closed; no new agreement is made for it.")
            % {"number": project.number},
        )
    if queries.exclusion_reason(researcher) is not None:
        raise RuleViolation(
            "R24",
            "researcher",
            _("%(researcher)s is excluded from the research schemes; no agreement is made.")
            % {"researcher": researcher},
        )
    if not project.memberships.filter(person=researcher).exists():
        raise RuleViolation(
            "R16",
            "researcher",
            _(
                "%(researcher)s is not a member of project %(number)s. Members come from the "
                "approved application; a new member is added by a change request, then the "
                "agreement is made."
            )
            % {"researcher": researcher, "number": project.number},
        )
    if not project.institution.is_authorised():
        raise RuleViolation(
            "R1",
            "project",
            _("Project %(number)s is not owned by an authorised institution.")
            % {"number": project.number},
        )
    if ends_on > project.ends_on or starts_on < project.starts_on:
        raise RuleViolation(
            "R8",
            "ends_on",
            _("The access period must lie inside the project's period (%(start)s to %(end)s).")
            % {"start": project.starts_on, "end": project.ends_on},
        )
    assert authorisation is not None  # period_findings refused otherwise
    with transaction.atomic():
        agreement = ResearcherAgreement.objects.create(
            researcher=researcher,
            project=project,
            authorisation=authorisation,
            starts_on=starts_on,
            ends_on=ends_on,
            allowed_networks="\n".join(str(n) for n in networks),
            created_by=actor,
        )
        ensure_document(
            agreement,
            affiliated=attachment.kind == Attachment.Kind.AFFILIATED,
            contact_person=attachment.contact_person,
            actor=actor,
        )
        record(
            action="agreement.created",
            actor=actor,
            obj=agreement,
            after=snapshot(agreement, FIELDS + ("document_sha256",)),
            request=request,
        )
    return agreement


def ensure_document(
    agreement: ResearcherAgreement,
    *,
    affiliated: bool | None = None,
    contact_person: User | None = None,
    actor: User | None = None,
) -> None:
    """Generate the agreement's PDF once (when drawn up, or for an agreement made before
    documents were kept); signatures name its hash (R8, Appendix 3). An affiliated foreign
    researcher's agreement names the contact person the institution appointed (R7)."""
    if agreement.document:
        return
    from fivesafes.people.services.document import affiliation_of, store_researcher_agreement

    if affiliated is None:
        affiliated, contact_person = affiliation_of(agreement)
    with files.kept_if_committed(), transaction.atomic():
        agreement.document, agreement.document_sha256, agreement.document_language = (
            store_researcher_agreement(
                agreement, affiliated=affiliated, contact_person=contact_person
            )
        )
        agreement.save(update_fields=["document", "document_sha256", "document_language"])
        record(
            action="agreement.document_generated",
            actor=actor,
            obj=agreement,
            data={"document_sha256": agreement.document_sha256},
        )


def _sign(
    agreement: ResearcherAgreement,
    party: str,
    actor: User,
    *,
    audit_action: str,
    request: HttpRequest | None,
    stamp: Callable[[AgreementSignature], dict[str, Any]],
) -> None:
    """`actor` signs the agreement's document for `party`; `stamp(signature)` gives the
    agreement's fields that show it, and `audit_action` is recorded with the document's hash."""
    ensure_document(agreement, actor=actor)
    signature = AgreementSignature.objects.create(
        agreement=agreement,
        party=party,
        signer=actor,
        signed_at=timezone.now(),
        document_sha256=agreement.document_sha256,
    )
    values = stamp(signature)
    for name, value in values.items():
        setattr(agreement, name, value)
    agreement.save(update_fields=list(values))
    record(
        action=audit_action,
        actor=actor,
        obj=agreement,
        data={"document_sha256": signature.document_sha256},
        request=request,
    )


def sign(
    *, actor: User, agreement: ResearcherAgreement, request: HttpRequest | None = None
) -> ResearcherAgreement:
    """The researcher signs their own agreement, never someone else's."""
    require(actor, Permission.WORK_IN_PROJECTS)
    with transaction.atomic():
        agreement = lock(agreement)
        policy.check_sign_agreement(actor, agreement)
        _sign(
            agreement,
            str(AgreementSignature.Party.RESEARCHER),
            actor,
            audit_action="agreement.signed",
            request=request,
            stamp=lambda signature: {"researcher_signed_at": signature.signed_at},
        )
    return agreement


def countersign(
    *, actor: User, agreement: ResearcherAgreement, request: HttpRequest | None = None
) -> ResearcherAgreement:
    """The manager who signed the institution's authorisation countersigns (Appendix 3)."""
    require(actor, Permission.SIGN_FOR_INSTITUTION)
    with transaction.atomic():
        agreement = lock(agreement, "authorisation__institution")
        policy.check_countersign(actor, agreement)
        _sign(
            agreement,
            str(AgreementSignature.Party.INSTITUTION),
            actor,
            audit_action="agreement.countersigned",
            request=request,
            stamp=lambda signature: {
                "countersigned_by": actor,
                "countersigned_at": signature.signed_at,
            },
        )
    return agreement


def give_notice(
    *, actor: User, agreement: ResearcherAgreement, request: HttpRequest | None = None
) -> ResearcherAgreement:
    """Either party ends the agreement at three months' notice (Appendix 3, R25): the researcher
    named in it, or the manager of the institution it was made under. The access period then
    ends three months from today, or earlier if it already did."""
    with transaction.atomic():
        agreement = lock(agreement, "authorisation__institution", "researcher")
        policy.check_give_notice(actor, agreement)
        last_day = rules.add_months(timezone.localdate(), rules.NOTICE_MONTHS)
        change(
            agreement,
            {"ends_on": last_day},
            audit_action="agreement.notice_given",
            actor=actor,
            request=request,
        )
    return agreement


def end_agreements_under(
    authorisation: Authorisation, *, reason: str, actor: User | None = None
) -> int:
    """Every open agreement made under `authorisation` lapses (called inside the caller's transaction)."""
    count = 0
    for agreement in ResearcherAgreement.objects.filter(
        authorisation=authorisation, ended_at__isnull=True
    ):
        count += _end(agreement, reason, actor)
    return count


def end_agreements_of(
    person: User, *, reason: str, actor: User | None = None, institution: Any = None
) -> int:
    """Every open agreement of `person` (made under `institution`'s authorisations, if given)."""
    found = ResearcherAgreement.objects.filter(researcher=person, ended_at__isnull=True)
    if institution is not None:
        found = found.filter(authorisation__institution=institution)
    count = 0
    for agreement in found:
        count += _end(agreement, reason, actor)
    return count


def end_agreements_of_leavers(*, on: Any = None, actor: User | None = None) -> int:
    """Open agreements whose researcher is no longer attached to the institution they were
    made under lapse (R8): a move or an ended attachment leaves no agreement shown as signed."""
    day = on or timezone.localdate()
    attached = set(Attachment.objects.current(day).values_list("researcher_id", "institution_id"))
    count = 0
    for agreement in ResearcherAgreement.objects.filter(ended_at__isnull=True).select_related(
        "authorisation__institution"
    ):
        institution = agreement.authorisation.institution
        if (agreement.researcher_id, institution.pk) not in attached:
            count += _end(
                agreement, f"the researcher is no longer attached to {institution} (R8)", actor
            )
    return count


def end_agreements_for_project(project: Project, *, reason: str, actor: User | None = None) -> int:
    """Every open agreement for `project` lapses, e.g. when the project closes (R8, R25)."""
    count = 0
    for agreement in ResearcherAgreement.objects.filter(project=project, ended_at__isnull=True):
        count += _end(agreement, reason, actor)
    return count


def end_agreements_of_members(
    project: Project, person_ids: Any, *, reason: str, actor: User | None = None
) -> int:
    """The open agreements of these persons for `project` lapse (members removed, R16)."""
    count = 0
    for agreement in ResearcherAgreement.objects.select_for_update().filter(
        project=project, researcher_id__in=list(person_ids), ended_at__isnull=True
    ):
        count += _end(agreement, reason, actor)
    return count


def _end(agreement: ResearcherAgreement, reason: str, actor: User | None) -> int:
    agreement.ended_at = timezone.now()
    agreement.end_reason = reason[:200]
    agreement.save(update_fields=["ended_at", "end_reason"])
    record(
        action="agreement.lapsed", actor=actor, obj=agreement, data={"reason": agreement.end_reason}
    )
    access_ended(
        person=agreement.researcher,
        project=agreement.project,
        reason=_("the agreement ended: %(reason)s") % {"reason": agreement.end_reason},
        actor=actor,
    )
    return 1
