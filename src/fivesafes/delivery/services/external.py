"""External data for a delivery (R15): one-time upload links, receiving the owner's file, and
linking it into the delivery under the project's pseudonyms.

- Staff who deliver data make a link for a source the approved scope names (`issue_link`). The
  token is random, shown once, kept only as its SHA-256, expires, and is used up by the first
  file accepted. The owner needs no account.
- The owner sends the file with the data-protection agreement's reference (`receive`). It is
  size-limited, copied in bounded chunks to a temporary name and renamed, read and checked by
  the linkage core (`fivesafes.linkage`), written as a checked copy keyed by person number,
  and the raw file is deleted at once, whatever the outcome. A refused file changes nothing
  but the audit log, and the link stays usable. An accepted file puts the checked copy into
  the delivery's plan: the extraction core links it on the person number, keeps the
  population's rows and replaces the number by the project's pseudonym.
- Distributed linking (seed 004): a link `keyed_by="serial"` comes with a scrambling-key file
  over the project's population (each person number with a random serial), which staff take
  once (`take_scrambling_key`) and send the owner; the owner's file is keyed by serial, and
  is translated to person numbers here (a serial never issued is refused, counted). The key
  file is deleted, and its deletion verified, when the upload ends or the link expires.
- When the delivery is recorded the uploads are linked (`mark_linked`) and the checked copy is
  deleted after commit. A link that expires, a link or file withdrawn by staff, and an upload
  whose delivery was discarded lose their files too (`settle`, also run by the daily sweep).
Every step is audited; the audit records counts and names of columns, never identifiers.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.audit.services import record
from fivesafes.delivery import extract, folders
from fivesafes.delivery.models import Delivery, ExternalUpload
from fivesafes.delivery.services import upload_checks as checks
from fivesafes.delivery.workflow import DeliveryState
from fivesafes.policy import deliveries as policy
from fivesafes.shared.refusals import RuleViolation

logger = logging.getLogger(__name__)

S = ExternalUpload.State
NOT_NAME = re.compile(r"[^A-Z0-9]+")


max_bytes = checks.max_bytes


def link_days() -> int:
    return int(getattr(settings, "FIVESAFES_EXTERNAL_LINK_DAYS", 14))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def table_name_for(source: str) -> str:
    """The short name a source is delivered under: capitals, digits and _, a letter first."""
    name = NOT_NAME.sub("_", source.upper()).strip("_")[:40].rstrip("_")
    if not name:
        return "EXTERNAL"
    return name if name[0].isalpha() else f"EXT_{name}"[:40]


def find(token: str) -> ExternalUpload | None:
    """The upload a token belongs to (looked up by its hash), or None."""
    if not token or len(token) > 200:
        return None
    return (
        ExternalUpload.objects.select_related("delivery__project")
        .filter(token_hash=hash_token(token))
        .first()
    )


def issue_link(
    *,
    actor: Any,
    delivery: Delivery,
    source: str,
    owner: str,
    table_name: str = "",
    keyed_by: str = "person",
    request: Any = None,
) -> tuple[ExternalUpload, str]:
    """A one-time link for the owner of `source`; the token is returned once, never kept.
    `keyed_by="serial"`: the owner's file will be keyed by the serials of a scrambling-key file
    issued now over the project's population."""
    policy.check_issue_link(actor, delivery)
    if keyed_by not in ("person", "serial"):
        raise RuleViolation(
            "R15",
            "keyed_by",
            _("The owner's file is keyed by 'person' number or by 'serial'."),
        )
    if source not in policy.sources(delivery):
        raise RuleViolation(
            "R15",
            "source",
            _("'%(source)s' is not external data named in the approved scope.")
            % {"source": source},
        )
    owner = (owner or "").strip()
    if not owner:
        raise RuleViolation("R15", "owner", _("Name the data owner who will send the file."))
    name = (table_name or "").strip() or table_name_for(source)
    if not re.fullmatch(r"[A-Z][A-Z0-9_]{0,39}", name):
        raise RuleViolation(
            "R15",
            "table_name",
            _("The short name is a capital letter, then capitals, digits and _ (at most 40)."),
        )
    token = secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=link_days())
    key = _scrambling_key(delivery, owner, expires) if keyed_by == "serial" else None
    try:
        return _issue(actor, delivery, source, name, owner, token, expires, key, request)
    except BaseException:
        if key is not None:
            _delete_key(key)
        raise


def _scrambling_key(delivery: Delivery, owner: str, expires: Any) -> Any:
    """A scrambling-key file over the population the delivery's plan delivers."""
    from fivesafes.linkage import ExternalDataError, issue_scrambling_key

    people = extract.population(delivery.plan)
    try:
        return issue_scrambling_key(
            people,
            project=delivery.project.number,
            owner=owner,
            directory=_keys_folder(delivery.project.number),
            expires=expires,
        )
    except ExternalDataError as error:
        raise RuleViolation("R15", error.field, error.message) from None


def _keys_folder(project_number: str) -> Path:
    folder = folders.external_dir(project_number) / "keys"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _delete_key(key: Any) -> bool:
    from fivesafes.linkage import ExternalDataError, delete_scrambling_key

    try:
        delete_scrambling_key(key)
    except ExternalDataError:
        return False
    return True


def _issue(
    actor: Any,
    delivery: Delivery,
    source: str,
    name: str,
    owner: str,
    token: str,
    expires: Any,
    key: Any,
    request: Any,
) -> tuple[ExternalUpload, str]:
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().select_related("project").get(pk=delivery.pk)
        policy.check_issue_link(actor, locked)
        live = ExternalUpload.objects.filter(delivery=locked, state__in=policy.LIVE_UPLOADS)
        if live.filter(table_name=name).exists() or live.filter(source=source).exists():
            raise RuleViolation(
                "R15",
                "source",
                _("A link for '%(source)s' is open or its file has arrived; withdraw it first.")
                % {"source": source},
            )
        upload = ExternalUpload.objects.create(
            delivery=locked,
            source=source,
            table_name=name,
            owner=owner,
            token_hash=hash_token(token),
            expires_at=expires,
            created_by=actor,
            keyed_by="serial" if key is not None else "person",
            scrambling_key=str(key.record_path) if key is not None else "",
        )
        serials = {"serials_issued": key.persons} if key is not None else {}
        record(
            action="delivery.external_link_issued",
            actor=actor,
            obj=upload,
            after={"state": upload.state, "expires_at": upload.expires_at.isoformat()},
            data={
                "project": locked.project.number,
                "delivery": locked.number,
                "source": source,
                "table": name,
                "owner": owner,
                "keyed_by": upload.keyed_by,
            }
            | serials,
            request=request,
        )
    return upload, token


def _folder(upload: ExternalUpload, part: str) -> Path:
    folder = folders.external_dir(upload.delivery.project.number) / part
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _refused(upload: ExternalUpload, refusal: RuleViolation, request: Any) -> None:
    """Audit a refused file (its own transaction: the refusal changes nothing else)."""
    with transaction.atomic():
        record(
            action="delivery.external_refused",
            actor=None,
            obj=upload,
            data={
                "project": upload.delivery.project.number,
                "source": upload.source,
                "field": refusal.field,
                "reason": refusal.finding.message,
            },
            request=request,
        )


def externals_of(delivery: Delivery) -> tuple[extract.External, ...]:
    """The checked external files the delivery links in (its received uploads)."""
    return tuple(
        extract.External(u.table_name, Path(u.checked_path), u.source)
        for u in ExternalUpload.objects.filter(delivery=delivery, state=S.RECEIVED).order_by(
            "table_name"
        )
    )


def replan(delivery: Delivery) -> None:
    """Compile the delivery's plan again with its checked external files (under the caller's
    lock and transaction)."""
    project = delivery.project
    request_ = extract.request_for(
        project.number,
        delivery.number,
        project.scope,
        tuple(delivery.formats),
        externals_of(delivery),
    )
    compiled = extract.compile_plan(request_)
    delivery.plan, delivery.description = compiled.plan, compiled.description
    delivery.estimated_rows = compiled.estimate.rows
    delivery.estimated_bytes = compiled.estimate.bytes
    delivery.estimated_seconds = compiled.estimate.seconds
    delivery.changed_at = timezone.now()
    delivery.save(
        update_fields=[
            "plan",
            "description",
            "estimated_rows",
            "estimated_bytes",
            "estimated_seconds",
            "changed_at",
        ]
    )


def receive(*, token: str, reference: str, uploaded: Any, request: Any = None) -> ExternalUpload:
    """The owner's file through the link (see the module docstring); refused naming the field
    ("agreement_reference", "file") with nothing changed but the audit log."""
    upload = find(token)
    policy.check_use_link(upload)
    assert upload is not None  # the policy refuses a missing link
    try:
        agreement = checks.check_reference(upload, reference)
        file_name = checks.check_file(uploaded)
    except RuleViolation as refusal:
        _refused(upload, refusal, request)
        raise
    stem = f"{upload.pk}-{secrets.token_hex(8)}"
    checked = _folder(upload, "checked") / f"{stem}.parquet"
    raw: Path | None = None
    try:
        raw = checks.store(uploaded, _folder(upload, "incoming"), stem)
        report = checks.read_checked(upload, raw, checked)
    except RuleViolation as refusal:
        _refused(upload, refusal, request)
        raise
    finally:
        raw_gone = raw is None or checks.delete_file(raw)
    if not raw_gone:
        checks.delete_file(checked)
        raise RuleViolation("R15", "file", _("The raw file could not be deleted; nothing is kept."))
    try:
        with transaction.atomic():
            locked = ExternalUpload.objects.select_for_update().get(pk=upload.pk)
            delivery = (
                Delivery.objects.select_for_update()
                .select_related("project")
                .get(pk=upload.delivery_id)
            )
            locked.delivery = delivery
            policy.check_use_link(locked)
            now = timezone.now()
            locked.state = S.RECEIVED
            locked.agreement_reference = agreement
            locked.file_name = file_name
            locked.file_bytes = int(uploaded.size)
            locked.received_at = locked.raw_deleted_at = locked.changed_at = now
            locked.report = report.as_dict()
            locked.checked_path = str(checked)
            locked.save()
            replan(delivery)
            facts = {"project": delivery.project.number, "source": locked.source}
            record(
                action="delivery.external_received",
                actor=None,
                obj=locked,
                before={"state": "issued"},
                after={"state": locked.state},
                data=facts
                | {
                    "delivery": delivery.number,
                    "agreement_reference": agreement,
                    "file_bytes": locked.file_bytes,
                    "report": report.describe(),
                },
                request=request,
            )
            record(
                action="delivery.external_raw_deleted",
                actor=None,
                obj=locked,
                data=facts | {"verified": True},
                request=request,
            )
    except Exception:
        checks.delete_file(checked)
        raise
    return locked


def cancel(*, actor: Any, upload: ExternalUpload, request: Any = None) -> ExternalUpload:
    """Staff withdraw a link or a checked file not yet linked; its files are deleted."""
    policy.check_cancel_upload(actor, upload)
    with transaction.atomic():
        locked = (
            ExternalUpload.objects.select_for_update()
            .select_related("delivery__project")
            .get(pk=upload.pk)
        )
        policy.check_cancel_upload(actor, locked)
        was = locked.state
        _end(
            locked,
            S.CANCELLED,
            audit_action="delivery.external_cancelled",
            actor=actor,
            request=request,
        )
        if was == S.RECEIVED and locked.delivery.state_enum in policy.UPLOADABLE:
            replan(locked.delivery)
    return locked


def _end(
    upload: ExternalUpload,
    state: Any,
    *,
    audit_action: str,
    actor: Any = None,
    request: Any = None,
) -> None:
    """Move an upload to an end state (under the caller's lock); its checked copy is deleted
    once the change is committed."""
    before = upload.state
    upload.state = state
    upload.changed_at = timezone.now()
    if state == S.LINKED:
        upload.linked_at = upload.changed_at
    upload.save()
    record(
        action=audit_action,
        actor=actor,
        obj=upload,
        before={"state": before},
        after={"state": state},
        data={
            "project": upload.delivery.project.number,
            "delivery": upload.delivery.number,
            "source": upload.source,
            "rows": upload.linked_rows,
        },
        request=request,
    )
    pk = upload.pk
    if upload.checked_path:
        transaction.on_commit(lambda: remove_checked(pk))
    if upload.scrambling_key:
        transaction.on_commit(lambda: remove_key(pk))


def stored_key(upload: ExternalUpload) -> Any:
    """The upload's scrambling key (None when it has none, or its record is gone)."""
    from fivesafes.linkage import load_scrambling_key

    record_path = Path(upload.scrambling_key) if upload.scrambling_key else None
    if record_path is None or not record_path.is_file():
        return None
    return load_scrambling_key(record_path)


def remove_key(pk: int) -> bool:
    """Delete an ended upload's scrambling-key file and its record, verified, noting when and
    auditing it (retried by `settle`)."""
    upload = ExternalUpload.objects.filter(pk=pk).select_related("delivery__project").first()
    if upload is None or not upload.scrambling_key or upload.key_deleted_at is not None:
        return False
    if upload.state in policy.LIVE_UPLOADS:
        return False
    key = stored_key(upload)
    if key is not None and not _delete_key(key):
        logger.error("The scrambling-key file of upload %s is still on disk.", pk)
        return False
    with transaction.atomic():
        ExternalUpload.objects.filter(pk=pk).update(key_deleted_at=timezone.now())
        record(
            action="delivery.scrambling_key_deleted",
            actor=None,
            obj=upload,
            data={
                "project": upload.delivery.project.number,
                "source": upload.source,
                "verified": True,
            },
        )
    return True


def take_scrambling_key(
    *, actor: Any, upload: ExternalUpload, request: Any = None
) -> tuple[str, bytes]:
    """The scrambling-key file (its name and content) for staff to send the data owner,
    checked against the checksum it was issued with; audited (counts, never its rows)."""
    policy.check_take_scrambling_key(actor, upload)
    key = stored_key(upload)
    if key is None or not key.path.is_file():
        raise RuleViolation("R15", "scrambling_key", _("The scrambling-key file is gone."))
    content = key.path.read_bytes()
    if hashlib.sha256(content).hexdigest() != key.sha256:
        raise RuleViolation(
            "R15",
            "scrambling_key",
            _("The scrambling-key file has changed since it was issued."),
        )
    with transaction.atomic():
        record(
            action="delivery.scrambling_key_taken",
            actor=actor,
            obj=upload,
            data={
                "project": upload.delivery.project.number,
                "source": upload.source,
                "owner": upload.owner,
                "serials": key.persons,
            },
            request=request,
        )
    return key.path.name, content


def remove_checked(pk: int) -> bool:
    """Delete an ended upload's checked copy and note when (retried by `settle`)."""
    upload = ExternalUpload.objects.filter(pk=pk).first()
    if upload is None or not upload.checked_path or upload.state in policy.LIVE_UPLOADS:
        return False
    if not checks.delete_file(Path(upload.checked_path)):
        logger.error("The checked external file of upload %s is still on disk.", pk)
        return False
    ExternalUpload.objects.filter(pk=pk).update(checked_deleted_at=timezone.now())
    return True


def mark_linked(delivery: Delivery, files: list[dict[str, Any]]) -> None:
    """When the delivery is recorded (in its transaction): its received uploads are linked,
    with the rows that matched the population, and their checked copies go after commit."""
    rows = {str(f.get("name")): int(f.get("rows") or 0) for f in files}
    for upload in ExternalUpload.objects.select_for_update().filter(
        delivery=delivery, state=S.RECEIVED
    ):
        upload.delivery = delivery
        upload.linked_rows = rows.get(f"{upload.table_name}.parquet")
        _end(upload, S.LINKED, audit_action="delivery.external_linked")


def settle(now: Any = None) -> dict[str, list[int]]:
    """Expire unused links past their time, withdraw uploads of deliveries that will never run
    (discarded, deleted), and delete checked copies an earlier deletion missed."""
    now = now or timezone.now()
    done: dict[str, list[int]] = {"expired": [], "cancelled": [], "removed": []}
    gone = [DeliveryState.DISCARDED.value, DeliveryState.DELETED.value]
    for upload in ExternalUpload.objects.filter(state__in=policy.LIVE_UPLOADS).select_related(
        "delivery__project"
    ):
        ended = upload.delivery.state in gone or upload.delivery.project.is_closed
        expired = upload.state == S.ISSUED and upload.expires_at <= now
        if not (ended or expired):
            continue
        with transaction.atomic():
            locked = (
                ExternalUpload.objects.select_for_update()
                .select_related("delivery__project")
                .get(pk=upload.pk)
            )
            if locked.state not in policy.LIVE_UPLOADS:
                continue
            if ended:
                _end(locked, S.CANCELLED, audit_action="delivery.external_cancelled")
                done["cancelled"].append(locked.pk)
            else:
                _end(locked, S.EXPIRED, audit_action="delivery.external_expired")
                done["expired"].append(locked.pk)
    for pk in (
        ExternalUpload.objects.exclude(state__in=policy.LIVE_UPLOADS)
        .filter(checked_deleted_at__isnull=True)
        .exclude(checked_path="")
        .values_list("pk", flat=True)
    ):
        if remove_checked(pk):
            done["removed"].append(pk)
    for pk in (
        ExternalUpload.objects.exclude(state__in=policy.LIVE_UPLOADS)
        .filter(key_deleted_at__isnull=True)
        .exclude(scrambling_key="")
        .values_list("pk", flat=True)
    ):
        if remove_key(pk):
            done["removed"].append(pk)
    return done
