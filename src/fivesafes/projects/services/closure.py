"""Closure and follow-up (process 6 and 7; R23, R25).

At the end date (the daily job) or on request, a project closes: its researcher agreements
lapse, so access ends at once through the access rule; an open change request is withdrawn;
the deletion deadline of the decision stands (a default if none was set); transfer areas are
emptied within six months; the documentation (applications with their justifications,
documents by hash, questions, decisions, quotes, publications, history) is archived as JSON. Reminders go out before the end date. Researchers
register publications; staff record the scrutiny result.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fivesafes import files
from fivesafes.accounts.models import User
from fivesafes.audit.services import event_stream_for, record
from fivesafes.people.rules import add_months
from fivesafes.policy import projects as projects_policy
from fivesafes.policy.permissions import Permission, holds
from fivesafes.projects.models import Project, Publication
from fivesafes.projects.workflow import PROJECT, PUBLICATION, ProjectState, ScrutinyState
from fivesafes.shared import workflow
from fivesafes.shared.refusals import RuleViolation, written
from fivesafes.shared.services import change, lock, require

logger = logging.getLogger(__name__)

REMIND_DAYS_BEFORE_END = 30
TRANSFER_AREA_MONTHS = 6
DEFAULT_DELETION_DAYS = 30


ARCHIVE = "projects/archive"


def archive_dir() -> Path:
    return files.root() / ARCHIVE


def _document(document: Any) -> dict[str, Any] | None:
    if document is None:
        return None
    return {
        "name": document.original_name,
        "stored_as": document.stored_name,
        "sha256": document.sha256,
        "size": document.size,
    }


def _events(obj: Any) -> list[dict[str, Any]]:
    return [
        {
            "sequence": e.sequence,
            "at": e.occurred_at.isoformat(),
            "who": e.actor_label or "system",
            "action": e.action,
        }
        for e in event_stream_for(obj)
    ]


def _application_record(application: Any) -> dict[str, Any]:
    """What the office needs to show later what was applied for, why, and what was decided."""
    return {
        "reference": application.reference,
        "kind": application.kind,
        "state": application.state,
        "title": application.title,
        "purpose": application.purpose,
        "description": application.description,
        "change_summary": application.change_summary,
        "protocol": _document(application.protocol),
        "legal_basis_art6": application.legal_basis_art6,
        "legal_basis_art9": application.legal_basis_art9,
        "dpia": _document(application.dpia),
        "no_dpia_reason": application.no_dpia_reason,
        "population": application.population,
        "population_definition": application.population_definition,
        "total_population": application.total_population,
        "total_population_reason": application.total_population_reason,
        "sample_size": application.sample_size,
        "sample_reason": application.sample_reason,
        "variables": [
            {
                "variable": line.label,
                "years": [line.first_year, line.last_year],
                "justification": line.justification,
                "identifying_justification": line.identifying_justification,
                "coarsening": line.coarsening,
            }
            for line in application.variables.all()
        ],
        "external_data": [
            {"source": e.source, "approval_reference": e.approval_reference}
            for e in application.external_data.all()
        ],
        "members": [m.person.get_username() for m in application.members.select_related("person")],
        "questions": [
            {"question": q.text, "answer": q.answer} for q in application.questions.all()
        ],
        "findings": application.findings,
        "recommended_by": str(application.recommended_by or ""),
        "recommendation": application.recommendation,
        "decided_by": str(application.decided_by or ""),
        "decided_at": application.decided_at.isoformat() if application.decided_at else None,
        "decision_note": application.decision_note,
        "quotes": [
            {
                "reference": q.reference,
                "state": q.state,
                "total": str(q.total),
                "accepted_by": str(q.accepted_by or ""),
                "contract_sha256": q.contract_sha256,
            }
            for q in application.quotes.select_related("accepted_by")
        ],
        "events": _events(application),
    }


def _archive(project: Project) -> str:
    """The project's documentation as one JSON file, written to a temporary name then renamed:
    every application and change request with its justifications, documents (by name and
    hash), questions, decision and quotes; the publications; and the history."""
    applications = [
        _application_record(a)
        for a in project.applications.select_related(
            "protocol", "dpia", "recommended_by", "decided_by"
        ).order_by("created_at")
    ]
    content = {
        "project": project.number,
        "title": project.title,
        "institution": project.institution.name,
        "responsible": project.responsible.get_username(),
        "period": [project.starts_on.isoformat(), project.ends_on.isoformat()],
        "approved_scope": project.approved_scope,
        "deletion_deadline": project.deletion_deadline.isoformat()
        if project.deletion_deadline
        else None,
        "closure_reason": project.closure_reason,
        "applications": applications,
        "publications": [
            {
                "title": p.title,
                "authors": p.authors,
                "reference": p.reference,
                "scrutiny": p.scrutiny,
                "scrutiny_note": p.scrutiny_note,
            }
            for p in project.publications.all()
        ],
        "events": _events(project),
        "archived_at": timezone.now().isoformat(),
    }
    name = f"{project.number}-{uuid.uuid4().hex[:8]}.json"
    files.write(f"{ARCHIVE}/{name}", json.dumps(content, indent=2, default=str).encode())
    return name


def _end_agreements(project: Project, actor: User | None) -> int:
    """The project's researcher agreements lapse: access ends through the access rule (R8)."""
    from fivesafes.people.services.agreements import end_agreements_for_project

    return end_agreements_for_project(
        project, reason=_("project %(number)s closed") % {"number": project.number}, actor=actor
    )


def _withdraw_open_changes(project: Project, actor: User | None, request: Any) -> list[str]:
    """An open change request of a closing project can no longer change it (R16): it is
    withdrawn, so it leaves the office's list; each one audited."""
    from fivesafes.projects.models import Application
    from fivesafes.projects.workflow import FINAL_STATES, ApplicationState

    withdrawn = []
    for open_change in (
        Application.objects.select_for_update()
        .filter(project=project, kind=Application.Kind.CHANGE)
        .exclude(state__in=[s.value for s in FINAL_STATES])
    ):
        open_change.changed_at = timezone.now()
        change(
            open_change,
            {"state": ApplicationState.WITHDRAWN.value},
            audit_action="application.withdrawn_at_closure",
            actor=actor,
            request=request,
            data={"project": project.number},
            stamped=("changed_at",),
        )
        withdrawn.append(open_change.reference)
    return withdrawn


def _close(step: workflow.Step[ProjectState]) -> None:
    """Before the state changes: the reason, the dates the closure sets."""
    project, day = step.obj, step.options["day"]
    project.closed_at = timezone.now()
    project.closure_reason = step.options["reason"]
    if project.deletion_deadline is None:
        project.deletion_deadline = day + timedelta(days=DEFAULT_DELETION_DAYS)
    project.transfer_area_emptied_by = add_months(day, TRANSFER_AREA_MONTHS)
    step.fields += ["closed_at", "closure_reason", "deletion_deadline", "transfer_area_emptied_by"]


def _closed(step: workflow.Step[ProjectState]) -> None:
    """Once closed: agreements lapse, open change requests are withdrawn, the documentation is
    archived; the audit event says what happened."""
    project = step.obj
    lapsed = _end_agreements(project, step.actor)
    withdrawn = _withdraw_open_changes(project, step.actor, step.request)
    project.archive_name = _archive(project)
    project.documentation_archived_at = timezone.now()
    project.save(update_fields=["archive_name", "documentation_archived_at"])
    step.after.update(
        deletion_deadline=project.deletion_deadline,
        transfer_area_emptied_by=project.transfer_area_emptied_by,
        archive=project.archive_name,
    )
    step.data.update(
        reason=project.closure_reason,
        agreements_lapsed=lapsed,
        change_requests_withdrawn=withdrawn,
    )


# What later rooms do once a closure is committed (the delivery room deletes the project's
# data folder, R25): registered at start-up by the room (`when_closed`), so projects imports none
# of them. Each is called with the project and the actor (None for the daily job).
ClosedHook = Callable[[Project, "User | None"], None]
CLOSED_HOOKS: list[ClosedHook] = []


def when_closed(hook: ClosedHook) -> ClosedHook:
    """Register `hook(project, actor)` to run after every committed closure (once per hook)."""
    if hook not in CLOSED_HOOKS:
        CLOSED_HOOKS.append(hook)
    return hook


def _tell_rooms(step: workflow.Step[ProjectState]) -> None:
    for hook in CLOSED_HOOKS:
        try:
            hook(step.obj, step.actor)
        except Exception:
            # The closure stands; the room's own sweep retries what its hook could not start.
            logger.exception("A closure hook failed for project %s", step.obj.number)


CLOSING = workflow.Hooks(
    lock=lambda project: lock(project, "institution"),
    before={name: _close for name in PROJECT.transitions},
    after={name: _closed for name in PROJECT.transitions},
    on_commit={name: _tell_rooms for name in PROJECT.transitions},
    describe=lambda project: _("Project %(number)s") % {"number": project.number},
)


def close(
    *,
    actor: User | None,
    project: Project,
    reason: str,
    on: date | None = None,
    request: Any = None,
) -> Project:
    """Close the project; `actor=None` is the scheduled job at the end date. Staff who close
    projects take the step `close`, the responsible researcher `close_own`, the job `end`."""
    if actor is None:
        step = "end"
    else:
        projects_policy.check_close(actor, project)
        step = "close" if holds(actor, Permission.CLOSE_PROJECTS) else "close_own"
    reason = written(reason, "R25", "closure_reason", _("Say why the project closes."))
    with files.kept_if_committed():
        closed: Project = workflow.take_step(
            PROJECT,
            CLOSING,
            obj=project,
            step=step,
            actor=actor,
            request=request,
            reason=reason.strip(),
            day=on or timezone.localdate(),
        )
    return closed


def close_ended(*, on: date | None = None, failed: list[str] | None = None) -> int:
    """The daily job: close every active project whose end date has passed. A project another
    run (or a person) closed meanwhile is skipped, so running twice closes nothing twice.

    With a `failed` list, a project that cannot be closed (its closure rolled back) is logged
    and named there, and the others are still closed: one broken project must not keep
    access open in all the projects after it (R25)."""
    day = on or timezone.localdate()
    closed = 0
    for project in Project.objects.filter(state=Project.State.ACTIVE, ends_on__lt=day):
        try:
            close(actor=None, project=project, reason=_("The end date has passed."), on=day)
        except Exception:
            if Project.objects.filter(pk=project.pk, state=Project.State.CLOSED).exists():
                continue
            if failed is None:
                raise
            logger.exception("Closing project %s failed; the others go on", project.number)
            failed.append(project.number)
            continue
        closed += 1
    return closed


def _due_for_reminder(day: date) -> Any:
    return Project.objects.filter(
        state=Project.State.ACTIVE,
        end_reminder_sent_at__isnull=True,
        ends_on__gte=day,
        ends_on__lte=day + timedelta(days=REMIND_DAYS_BEFORE_END),
    )


def _remind(project: Project, people: set[User]) -> None:
    """One reminder of the end date per language the people read, each to those who read it."""
    by_language: dict[str, list[str]] = {}
    for person in people:
        if person.email:
            language = person.language or settings.LANGUAGE_CODE
            by_language.setdefault(language, []).append(person.email)
    names = {
        "number": project.number,
        "title": project.title,
        "ends_on": project.ends_on,
        "deadline": project.deletion_deadline,
    }
    for language, addresses in sorted(by_language.items()):
        with translation.override(language):
            subject = _("Project %(number)s ends on %(ends_on)s") % names
            body = (
                _(
                    "Project %(number)s (%(title)s) ends on %(ends_on)s. Access ends then and the "
                    "data are deleted by the deadline of the decision (%(deadline)s). Register "
                    "your publications for scrutiny, or ask for a longer period with a change "
                    "request."
                )
                % names
            )
        send_mail(subject, body, None, sorted(addresses))


def send_end_reminders(*, on: date | None = None) -> int:
    """Remind the responsible researcher and members once, 30 days before the end date.

    Each project is locked and checked again before its mail goes out and the reminder is
    marked in the same transaction, so two runs on one day (even at once) send one reminder.
    A change request that moves the end date makes the project due for a new reminder.
    """
    day = on or timezone.localdate()
    sent = 0
    for candidate in _due_for_reminder(day).values_list("pk", flat=True):
        with transaction.atomic():
            project = (
                _due_for_reminder(day)
                .select_for_update(of=("self",))
                .select_related("responsible")
                .filter(pk=candidate)
                .first()
            )
            if project is None:
                continue
            people = {project.responsible, *project.members.all()}
            _remind(project, people)
            project.end_reminder_sent_at = timezone.now()
            project.save(update_fields=["end_reminder_sent_at"])
            record(
                action="project.end_reminder_sent",
                obj=project,
                data={"ends_on": project.ends_on, "to": sorted(p.get_username() for p in people)},
            )
        sent += 1
    return sent


def confirm_deletion(
    *, actor: User, project: Project, deleted_on: date | None = None, request: Any = None
) -> Project:
    """Staff record that the project's data were deleted (R25)."""
    require(actor, Permission.CLOSE_PROJECTS)
    day = deleted_on or timezone.localdate()
    with transaction.atomic():
        locked = lock(project)
        if not locked.is_closed:
            raise RuleViolation(
                "R25", "data_deleted_on", _("Data are deleted after the project has closed.")
            )
        if locked.data_deleted_on is not None:
            raise RuleViolation("R25", "data_deleted_on", _("The deletion is recorded already."))
        if day > timezone.localdate():
            raise RuleViolation(
                "R25", "data_deleted_on", _("The deletion date cannot be in the future.")
            )
        locked.data_deleted_on = day
        locked.data_deleted_by = actor
        locked.save(update_fields=["data_deleted_on", "data_deleted_by"])
        late = bool(locked.deletion_deadline and day > locked.deletion_deadline)
        record(
            action="project.data_deleted",
            actor=actor,
            obj=locked,
            after={"data_deleted_on": day},
            data={"deadline": locked.deletion_deadline, "after_deadline": late},
            request=request,
        )
    return locked


def register_publication(
    *,
    actor: User,
    project: Project,
    title: str,
    authors: str = "",
    reference: str = "",
    request: Any = None,
) -> Publication:
    """R23: a researcher of the project submits a publication for scrutiny (also after closure)."""
    require(actor, Permission.WORK_IN_PROJECTS)
    projects_policy.check_publish(actor, project)
    title = written(title, "R23", "title", _("Give the publication's title."))
    if len(title.strip()) > 300 or len(authors) > 300 or len(reference) > 300:
        raise RuleViolation(
            "R23", "title", _("Title, authors and reference: at most 300 characters.")
        )
    with transaction.atomic():
        publication = Publication.objects.create(
            project=project,
            title=title.strip(),
            authors=authors.strip(),
            reference=reference.strip(),
            registered_by=actor,
        )
        record(
            action="publication.registered",
            actor=actor,
            obj=project,
            after={"publication": publication.pk, "title": publication.title},
            request=request,
        )
    return publication


def record_scrutiny(
    *, actor: User, publication: Publication, result: str, note: str = "", request: Any = None
) -> Publication:
    """R23: the office's scrutiny result; an objection says why."""
    require(actor, Permission.RECORD_SCRUTINY)
    if result not in (Publication.Scrutiny.NO_OBJECTION, Publication.Scrutiny.OBJECTION):
        raise RuleViolation(
            "R23", "scrutiny", _("'%(result)s' is not a scrutiny result.") % {"result": result}
        )
    if result == Publication.Scrutiny.OBJECTION and not note.strip():
        raise RuleViolation("R23", "scrutiny_note", _("An objection says what identifies whom."))
    scrutinised: Publication = workflow.take_step(
        PUBLICATION,
        SCRUTINY,
        obj=publication,
        step=result,
        actor=actor,
        note=note,
        request=request,
    )
    return scrutinised


def _scrutinise(step: workflow.Step[ScrutinyState]) -> None:
    step.obj.scrutinised_at = timezone.now()
    step.fields.append("scrutinised_at")


def _scrutinised(step: workflow.Step[ScrutinyState]) -> None:
    step.after["publication"] = step.obj.pk


SCRUTINY = workflow.Hooks(
    lock=lock,
    # Four eyes (R17): not by whoever registered it.
    check=lambda step: projects_policy.check_scrutinise(step.actor, step.obj),
    before={name: _scrutinise for name in PUBLICATION.transitions},
    after={name: _scrutinised for name in PUBLICATION.transitions},
    snapshot=("scrutiny",),
    describe=lambda publication: _("Publication '%(title)s'") % {"title": publication.title},
    audited=lambda publication: publication.project,
)
