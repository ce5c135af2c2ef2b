"""The project an approval creates, change requests against its approved scope (R16), and
small changes recorded without a decision. A closed project (R25) takes no more changes."""

from __future__ import annotations

from datetime import date
from itertools import chain
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.accounts.models import User
from fivesafes.audit.models import AuditEvent
from fivesafes.audit.services import event_stream_for, record
from fivesafes.policy import projects as projects_policy
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import (
    Application,
    ApplicationMember,
    Project,
    ProjectMembership,
)
from fivesafes.projects.rules import scope as scopes
from fivesafes.projects.scope import Scope
from fivesafes.projects.services.applications import refresh_findings
from fivesafes.projects.services.facts import scope_of, terms_of
from fivesafes.projects.workflow import FINAL_STATES
from fivesafes.shared.refusals import AccessDenied, RuleViolation, written
from fivesafes.shared.services import lock, next_free_number, require


def next_number(year: int) -> str:
    return next_free_number(Project, f"P-{year}-", 3)


def _sync_members(project: Project, application: Application, actor: User | None = None) -> None:
    wanted = set(application.members.values_list("person_id", flat=True))
    leaving = ProjectMembership.objects.filter(project=project).exclude(person_id__in=wanted)
    _end_agreements_of_leavers(project, [m.person_id for m in leaving], actor)
    leaving.delete()
    present = set(project.memberships.values_list("person_id", flat=True))
    for person_id in wanted - present:
        ProjectMembership.objects.create(project=project, person_id=person_id)


def refuse_if_closed(project: Project) -> None:
    """R16/R25: a closed project's access has ended and its data are being deleted; a change
    request can no longer change it (a new project needs a new application)."""
    if project.is_closed:
        if project.closed_at:
            said = _(
                "Project %(number)s was closed on %(day)s; a change request can no longer "
                "change it. Apply for a new project instead."
            )
        else:
            said = _(
                "Project %(number)s was closed; a change request can no longer change it. "
                "Apply for a new project instead."
            )
        day = timezone.localdate(project.closed_at) if project.closed_at else None
        raise RuleViolation("R16", "project", said % {"number": project.number, "day": day})


def check_project_open(change: Application) -> None:
    """For a change request: its project is still active (see `refuse_if_closed`)."""
    if change.kind == Application.Kind.CHANGE and change.project_id:
        refuse_if_closed(Project.objects.get(pk=change.project_id))


def deadline_after_change(project: Project, ends_on: date | None) -> date | None:
    """R25: the deletion deadline of the decision moves with the end date, keeping its distance
    from the end; a change that keeps the end date keeps the deadline."""
    if project.deletion_deadline is None or ends_on is None:
        return project.deletion_deadline
    return max(ends_on, project.deletion_deadline + (ends_on - project.ends_on))


def _end_agreements_of_leavers(project: Project, person_ids: list[int], actor: User | None) -> None:
    """A person who leaves the project leaves its data: their agreement for this project lapses
    now (audited by the agreement service), so the access rule refuses them at once (R1, R8)."""
    if not person_ids:
        return
    from fivesafes.people.services import agreements

    agreements.end_agreements_of_members(
        project,
        person_ids,
        reason=_("removed from project %(number)s") % {"number": project.number},
        actor=actor,
    )


def apply_decision(*, actor: User | None, application: Application, request: Any = None) -> Project:
    """Approval: create the project (new) or bring it to the new scope (change request)."""
    scope = Scope.from_dict(scope_of(application)).as_dict()
    if application.kind == Application.Kind.CHANGE and application.project_id:
        project = Project.objects.select_for_update().get(pk=application.project_id)
        # Checked again under the lock: a closure may have come in since the step began.
        refuse_if_closed(project)
        before = project.approved_scope
        project.title = application.title
        project.starts_on = application.starts_on
        if project.ends_on != application.ends_on:
            # A new end date deserves its own reminder before it (R25).
            project.end_reminder_sent_at = None
        project.ends_on = application.ends_on
        project.approved_scope = scope
        project.deletion_deadline = application.deletion_deadline
        project.save()
        _sync_members(project, application, actor)
        record(
            action="project.changed",
            actor=actor,
            obj=project,
            data={
                "application": application.reference,
                "changes": [c.description for c in scopes.diff(before, scope)],
            },
            request=request,
        )
        return project
    project = Project.objects.create(
        number=next_number(timezone.localdate().year),
        title=application.title,
        institution=application.institution,
        starts_on=application.starts_on,
        ends_on=application.ends_on,
        responsible=application.applicant,
        approved_scope=scope,
        deletion_deadline=application.deletion_deadline,
    )
    _sync_members(project, application)
    application.project = project
    application.save(update_fields=["project"])
    record(
        action="project.created",
        actor=actor,
        obj=project,
        after={"number": project.number, "application": application.reference},
        request=request,
    )
    return project


def open_change_request(project: Project) -> Application | None:
    return (
        Application.objects.filter(project=project, kind=Application.Kind.CHANGE)
        .exclude(state__in=[s.value for s in FINAL_STATES])
        .first()
    )


def start_change_request(
    *, actor: User, project: Project, summary: str, request: Any = None
) -> Application:
    """R16: a change request starts as a copy of the approved scope for the responsible researcher."""
    require(actor, Permission.APPLY_FOR_PROJECTS)
    projects_policy.check_change(actor, project)
    summary = written(summary, "R16", "change_summary", _("Say what should change and why."))
    with transaction.atomic():
        lock(project)
        if open_change_request(project) is not None:
            raise RuleViolation(
                "R16",
                "project",
                _("Project %(number)s already has an open change request.")
                % {"number": project.number},
            )
        base = _approved_application(project)
        change = Application.objects.get(pk=base.pk)
        change.pk = None
        change.kind = Application.Kind.CHANGE
        change.state = Application._meta.get_field("state").default
        change.applicant = actor
        change.change_summary = summary.strip()
        for field in ("case_handler", "recommended_by", "decided_by"):
            setattr(change, field, None)
        change.recommendation = change.decision_note = ""
        change.decided_at = change.submitted_at = change.assigned_at = change.due_on = None
        change.created_at = change.changed_at = timezone.now()
        change.save()
        for line in base.variables.all():
            line.pk, line.application = None, change
            line.save()
        for item in base.external_data.all():
            item.pk, item.application = None, change
            item.save()
        for person_id in project.memberships.values_list("person_id", flat=True):
            ApplicationMember.objects.create(application=change, person_id=person_id)
        record(
            action="application.change_request_started",
            actor=actor,
            obj=change,
            data={"project": project.number, "summary": change.change_summary},
            request=request,
        )
        refresh_findings(change)
    return change


def _approved_application(project: Project) -> Application:
    approved = (
        Application.objects.filter(project=project, state="approved")
        .order_by("-decided_at")
        .first()
    )
    if approved is None:
        raise RuleViolation(
            "R16",
            "project",
            _("Project %(number)s has no approved scope.") % {"number": project.number},
        )
    return approved


def changes_of(change: Application) -> list[scopes.Change]:
    """The difference between the project's approved scope and the change request's scope."""
    project = change.project
    approved = dict(project.approved_scope) if project else {}
    if project is not None and "terms" not in approved:
        # Scopes recorded before the terms were part of them: take the approved application's.
        base = (
            Application.objects.filter(project=project, state="approved")
            .exclude(pk=change.pk)
            .order_by("-decided_at")
            .first()
        )
        if base is not None:
            approved["terms"] = terms_of(base)
    return scopes.diff(approved, scope_of(change))


def check_change_is_current(change: Application) -> None:
    if not changes_of(change):
        raise RuleViolation("R16", "change_summary", _("The change request changes nothing."))


# Findings that say the scope itself does not hold (a period that ends before it starts, no
# variables left, a population that no longer validates): even a narrowing change is refused.
SCOPE_FIELDS = ("period", "variables", "population")


def _refuse_broken_scope(change: Application) -> None:
    from fivesafes.projects.rules.engine import blocking
    from fivesafes.projects.services.applications import compute_findings

    broken = [
        f
        for f in blocking(compute_findings(change)[0])
        if f.field in SCOPE_FIELDS or f.field.startswith("population:")
    ]
    if broken:
        raise RuleViolation(
            broken[0].rule,
            broken[0].field,
            _("The changed scope does not hold: %(finding)s") % {"finding": broken[0].message},
        )


def record_small_change(*, actor: User, change: Application, request: Any = None) -> Project:
    """R16: a change that only narrows the scope (e.g. removing a member) is recorded without a
    decision; one that widens it must go through review and a four-eyes decision."""
    require(actor, Permission.APPLY_FOR_PROJECTS)
    with transaction.atomic():
        locked = lock(change)
        if locked.kind != Application.Kind.CHANGE or locked.applicant_id != actor.pk:
            raise AccessDenied(_("Only the applicant records their own change request."))
        if locked.state not in ("draft", "returned"):
            raise RuleViolation("R16", "state", _("This change request is no longer a draft."))
        check_project_open(locked)
        changes = changes_of(locked)
        if not changes:
            raise RuleViolation("R16", "change_summary", _("The change request changes nothing."))
        _refuse_broken_scope(locked)
        if scopes.widens(changes):
            wide = [c.description for c in changes if c.widens]
            raise RuleViolation(
                "R16",
                "change_summary",
                _(
                    "These changes go beyond the approved scope and need a decision: "
                    "%(changes)s. Submit the change request instead."
                )
                % {"changes": "; ".join(wide)},
            )
        locked.state = "approved"
        locked.decided_at = timezone.now()
        locked.decision_note = _("Narrowing change recorded without a decision (R16).")
        locked.deletion_deadline = deadline_after_change(locked.project, locked.ends_on)
        locked.save()
        project = apply_decision(actor=actor, application=locked, request=request)
        record(
            action="application.small_change_recorded",
            actor=actor,
            obj=locked,
            data={"changes": [c.description for c in changes]},
            request=request,
        )
    return project


def project_timeline(project: Project) -> list[AuditEvent]:
    """The events of the project and of its applications and change requests, oldest first."""
    applications = project.applications.all()
    return sorted(
        chain(event_stream_for(project), *(event_stream_for(a) for a in applications)),
        key=lambda e: e.sequence,
    )
