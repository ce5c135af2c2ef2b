"""Two authorised institutions and their projects, for the walk that looks for leaks.

Institution A ("OWN-A University") has a manager, two researchers and two projects: the
first researcher works in "OWN-A project"; the second in "SECRET-P project", which the first
may not see. Institution B ("SECRET-B University") has its own manager and researcher and one
of everything: an authorisation case with a question, an attachment, a project with a
researcher agreement, a publication and a delivered delivery, a draft application (variables, a member, external
data, a question, a quote and an invoice), a breach with evidence, a basket item and an API
token. Every name a person would read carries the marker of its side, so a page or answer that
shows "SECRET-B" (or "SECRET-P") to someone who may not see it is a leak.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fivesafes.policy.permissions import Role

OTHER_INSTITUTION = "SECRET-B"
OTHER_PROJECT = "SECRET-P"
OWN = "OWN-A"


@dataclass
class Targets:
    """The objects of one side, by the kind of object a path parameter names."""

    marker: str
    ids: dict[str, Any]


@dataclass
class SecurityWorld:
    people: dict[Role, Any]
    other_institution: Targets
    other_project: Targets
    # The first researcher's own objects (institution A, "OWN-A project"): what they may see.
    own: Targets


def _project(number: str, title: str, institution: Any, responsible: Any, member: Any) -> Any:
    from fivesafes.projects.models import Project, ProjectMembership

    today = timezone.localdate()
    project = Project.objects.create(
        number=number,
        title=title,
        institution=institution,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=700),
        responsible=responsible,
    )
    ProjectMembership.objects.create(project=project, person=member)
    return project


def _agreement(manager: Any, researcher: Any, project: Any) -> Any:
    from fivesafes.people.services import agreements

    today = timezone.localdate()
    agreement = agreements.create(
        actor=manager,
        researcher=researcher,
        project=project,
        starts_on=today,
        ends_on=today + timedelta(days=365),
        allowed_networks="127.0.0.1",
    )
    agreements.sign(actor=researcher, agreement=agreement)
    agreements.countersign(actor=manager, agreement=agreement)
    return agreement


def _institution(
    make_user: Callable[..., Any], staff: dict[str, Any], name: str
) -> tuple[Any, Any, Any]:
    """An authorised institution with its manager and one attached, certified researcher."""
    from fivesafes.people.services import researchers
    from tests.people.conftest import authorise, certify

    manager = make_user(Role.INSTITUTION_MANAGER)
    researcher = make_user(Role.RESEARCHER)
    case = authorise(manager=manager, name=name, **staff)
    researchers.attach(actor=manager, institution=case.institution, researcher=researcher)
    certify(researcher)
    return case, manager, researcher


def _application(researcher: Any, institution: Any, title: str, variable: Any) -> Any:
    from fivesafes.data.models import BasketItem
    from fivesafes.projects.services import applications

    BasketItem.objects.create(user=researcher, variable=variable, first_year=2010, last_year=2012)
    return applications.create_draft(actor=researcher, institution=institution, title=title)


def _delivery(project: Any, marker: str) -> Any:
    """A delivered delivery of `project` whose plan, files and codebook carry the marker."""
    from django.conf import settings

    from fivesafes.delivery.models import Delivery

    folder = settings.DATA_DIR / "projects" / project.number / "data" / "1"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("codebook.html", "codebook.json", "manifest.json"):
        (folder / name).write_text(f'"{marker} codebook"')
    (folder / f"{marker}.parquet").write_text(f"{marker} rows")
    return Delivery.objects.create(
        project=project,
        number=1,
        state="delivered",
        description=[f"{marker} plan"],
        files=[{"name": f"{marker}.parquet", "rows": 1, "bytes": 12, "sha256": "0" * 64}],
    )


def _upload_and_reidentification(delivery: Any, staff: Any, marker: str) -> dict[str, int]:
    """An external-data upload of `delivery` and a re-identification asked in its project, both
    carrying the marker (their owner, source and reason)."""
    from datetime import timedelta

    from django.utils import timezone

    from fivesafes.delivery.models import ExternalUpload, Reidentification

    upload = ExternalUpload.objects.create(
        delivery=delivery,
        source=f"{marker} survey",
        table_name="SURVEY",
        owner=f"{marker} survey institute",
        token_hash="f" * 64,
        expires_at=timezone.now() + timedelta(days=3),
        created_by=staff,
    )
    item = Reidentification.objects.create(
        project=delivery.project, pseudonym=17, reason=f"{marker} consent withdrawn", asked_by=staff
    )
    return {"external_upload": upload.pk, "reidentification": item.pk}


def _workspace_run(project: Any, person: Any, marker: str) -> int:
    """A finished batch run of `project` whose script, words and log carry the marker; its
    output file in the outputs area too."""
    from django.conf import settings

    from fivesafes.workspace.models import Run
    from fivesafes.workspace.services.execution import log_path

    run = Run.objects.create(
        project=project,
        person=person,
        kind="python",
        script=f"/project/files/{marker}-analysis.py",
        state="finished",
        words=f"finished ({marker})",
        files_written=[{"area": "outputs", "path": f"{marker}.csv", "bytes": 10}],
    )
    log = log_path(run.pk)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"{marker} output\n")
    outputs = settings.DATA_DIR / "projects" / project.number / "outputs"
    outputs.mkdir(parents=True, exist_ok=True)
    (outputs / f"{marker}.csv").write_text(f"{marker},1\n")
    return run.pk


def _release(project: Any, author: Any, marker: str) -> dict[str, Any]:
    """A released request of `project` with one file whose name, words and bytes carry the
    marker, and a draft request beside it."""
    import hashlib

    from fivesafes import files
    from fivesafes.release.models import FROZEN, ReleasedFile, ReleaseRequest, RequestFile

    content = f"region,n\n{marker} North,120\n".encode()
    released = ReleaseRequest.objects.create(project=project, author=author, state="released")
    file = RequestFile.objects.create(
        request=released,
        path=f"{marker}-table.csv",
        context=f"{marker} counts by region",
        added_by=author,
        stored_name=files.write(f"{FROZEN}/{marker.lower()}.csv", content),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        verdict="pass",
        reasons=[f"{marker}-table.csv passes every rule."],
    )
    entry = ReleasedFile.objects.create(
        file=file,
        request=released,
        project=project,
        name=file.path,
        sha256=file.sha256,
        size=file.size,
        checks={"verdict": "pass", "reasons": file.reasons},
        recipients=[author.email],
        automatic=True,
        after_review=True,
    )
    draft = ReleaseRequest.objects.create(project=project, author=author)
    RequestFile.objects.create(
        request=draft, path=f"{marker}-figure.png", context=f"{marker} figure", added_by=author
    )
    return {"release_request": draft.pk, "request_file": file.pk, "released_file": entry.pk}


def build(make_user: Callable[..., Any]) -> SecurityWorld:
    from fivesafes.accounts.models import ApiToken
    from fivesafes.audit.models import AuditEvent
    from fivesafes.data.models import BasketItem
    from fivesafes.people.models import Breach, BreachEvidence, ClarifyingQuestion
    from fivesafes.projects.models import (
        ApplicationQuestion,
        ExternalDataSource,
        Invoice,
        Publication,
        Quote,
    )
    from tests.people.conftest import certify
    from tests.projects.conftest import make_catalogue

    staff = {
        "case_handler": make_user(Role.CASE_HANDLER),
        "approver": make_user(Role.APPROVER),
        "secretary": make_user(Role.SECRETARY),
    }
    variables = make_catalogue()
    today = timezone.localdate()

    case_a, manager_a, researcher_a = _institution(make_user, staff, f"{OWN} University")
    project_a = _project("P-A-1", f"{OWN} project", case_a.institution, manager_a, researcher_a)
    agreement_a = _agreement(manager_a, researcher_a, project_a)
    application_a = _application(
        researcher_a, case_a.institution, f"{OWN} application", variables["income"]
    )
    colleague = make_user(Role.RESEARCHER)
    from fivesafes.people.services import researchers

    researchers.attach(actor=manager_a, institution=case_a.institution, researcher=colleague)
    certify(colleague)
    hidden = _project("P-A-2", f"{OTHER_PROJECT} project", case_a.institution, manager_a, colleague)
    hidden_publication = Publication.objects.create(
        project=hidden, title=f"{OTHER_PROJECT} publication", registered_by=colleague
    )

    case_b, manager_b, researcher_b = _institution(
        make_user, staff, f"{OTHER_INSTITUTION} University"
    )
    institution_b = case_b.institution
    project_b = _project(
        "P-B-1", f"{OTHER_INSTITUTION} project", institution_b, manager_b, researcher_b
    )
    agreement_b = _agreement(manager_b, researcher_b, project_b)
    question_b = ClarifyingQuestion.objects.create(
        authorisation=case_b,
        question=f"{OTHER_INSTITUTION} question about the research group",
        asked_by=staff["case_handler"],
    )
    application_b = _application(
        researcher_b, institution_b, f"{OTHER_INSTITUTION} application", variables["income"]
    )
    external_b = ExternalDataSource.objects.create(
        application=application_b, source=f"{OTHER_INSTITUTION} survey"
    )
    asked_b = ApplicationQuestion.objects.create(
        application=application_b,
        text=f"{OTHER_INSTITUTION} question about the population",
        asked_by=staff["case_handler"],
    )
    money = {"subtotal": Decimal("100.00"), "vat": Decimal("25.00"), "total": Decimal("125.00")}
    quote_b = Quote.objects.create(
        application=application_b,
        lines=[
            {
                "label": f"{OTHER_INSTITUTION} extraction",
                "detail": "",
                "quantity": "1",
                "unit_price": "100.00",
                "amount": "100.00",
            }
        ],
        delivery_days=30,
        estimated_delivery_on=today + timedelta(days=30),
        invoice_to=institution_b,
        issued_by=staff["secretary"],
        **money,
    )
    invoice_b = Invoice.objects.create(
        quote=quote_b,
        number="INV-B-1",
        addressed_to=institution_b,
        address=f"{OTHER_INSTITUTION} accounts office",
        issued_by=staff["secretary"],
        due_on=today + timedelta(days=30),
        **money,
    )
    publication_b = Publication.objects.create(
        project=project_b, title=f"{OTHER_INSTITUTION} publication", registered_by=researcher_b
    )
    breach_b = Breach.objects.create(
        researcher=researcher_b,
        institution=institution_b,
        what_happened=f"{OTHER_INSTITUTION} breach: a table left the secure area",
        evidence="Log 17",
        reported_by=staff["case_handler"],
    )
    evidence_b = BreachEvidence.objects.create(
        breach=breach_b,
        name="secret-b-log.pdf",
        stored_name="evidence/secret-b-log.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=staff["case_handler"],
    )
    release_b = _release(project_b, researcher_b, OTHER_INSTITUTION)
    release_hidden = _release(hidden, colleague, OTHER_PROJECT)
    token_b, _plain = ApiToken.issue(user=researcher_b, name="analysis", days=5)
    delivery_b = _delivery(project_b, OTHER_INSTITUTION)
    hidden_delivery = _delivery(hidden, OTHER_PROJECT)
    event_b = AuditEvent.objects.filter(
        object_type="projects.application", object_id=str(application_b.pk)
    ).latest("sequence")

    people = {
        Role.RESEARCHER: researcher_a,
        Role.INSTITUTION_MANAGER: manager_a,
        Role.CASE_HANDLER: staff["case_handler"],
        Role.APPROVER: staff["approver"],
        Role.SECRETARY: staff["secretary"],
        Role.OUTPUT_CHECKER: make_user(Role.OUTPUT_CHECKER),
        Role.AUDITOR: make_user(Role.AUDITOR),
        Role.ADMINISTRATOR: make_user(Role.ADMINISTRATOR),
    }
    own = Targets(
        marker=OWN,
        ids={
            "institution": case_a.institution.pk,
            "case": case_a.pk,
            "attachment": case_a.institution.attachments.get(researcher=researcher_a).pk,
            "agreement": agreement_a.pk,
            "project": project_a.pk,
            "application": application_a.pk,
            "variable_line": application_a.variables.get().pk,
            "member": application_a.members.get().pk,
            "member_username": researcher_a.username,
            "delivery": _delivery(project_a, OWN).pk,
            "workspace_run": _workspace_run(project_a, researcher_a, OWN),
            **_release(project_a, researcher_a, OWN),
        },
    )
    return SecurityWorld(
        people=people,
        own=own,
        other_institution=Targets(
            marker=OTHER_INSTITUTION,
            ids={
                "institution": institution_b.pk,
                "case": case_b.pk,
                "case_question": question_b.pk,
                "attachment": institution_b.attachments.get().pk,
                "agreement": agreement_b.pk,
                "project": project_b.pk,
                "publication": publication_b.pk,
                "application": application_b.pk,
                "variable_line": application_b.variables.get().pk,
                "member": application_b.members.get().pk,
                "member_username": researcher_b.username,
                "external": external_b.pk,
                "application_question": asked_b.pk,
                "quote": quote_b.pk,
                "invoice": invoice_b.pk,
                "breach": breach_b.pk,
                "evidence": evidence_b.pk,
                "basket_item": BasketItem.objects.get(user=researcher_b).pk,
                "token": token_b.key_id,
                "audit_event": event_b.sequence,
                "delivery": delivery_b.pk,
                **_upload_and_reidentification(
                    delivery_b, staff["case_handler"], OTHER_INSTITUTION
                ),
                "workspace_run": _workspace_run(project_b, researcher_b, OTHER_INSTITUTION),
                **release_b,
            },
        ),
        other_project=Targets(
            marker=OTHER_PROJECT,
            ids={
                "project": hidden.pk,
                "publication": hidden_publication.pk,
                "delivery": hidden_delivery.pk,
                "workspace_run": _workspace_run(hidden, colleague, OTHER_PROJECT),
                **release_hidden,
            },
        ),
    )
