"""Writing an application: the draft, its variable list from the basket, members, external data,
documents. Every function checks who may do it, runs in one transaction with its audit event
and recomputes the findings of the rule engine (R17: the same rules for all, on every save).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes import files
from fivesafes.accounts.models import User
from fivesafes.audit.services import record
from fivesafes.policy import applications as applications_policy
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import (
    Application,
    ApplicationMember,
    ApplicationVariable,
    ExternalDataSource,
    UploadedDocument,
)
from fivesafes.projects.rules import Finding, evaluate, fast_track
from fivesafes.projects.services import uploads
from fivesafes.projects.services.facts import application_facts
from fivesafes.projects.workflow import FINAL_STATES
from fivesafes.shared.refusals import RuleViolation, written
from fivesafes.shared.services import change, lock, require
from fivesafes.shared.uploads import CONTENT_TYPES

# The fields the applicant edits on the application itself.
DRAFT_FIELDS: tuple[str, ...] = (
    "title",
    "purpose",
    "description",
    "legal_basis_art6",
    "legal_basis_art9",
    "no_dpia_reason",
    "population_definition",
    "starts_on",
    "ends_on",
    "total_population",
    "total_population_reason",
    "sample_size",
    "sample_reason",
    "change_summary",
)
TEXT_LIMITS = {"title": 200, "legal_basis_art6": 300, "legal_basis_art9": 300}
# Which values each coarsening applies to (the catalogue's data types).
COARSENING_TYPES = {
    "year": {"date"},
    "month": {"date"},
    "groups": {"integer", "decimal", "date"},
    "municipality": {"string", "integer"},
}
# Bounds no register reaches; beyond them a number is a typing error (and would not fit the
# database's integer columns).
YEARS = (1800, 2200)
LARGEST_SAMPLE = 1_000_000_000


def institutions_for(person: User, on: date | None = None) -> list[Any]:
    """Institutions the person may apply for: current accepted attachments, or managed ones."""
    from fivesafes.people.models import Attachment, Institution

    day = on or timezone.localdate()
    ids = {
        a.institution_id
        for a in Attachment.objects.current(day).filter(researcher=person)
        if a.is_accepted
    }
    ids |= set(Institution.objects.filter(manager=person).values_list("pk", flat=True))
    return list(Institution.objects.filter(pk__in=ids).order_by("name"))


def stored_findings(application: Application) -> list[Finding]:
    return [Finding.from_dict(values) for values in application.findings]


def compute_findings(application: Application) -> tuple[list[Finding], bool]:
    facts = application_facts(application)
    findings = evaluate(facts)
    return findings, fast_track(facts, findings).eligible


def current_findings(application: Application) -> list[Finding]:
    """The findings as of now for an open application (dates, certifications and
    authorisations change without a save), as stored for a decided one."""
    if application.state_enum in FINAL_STATES:
        return stored_findings(application)
    return compute_findings(application)[0]


def refresh_findings(application: Application) -> list[Finding]:
    """Recompute and store the findings (inside the caller's transaction)."""
    findings, eligible = compute_findings(application)
    application.findings = [f.as_dict() for f in findings]
    application.fast_track = eligible
    application.findings_at = timezone.now()
    application.changed_at = timezone.now()
    application.save(update_fields=["findings", "fast_track", "findings_at", "changed_at"])
    return findings


def editable(actor: User, application: Application) -> Application:
    """Lock the application; only its applicant edits it, and only as a draft or returned."""
    require(actor, Permission.APPLY_FOR_PROJECTS)
    locked = lock(application)
    applications_policy.check_edit(actor, locked)
    return locked


def _changed(
    actor: User, application: Application, request: Any, *, audit_action: str, **audit: Any
) -> None:
    """Write the audit event of a change to the application and recompute its findings (R17),
    inside the caller's transaction."""
    record(action=audit_action, actor=actor, obj=application, request=request, **audit)
    refresh_findings(application)


def _remove(
    actor: User,
    part: ApplicationVariable | ApplicationMember | ExternalDataSource,
    request: Any,
    *,
    audit_action: str,
    keep: Callable[[Application], None] | None = None,
    **data: str,
) -> None:
    """Delete one part of an application its applicant may edit (`keep` may refuse first),
    with an audit event naming what went, and recompute the findings."""
    with transaction.atomic():
        locked = editable(actor, part.application)
        if keep is not None:
            keep(locked)
        type(part).objects.filter(pk=part.pk).delete()
        _changed(actor, locked, request, audit_action=audit_action, data=data)


def _clean(name: str, value: Any) -> Any:
    """One field's value, or a refusal naming the field."""
    if name in ("starts_on", "ends_on"):
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise RuleViolation(
                "R12", name, _("'%(value)s' is not a date (YYYY-MM-DD).") % {"value": value}
            ) from None
    if name == "sample_size":
        if value in (None, ""):
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise RuleViolation(
                "R11", name, _("'%(value)s' is not a whole number.") % {"value": value}
            ) from None
        if number <= 0:
            raise RuleViolation("R11", name, _("The sample size must be a positive number."))
        if number > LARGEST_SAMPLE:
            raise RuleViolation(
                "R11",
                name,
                _("%(number)s is more units than any register holds.") % {"number": number},
            )
        return number
    if name == "total_population":
        return bool(value)
    text = "" if value is None else str(value).strip()
    limit = TEXT_LIMITS.get(name)
    if limit and len(text) > limit:
        raise RuleViolation(
            "R12",
            name,
            _("At most %(limit)s characters, not %(length)s.")
            % {"limit": limit, "length": len(text)},
        )
    if name == "title" and not text:
        raise RuleViolation("R12", "title", _("Give the project a title."))
    return text


def create_draft(
    *,
    actor: User,
    institution: Any,
    title: str,
    from_basket: bool = True,
    request: Any = None,
) -> Application:
    """Start an application for `institution`; the applicant is a member; the basket is copied."""
    require(actor, Permission.APPLY_FOR_PROJECTS)
    if institution is None or institution.pk not in {i.pk for i in institutions_for(actor)}:
        raise RuleViolation(
            "R1",
            "institution",
            _("You can apply only for an institution you are attached to (or manage)."),
        )
    title = _clean("title", title)
    with transaction.atomic():
        application = Application.objects.create(
            applicant=actor, institution=institution, title=title
        )
        ApplicationMember.objects.create(application=application, person=actor)
        added = _copy_basket(actor, application) if from_basket else []
        record(
            action="application.created",
            actor=actor,
            obj=application,
            after={"title": title, "institution": institution.pk, "variables": added},
            request=request,
        )
        refresh_findings(application)
    return application


def _copy_basket(actor: User, application: Application) -> list[str]:
    from fivesafes.data.models import BasketItem

    present = set(application.variables.values_list("variable_id", flat=True))
    added = []
    for item in BasketItem.objects.filter(user=actor).select_related("variable__version__register"):
        if item.variable_id in present:
            continue
        line = ApplicationVariable.objects.create(
            application=application,
            variable=item.variable,
            register=item.variable.version.register.short_name,
            name=item.variable.name,
            first_year=item.first_year,
            last_year=item.last_year,
        )
        added.append(line.label)
    return added


def add_from_basket(*, actor: User, application: Application, request: Any = None) -> list[str]:
    """Turn the basket into lines of the variable list (those not yet there)."""
    with transaction.atomic():
        locked = editable(actor, application)
        added = _copy_basket(actor, locked)
        _changed(
            actor,
            locked,
            request,
            audit_action="application.variables_added",
            after={"variables": added},
        )
    return added


def update(
    *, actor: User, application: Application, changes: dict[str, Any], request: Any = None
) -> Application:
    """Save the application's own fields (a draft may be incomplete; findings say what is missing)."""
    unknown = sorted(set(changes) - set(DRAFT_FIELDS))
    if unknown:
        raise RuleViolation(
            "R12",
            unknown[0],
            _("'%(field)s' is not a field of an application.") % {"field": unknown[0]},
        )
    cleaned = {name: _clean(name, value) for name, value in changes.items()}
    with transaction.atomic():
        locked = editable(actor, application)
        changed = {k: v for k, v in cleaned.items() if getattr(locked, k) != v}
        if changed:
            change(
                locked,
                changed,
                audit_action="application.updated",
                actor=actor,
                request=request,
            )
        refresh_findings(locked)
    return locked


def update_variable(
    *,
    actor: User,
    line: ApplicationVariable,
    first_year: int,
    last_year: int,
    justification: str,
    identifying_justification: str = "",
    coarsening: str = "",
    request: Any = None,
) -> ApplicationVariable:
    """Years, justification(s) and coarsening of one line of the variable list (R11)."""
    where = f"variable:{line.label}"
    for year in (first_year, last_year):
        if not YEARS[0] <= year <= YEARS[1]:
            raise RuleViolation(
                "R11",
                where,
                _("%(variable)s: %(year)s is not a year of any register.")
                % {"variable": line.label, "year": year},
            )
    if first_year > last_year:
        raise RuleViolation(
            "R11",
            where,
            _("%(variable)s: the first year %(first)s is after %(last)s.")
            % {"variable": line.label, "first": first_year, "last": last_year},
        )
    if coarsening not in ApplicationVariable.Coarsening.values:
        raise RuleViolation(
            "R11",
            where,
            _("'%(coarsening)s' is not a kind of coarsening.") % {"coarsening": coarsening},
        )
    data_type = line.variable.data_type
    if coarsening and data_type not in COARSENING_TYPES[coarsening]:
        label = ApplicationVariable.Coarsening(coarsening).label.lower()
        raise RuleViolation(
            "R11",
            where,
            _("%(variable)s holds %(type)s values; '%(coarsening)s' does not apply to it.")
            % {"variable": line.label, "type": data_type, "coarsening": label},
        )
    with transaction.atomic():
        application = editable(actor, line.application)
        locked = lock(line)
        fields = ("first_year", "last_year", "justification", "identifying_justification")
        before = {name: getattr(locked, name) for name in (*fields, "coarsening")}
        locked.first_year, locked.last_year = first_year, last_year
        locked.justification = justification.strip()
        locked.identifying_justification = identifying_justification.strip()
        locked.coarsening = coarsening
        locked.save()
        after = {name: getattr(locked, name) for name in before}
        _changed(
            actor,
            application,
            request,
            audit_action="application.variable_updated",
            before=before,
            after=after,
            data={"variable": locked.label},
        )
    return locked


def remove_variable(*, actor: User, line: ApplicationVariable, request: Any = None) -> None:
    _remove(actor, line, request, audit_action="application.variable_removed", variable=line.label)


def add_member(
    *, actor: User, application: Application, username: str, request: Any = None
) -> ApplicationMember:
    person = _member_named(username)
    with transaction.atomic():
        locked = editable(actor, application)
        if locked.members.filter(person=person).exists():
            raise RuleViolation(
                "R12", "member", _("%(person)s is already a member.") % {"person": person}
            )
        member = ApplicationMember.objects.create(application=locked, person=person)
        _changed(
            actor,
            locked,
            request,
            audit_action="application.member_added",
            data={"member": person.get_username()},
        )
    return member


def _member_named(text: str) -> User:
    """The person `text` names: by user name, else by full name (any case) when only one
    person has it; the refusal says what to type instead."""
    from fivesafes.accounts.models import User

    wanted = text.strip()
    person = User.objects.filter(username=wanted).first()
    if person is not None:
        return person
    named = (
        list(User.objects.filter(full_name__iexact=wanted, is_active=True)[:2]) if wanted else []
    )
    if len(named) == 1:
        return named[0]
    if named:
        raise RuleViolation(
            "R12",
            "member",
            _(
                "More than one person is named '%(name)s': pick the one at the right institution "
                "from the suggestions, or type their user name."
            )
            % {"name": wanted},
        )
    raise RuleViolation(
        "R12",
        "member",
        _(
            "No person is named '%(name)s': type part of their name or institution and pick them "
            "from the suggestions, or type their user name."
        )
        % {"name": wanted},
    )


def remove_member(*, actor: User, member: ApplicationMember, request: Any = None) -> None:
    def applicant_stays(application: Application) -> None:
        if member.person_id == application.applicant_id:
            raise RuleViolation("R12", "member", _("The applicant stays a member."))

    name = member.person.get_username()
    _remove(
        actor,
        member,
        request,
        audit_action="application.member_removed",
        keep=applicant_stays,
        member=name,
    )


def add_external_data(
    *,
    actor: User,
    application: Application,
    source: str,
    approval_reference: str = "",
    description: str = "",
    request: Any = None,
) -> ExternalDataSource:
    """R15: data from another source; the approval reference may follow, the findings remind."""
    source = written(source, "R15", "source", _("Name the source of the external data."))
    with transaction.atomic():
        locked = editable(actor, application)
        item = ExternalDataSource.objects.create(
            application=locked,
            source=source.strip()[:200],
            approval_reference=approval_reference.strip()[:100],
            description=description.strip(),
        )
        _changed(
            actor,
            locked,
            request,
            audit_action="application.external_data_added",
            after={"source": item.source, "approval_reference": item.approval_reference},
        )
    return item


def remove_external_data(*, actor: User, item: ExternalDataSource, request: Any = None) -> None:
    _remove(
        actor, item, request, audit_action="application.external_data_removed", source=item.source
    )


def attach_document(
    *, actor: User, application: Application, kind: str, upload: Any, request: Any = None
) -> UploadedDocument:
    """The protocol or the DPIA: checked by content, stored under a generated name (R12)."""
    if kind not in (UploadedDocument.Kind.PROTOCOL, UploadedDocument.Kind.DPIA):
        raise RuleViolation(
            "R12", "kind", _("'%(kind)s' is not a document of an application.") % {"kind": kind}
        )
    # Check the person and the state before reading the file.
    with transaction.atomic():
        editable(actor, application)
    content, extension, name = uploads.read_upload(upload, kind)
    with files.kept_if_committed(), transaction.atomic():
        stored = uploads.store(content, extension)
        locked = editable(actor, application)
        document = UploadedDocument.objects.create(
            kind=kind,
            original_name=name,
            stored_name=stored,
            content_type=CONTENT_TYPES[extension],
            size=len(content),
            sha256=uploads.digest(content),
            uploaded_by=actor,
        )
        setattr(locked, kind, document)
        locked.save(update_fields=[kind])
        _changed(
            actor,
            locked,
            request,
            audit_action="application.document_attached",
            after={"kind": kind, "name": name, "sha256": document.sha256},
        )
    return document
