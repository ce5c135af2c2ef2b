"""The release: approved requests' files enter the release log, the five-minute batch mails
them to the requesting researcher, members download them, and a checker may withdraw one as
a breach (R22, R24).

The release and the mailing are separate steps: a file is released (logged, downloadable)
once, and mailed until the mail server has taken it. A mail server that is down leaves the
files unmailed, logs and audits the failure, and the next batch tries again: nothing is lost.
Before any byte leaves, the frozen copy is hashed again; a copy that no longer matches the
SHA-256 taken at submission is never released nor served.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fivesafes.audit.services import event_stream_for, record
from fivesafes.policy import releases as policy
from fivesafes.policy.permissions import Permission
from fivesafes.release.models import ReleasedFile, ReleaseRequest, RequestFile, Vote
from fivesafes.release.services.requests import HOOKS, frozen_path, sha256_of
from fivesafes.release.workflow import RELEASE_REQUEST, RequestState
from fivesafes.shared import formats, workflow
from fivesafes.shared.language import language_of
from fivesafes.shared.refusals import RuleViolation, written
from fivesafes.shared.services import require

logger = logging.getLogger(__name__)


class BatchIncomplete(RuntimeError):
    """Some released files could not be mailed; they wait for the next batch."""


def after_review_rate() -> float:
    """The share of automatically released files a checker looks at afterwards."""
    return float(getattr(settings, "FIVESAFES_RELEASE_AFTER_REVIEW_RATE", 0.1))


class Tampered(RuleViolation):
    def __init__(self, file: RequestFile) -> None:
        super().__init__(
            "R22",
            "file",
            _(
                "The frozen copy of %(path)s no longer has the SHA-256 taken at submission; it "
                "is not released."
            )
            % {"path": file.path},
        )


def verified_bytes(file: RequestFile) -> bytes:
    """The frozen copy's bytes, once their SHA-256 is the one taken at submission."""
    path = frozen_path(file)
    if not path.is_file() or sha256_of(path) != file.sha256:
        raise Tampered(file)
    return path.read_bytes()


def _reviewers(release: ReleaseRequest) -> list[str]:
    names = [
        str(p)
        for p in (release.first_reviewer, release.second_reviewer, release.decided_by)
        if p is not None
    ]
    return list(dict.fromkeys(names))


def _released(step: workflow.Step[RequestState]) -> None:
    """Each reviewed or passed file enters the release log (audited), after its hash is
    verified once more."""
    from fivesafes.release.services.requests import draw

    release = step.obj
    reviewers = _reviewers(release)
    automatic = not reviewers
    logged = []
    for file in release.active_files().filter(is_evidence=False):
        verified_bytes(file)
        entry = ReleasedFile.objects.create(
            file=file,
            request=release,
            project=release.project,
            name=file.path,
            sha256=file.sha256,
            size=file.size,
            checks={"verdict": file.verdict, "reasons": file.reasons},
            reviewers=reviewers,
            recipients=[release.author.email],
            automatic=automatic,
            after_review=automatic and draw() < after_review_rate(),
        )
        record(
            action="release.file_released",
            obj=entry,
            data={
                "request": release.reference,
                "project": release.project.number,
                "file": entry.name,
                "sha256": entry.sha256,
                "checks": entry.checks,
                "reviewers": reviewers,
                "recipients": entry.recipients,
            },
        )
        logged.append(entry.name)
    step.data["files"] = logged


def _stamp(step: workflow.Step[RequestState]) -> None:
    """Before the state changes: nothing leaves a closed project; when it was released."""
    project = step.obj.project
    if project.is_closed:
        raise RuleViolation(
            "R22",
            "project",
            _("Project %(number)s was closed; nothing is released from it.")
            % {"number": project.number},
        )
    step.obj.released_at = timezone.now()
    step.fields.append("released_at")


RELEASING = workflow.Hooks(
    lock=HOOKS.lock,
    before={"release": _stamp},
    after={"release": _released},
    describe=HOOKS.describe,
)


def release_approved() -> tuple[list[str], list[str]]:
    """Release every approved request (the batch's first half): released and refused refs."""
    done, refused = [], []
    for release in ReleaseRequest.objects.filter(state=RequestState.APPROVED.value):
        try:
            workflow.take_step(RELEASE_REQUEST, RELEASING, obj=release, step="release", actor=None)
        except RuleViolation as violation:
            logger.error("Release request %s not released: %s", release.reference, violation)
            reason = violation.finding.message
            # Every batch meets the request again; the log says so once per reason, not every
            # five minutes for ever.
            said = event_stream_for(release).filter(action="release_request.release_refused")
            if not any(e.data.get("reason") == reason for e in said):
                with transaction.atomic():
                    record(
                        action="release_request.release_refused",
                        obj=release,
                        data={"reason": reason},
                    )
            refused.append(release.reference)
            continue
        done.append(release.reference)
    return done, refused


def _message(release: ReleaseRequest, entries: list[ReleasedFile]) -> EmailMessage:
    names = "\n".join(f"- {e.name} (SHA-256 {e.sha256})" for e in entries)
    words = {"number": release.project.number, "reference": release.reference, "names": names}
    # Written in the researcher's language, whoever's batch sends it.
    with translation.override(language_of(release.author)):
        subject = _("Released files from %(number)s (%(reference)s)") % words
        body = (
            _(
                "The following files of release request %(reference)s were checked and "
                "released to you:\n\n%(names)s\n\nThey can also be downloaded from fivesafes "
                "by the project's members. Every transfer is logged."
            )
            % words
        )
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[release.author.email],
    )
    for entry in entries:
        # As bytes, never re-encoded as text: what arrives is byte for byte what was checked.
        message.attach(
            entry.name.rsplit("/", 1)[-1], verified_bytes(entry.file), "application/octet-stream"
        )
    return message


def mail_released() -> dict[str, Any]:
    """Mail every released, unmailed, not withdrawn file to its researcher, one message a
    request. A failure of the mail server leaves the files for the next batch (R22)."""
    waiting: dict[int, list[ReleasedFile]] = {}
    for entry in ReleasedFile.objects.filter(
        emailed_at__isnull=True, withdrawn_at__isnull=True
    ).select_related("request", "request__author", "request__project", "file"):
        waiting.setdefault(entry.request_id, []).append(entry)
    if not waiting:
        return {"mailed": 0, "failed": 0}
    mailed = failed = 0
    errors = []
    connection = get_connection(fail_silently=False)
    for entries in waiting.values():
        release = entries[0].request
        try:
            connection.send_messages([_message(release, entries)])
        except (smtplib.SMTPException, OSError, Tampered) as exc:
            failed += len(entries)
            errors.append(f"{release.reference}: {exc}")
            logger.error("Mailing release request %s failed: %s", release.reference, exc)
            with transaction.atomic():
                ReleasedFile.objects.filter(pk__in=[e.pk for e in entries]).update(
                    mail_attempts=models_f("mail_attempts") + 1
                )
                record(
                    action="release.mail_failed",
                    obj=release,
                    data={"files": [e.name for e in entries], "error": str(exc)[:300]},
                )
            continue
        with transaction.atomic():
            ReleasedFile.objects.filter(pk__in=[e.pk for e in entries]).update(
                emailed_at=timezone.now()
            )
            record(
                action="release.mailed",
                obj=release,
                data={
                    "files": [e.name for e in entries],
                    "sha256": [e.sha256 for e in entries],
                    "to": [release.author.email],
                },
            )
        mailed += len(entries)
    if errors:
        raise BatchIncomplete(
            f"{mailed} files mailed, {failed} wait for the next batch: " + "; ".join(errors)
        )
    return {"mailed": mailed, "failed": 0}


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


def run_batch() -> dict[str, Any]:
    """The five-minute batch: release what is approved, then mail what is released."""
    done, refused = release_approved()
    mailed = mail_released()
    return {"released": done, "refused": refused, **mailed}


# --- downloads, after-the-fact review, breaches ------------------------------------------------


def download(*, actor: Any, released: ReleasedFile, request: Any = None) -> tuple[str, bytes]:
    """A member's download of a released file: the verified frozen copy, audited."""
    policy.check_download(actor, released)
    content = verified_bytes(released.file)
    with transaction.atomic():
        record(
            action="release.downloaded",
            actor=actor,
            obj=released,
            data={"file": released.name, "sha256": released.sha256},
            request=request,
        )
    return released.name.rsplit("/", 1)[-1], content


def after_review(
    *, actor: Any, released: ReleasedFile, note: str = "", request: Any = None
) -> ReleasedFile:
    """A checker has looked at an automatically released file (no breach found)."""
    require(actor, Permission.REVIEW_OUTPUTS)
    with transaction.atomic():
        released = ReleasedFile.objects.select_for_update().get(pk=released.pk)
        policy.check_after_review(actor, released)
        released.after_review = False
        released.save(update_fields=["after_review"])
        record(
            action="release.after_review",
            actor=actor,
            obj=released,
            data={"file": released.name, "note": note.strip()},
            request=request,
        )
    return released


def _history(released: ReleasedFile) -> str:
    # Read by people: times in the office's zone to the minute, like the pages; in the
    # document's own language (English), whatever language the request that releases it has.
    with translation.override(settings.LANGUAGE_CODE):
        return _history_text(released)


def _history_text(released: ReleasedFile) -> str:
    lines = [
        f"Released file: {released.name}",
        f"SHA-256: {released.sha256}",
        f"Project: {released.project.number}",
        f"Request: {released.request.reference} by {released.request.author}",
        f"Released at: {formats.when(released.released_at, zone=True)}",
        f"Checks: {released.checks.get('verdict')}: {'; '.join(released.checks.get('reasons', []))}",
        f"Reviewers: {', '.join(released.reviewers) or 'none (released automatically)'}",
        f"Recipients: {', '.join(released.recipients)}",
        "",
        "History of the request:",
    ]
    for event in event_stream_for(released.request):
        lines.append(
            f"  {formats.when(event.occurred_at, zone=True)} {event.actor_label or 'system'}: "
            f"{event.action}"
        )
    for vote in Vote.objects.filter(file=released.file).select_related("checker"):
        lines.append(
            f"  vote round {vote.round} by {vote.checker}: {vote.decision} {vote.comment}".rstrip()
        )
    return "\n".join(lines) + "\n"


def mark_breach(
    *, actor: Any, released: ReleasedFile, what_happened: str, request: Any = None
) -> ReleasedFile:
    """A checker marks a released file as a breach: it is withdrawn (no more downloads), a
    breach case opens in safe people's sanctions process with the file's history attached,
    and the project's members are told (R24)."""
    from fivesafes.people.services.sanctions import report_breach

    require(actor, Permission.REVIEW_OUTPUTS)
    what_happened = written(what_happened, "R24", "what_happened", _("Describe the breach."))
    with transaction.atomic():
        released = (
            ReleasedFile.objects.select_for_update()
            .select_related("request", "request__author", "project", "file")
            .get(pk=released.pk)
        )
        policy.check_mark_breach(actor, released)
        history = _history(released)
        breach = report_breach(
            actor=actor,
            researcher=released.request.author,
            what_happened=f"Released output {released.name} ({released.request.reference}, "
            f"project {released.project.number}): {what_happened}",
            evidence=f"The release log entry of {released.name}, SHA-256 {released.sha256}; "
            "its history is attached.",
            files=[
                SimpleUploadedFile(
                    "release-history.txt", history.encode(), content_type="text/plain"
                )
            ],
            request=request,
        )
        released.withdrawn_at = timezone.now()
        released.withdrawn_by = actor
        released.withdrawal_reason = what_happened
        released.breach = breach
        released.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "breach"])
        record(
            action="release.breach",
            actor=actor,
            obj=released,
            after={"withdrawn_at": released.withdrawn_at.isoformat(), "breach": breach.pk},
            data={"file": released.name, "sha256": released.sha256},
            request=request,
        )
        members = _member_addresses(released)
        transaction.on_commit(lambda: _notify_withdrawal(released, members))
    return released


def _member_addresses(released: ReleasedFile) -> dict[str, list[str]]:
    """The addresses of the project's responsible and members, by the language they read."""
    project = released.project
    people = [project.responsible, *project.members.all()]
    by_language: dict[str, set[str]] = {}
    for person in people:
        if person.email:
            by_language.setdefault(language_of(person), set()).add(person.email)
    return {language: sorted(to) for language, to in sorted(by_language.items())}


def _notify_withdrawal(released: ReleasedFile, members: dict[str, list[str]]) -> None:
    """One notice a language, each in the language its recipients read."""
    words = {
        "name": released.name,
        "number": released.project.number,
        "reference": released.request.reference,
    }
    for language, to in members.items():
        with translation.override(language):
            subject = _("Released file withdrawn: %(name)s (%(number)s)") % words
            body = (
                _(
                    "%(name)s, released from %(reference)s, was withdrawn by the office's output "
                    "checkers as a possible breach of the confidentiality rules. It can no "
                    "longer be downloaded; delete any copy you have and do not publish it."
                )
                % words
            )
        try:
            send_mail(
                subject=subject,
                message=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=to,
            )
        except (smtplib.SMTPException, OSError) as exc:
            logger.error("Telling the members of %s about a withdrawal failed: %s", released, exc)
