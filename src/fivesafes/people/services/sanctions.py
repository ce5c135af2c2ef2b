"""R24: breach cases with their evidence files, and sanctions taking effect at once everywhere.

An exclusion ends the person's sessions, revokes their API tokens and ends their researcher
agreements in the same transaction as the decision; the access policy (`check_signed_in`)
refuses them from the very next request.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes import files as file_store
from fivesafes.audit.services import record
from fivesafes.people import queries, rules
from fivesafes.people.models import Breach, BreachEvidence, Institution, Sanction
from fivesafes.people.services.files import CheckedFile, check_upload, store_checked
from fivesafes.people.workflow import CaseState
from fivesafes.policy import sanctions as policy
from fivesafes.policy.permissions import Permission
from fivesafes.shared.refusals import Finding, RuleViolation, refuse_if, written
from fivesafes.shared.services import lock, require

if TYPE_CHECKING:
    from django.http import HttpRequest

    from fivesafes.accounts.models import User

EVIDENCE_FOLDER = "people/evidence"
MAX_EVIDENCE_FILES = 10


def _check_files(uploads: Any) -> list[CheckedFile]:
    uploads = [u for u in (uploads or []) if u is not None]
    if len(uploads) > MAX_EVIDENCE_FILES:
        raise RuleViolation(
            "R24",
            "files",
            _("Attach at most %(count)s evidence files at a time.") % {"count": MAX_EVIDENCE_FILES},
        )
    return [check_upload(u, rule="R24", field="files") for u in uploads]


def _store_evidence(
    breach: Breach, checked: list[CheckedFile], actor: User, request: Any
) -> list[BreachEvidence]:
    stored = []
    for item in checked:
        evidence = BreachEvidence.objects.create(
            breach=breach,
            name=item.name,
            stored_name=store_checked(item, EVIDENCE_FOLDER).rsplit("/", 1)[-1],
            content_type=item.content_type,
            size=len(item.content),
            sha256=item.sha256,
            uploaded_by=actor,
        )
        record(
            action="breach.evidence_added",
            actor=actor,
            obj=breach,
            data={"file": evidence.name, "sha256": evidence.sha256, "size": evidence.size},
            request=request,
        )
        stored.append(evidence)
    return stored


def report_breach(
    *,
    actor: User,
    researcher: User,
    what_happened: str,
    evidence: str,
    files: Any = (),
    request: HttpRequest | None = None,
) -> Breach:
    """Record what happened and the evidence (a description and, if any, files)."""
    require(actor, Permission.REPORT_BREACHES)
    written(what_happened, "R24", "what_happened", _("Describe what happened."))
    written(evidence, "R24", "evidence", _("Say where the evidence is."))
    checked = _check_files(files)
    current = queries.current_attachments(researcher)
    attachment = current[0] if current else None
    with file_store.kept_if_committed(), transaction.atomic():
        breach = Breach.objects.create(
            researcher=researcher,
            institution=attachment.institution if attachment else None,
            what_happened=what_happened.strip(),
            evidence=evidence.strip(),
            reported_by=actor,
        )
        record(
            action="breach.reported",
            actor=actor,
            obj=breach,
            after={"researcher": researcher.pk, "institution": breach.institution_id},
            request=request,
        )
        _store_evidence(breach, checked, actor, request)
    return breach


def add_evidence(
    *, actor: User, breach: Breach, files: Any, request: HttpRequest | None = None
) -> list[BreachEvidence]:
    """More evidence for a breach not yet decided."""
    require(actor, Permission.REPORT_BREACHES)
    checked = _check_files(files)
    if not checked:
        raise RuleViolation("R24", "files", _("Attach at least one evidence file."))
    with file_store.kept_if_committed(), transaction.atomic():
        breach = lock(breach)
        policy.check_add_evidence(actor, breach)
        return _store_evidence(breach, checked, actor, request)


def evidence_path(evidence: BreachEvidence) -> str:
    return f"{EVIDENCE_FOLDER}/{evidence.stored_name}"


def end_sessions_of(person: User) -> int:
    """Delete every live database session of `person`."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()):
        if str(session.get_decoded().get("_auth_user_id")) == str(person.pk):
            session.delete()
            ended += 1
    return ended


def revoke_tokens_of(person: User) -> int:
    from fivesafes.accounts.models import ApiToken

    return ApiToken.objects.filter(user=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def _open_breach(breach: Breach, actor: User) -> Breach:
    """The breach, locked, still to be decided, and not by the person who reported it."""
    breach = lock(breach, "researcher")
    policy.check_decide_breach(actor, breach)
    return breach


def dismiss(
    *, actor: User, breach: Breach, decision: str, request: HttpRequest | None = None
) -> Breach:
    """The approver finds there was no breach (a wrong person, a false alarm): no sanction."""
    require(actor, Permission.DECIDE_SANCTIONS)
    decision = written(decision, "R24", "decision", _("Write why there was no breach."))
    with transaction.atomic():
        breach = _open_breach(breach, actor)
        breach.state = Breach.State.DISMISSED
        breach.decided_by, breach.decided_at = actor, timezone.now()
        breach.decision = decision.strip()
        breach.save(update_fields=["state", "decided_by", "decided_at", "decision"])
        record(
            action="breach.dismissed",
            actor=actor,
            obj=breach,
            before={"state": Breach.State.REPORTED},
            after={"state": breach.state, "decision": breach.decision},
            request=request,
        )
    return breach


def decide(
    *,
    actor: User,
    breach: Breach,
    decision: str,
    permanent: bool,
    exclusion_ends_on: date | None,
    withdraw_institution_until: date | None = None,
    request: HttpRequest | None = None,
) -> Breach:
    """The approver decides: exclusion (permanent or >= 3 years), optionally a withdrawal."""
    require(actor, Permission.DECIDE_SANCTIONS)
    today = timezone.localdate()
    refuse_if(
        [
            Finding(f.rule, "exclusion_ends_on", f.message)
            for f in rules.exclusion_findings(
                starts_on=today, ends_on=exclusion_ends_on, permanent=permanent
            )
        ]
    )
    if withdraw_institution_until is not None:
        refuse_if(rules.withdrawal_findings(starts_on=today, ends_on=withdraw_institution_until))
    decision = written(decision, "R24", "decision", _("Write the reasons for the decision."))
    from fivesafes.people.services.access_ended import access_ended
    from fivesafes.people.services.agreements import end_agreements_of
    from fivesafes.people.services.authorisation import take_step

    with transaction.atomic():
        breach = _open_breach(breach, actor)
        if withdraw_institution_until is not None and breach.institution_id is None:
            raise RuleViolation(
                "R24",
                "withdraw_institution_until",
                _("The researcher was attached to no institution when the breach was reported."),
            )
        person = breach.researcher
        breach.state = Breach.State.DECIDED
        breach.decided_by, breach.decided_at = actor, timezone.now()
        breach.decision = decision.strip()
        breach.save(update_fields=["state", "decided_by", "decided_at", "decision"])
        exclusion = Sanction.objects.create(
            breach=breach,
            kind=Sanction.Kind.EXCLUSION,
            person=person,
            starts_on=today,
            ends_on=None if permanent else exclusion_ends_on,
            decided_by=actor,
        )
        sessions = end_sessions_of(person)
        tokens = revoke_tokens_of(person)
        excluded = _("researcher excluded (R24)")
        agreements = end_agreements_of(person, reason=excluded, actor=actor)
        # Everywhere, whether or not an agreement was open: the exclusion is the person's.
        access_ended(person=person, project=None, reason=excluded, actor=actor)
        record(
            action="sanction.exclusion",
            actor=actor,
            obj=exclusion,
            after={"person": person.pk, "starts_on": today, "ends_on": exclusion.ends_on},
            data={
                "sessions_ended": sessions,
                "tokens_revoked": tokens,
                "agreements_ended": agreements,
            },
            request=request,
        )
        if withdraw_institution_until is not None and breach.institution_id is not None:
            institution = Institution.objects.get(pk=breach.institution_id)
            withdrawal = Sanction.objects.create(
                breach=breach,
                kind=Sanction.Kind.WITHDRAWAL,
                institution=institution,
                starts_on=today,
                ends_on=withdraw_institution_until,
                decided_by=actor,
            )
            current = institution.current_authorisation()
            if current is not None and current.state == CaseState.REGISTERED:
                current.withdrawn_until = withdraw_institution_until
                current.save(update_fields=["withdrawn_until"])
                take_step(actor=actor, authorisation=current, step="withdraw", request=request)
            record(
                action="sanction.withdrawal",
                actor=actor,
                obj=withdrawal,
                after={"institution": institution.pk, "ends_on": withdraw_institution_until},
                request=request,
            )
        record(
            action="breach.decided",
            actor=actor,
            obj=breach,
            after={"state": breach.state, "permanent": permanent, "ends_on": exclusion.ends_on},
            request=request,
        )
    return breach
