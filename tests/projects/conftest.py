"""A small world for safe projects: an authorised university, a researcher with a basket of
variables from a tiny hand-made catalogue, staff, and helpers to walk an application."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from fivesafes.policy.permissions import Role
from tests.conftest import use_file_store
from tests.people.conftest import authorise, certify

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class ProjectWorld:
    manager: Any
    researcher: Any
    case_handler: Any
    approver: Any
    secretary: Any
    institution: Any
    variables: dict[str, Any]


def _variable(version, name, position, data_type="integer", **flags):
    from fivesafes.data.models import CatalogueVariable

    return CatalogueVariable.objects.create(
        version=version,
        name=name,
        position=position,
        label_en=name,
        label_da=name,
        description_en=name,
        description_da=name,
        data_type=data_type,
        role="attribute",
        search_text=name,
        **flags,
    )


# The diagnosis code list: two current codes and one that ended in 2005.
DIAGNOSES = (
    ("E10", "Type 1 diabetes", date(2000, 1, 1), None),
    ("E11", "Type 2 diabetes", date(2000, 1, 1), None),
    ("Z99", "Retired code", date(2000, 1, 1), date(2005, 12, 31)),
)


def make_catalogue() -> dict[str, Any]:
    """Two registers: persons (a particularly identifying birth date) and firms (business data)."""
    from fivesafes.data.models import CatalogueRegister, RegisterVersion

    out = {}
    for short, area, first, last in (
        ("persons", "population", 2000, 2025),
        ("firms", "business", 2000, 2025),
    ):
        register = CatalogueRegister.objects.create(
            short_name=short, subject_area=area, unit_type="person"
        )
        version = RegisterVersion.objects.create(
            register=register,
            version="1",
            fingerprint="x" * 64,
            title_en=short,
            title_da=short,
            description_en=short,
            description_da=short,
            temporality="annual",
            first_year=first,
            last_year=last,
            data_owner="Statistics office",
        )
        register.current = version
        register.save()
        out[short] = version
    from fivesafes.data.models import CatalogueCode

    diagnosis = _variable(
        out["persons"],
        "diagnosis",
        3,
        data_type="string",
        special_category=True,
        code_list_name="icd10",
    )
    for code, label, valid_from, valid_until in DIAGNOSES:
        CatalogueCode.objects.create(
            variable=diagnosis,
            code=code,
            label_en=label,
            label_da=label,
            valid_from=valid_from,
            valid_until=valid_until,
        )
    return {
        "income": _variable(out["persons"], "income", 1),
        "birth_date": _variable(
            out["persons"], "birth_date", 2, data_type="date", particularly_identifying=True
        ),
        "diagnosis": diagnosis,
        "turnover": _variable(out["firms"], "turnover", 1, business_data=True),
        "cpr": _variable(out["persons"], "cpr", 4, directly_identifying=True),
    }


# A population over the tiny catalogue: resident in 2010, born 1950-1990.
POPULATION = {
    "unit": "person",
    "criteria": [
        {"variable": "persons.income", "operator": "present", "on": "2010-01-01"},
        {
            "variable": "persons.birth_date",
            "operator": "between",
            "values": ["1950-01-01", "1990-12-31"],
        },
    ],
}


@pytest.fixture
def upload_dir(tmp_path, settings):
    """Files of the test go to its own directory: DATA_DIR and the file store below it."""
    settings.DATA_DIR = tmp_path
    use_file_store(settings, tmp_path / "files")
    return tmp_path / "files" / "projects"


@pytest.fixture
def pw(make_user, upload_dir) -> ProjectWorld:
    from fivesafes.data.models import BasketItem
    from fivesafes.people.services import researchers

    staff = {
        "case_handler": make_user(Role.CASE_HANDLER, username="camilla"),
        "approver": make_user(Role.APPROVER, username="anna"),
        "secretary": make_user(Role.SECRETARY, username="soren"),
    }
    manager = make_user(Role.INSTITUTION_MANAGER, Role.RESEARCHER, username="mads")
    researcher = make_user(Role.RESEARCHER, username="rikke")
    case = authorise(manager=manager, **staff)
    researchers.attach(actor=manager, institution=case.institution, researcher=researcher)
    certify(researcher)
    variables = make_catalogue()
    BasketItem.objects.create(
        user=researcher, variable=variables["income"], first_year=2010, last_year=2020
    )
    BasketItem.objects.create(
        user=researcher, variable=variables["birth_date"], first_year=2010, last_year=2010
    )
    return ProjectWorld(
        manager=manager,
        researcher=researcher,
        institution=case.institution,
        variables=variables,
        **staff,
    )


def pdf_upload(name: str = "protocol.pdf", content: bytes = PDF) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    handle.size = len(content)  # type: ignore[attr-defined]
    return handle


def complete(application, actor) -> Any:
    """Fill in everything an application needs so that no finding blocks."""
    from fivesafes.projects.services import applications as service
    from fivesafes.projects.services import population

    today = timezone.localdate()
    service.update(
        actor=actor,
        application=application,
        changes={
            "purpose": "Income over the life course.",
            "description": "Register study of incomes by age.",
            "legal_basis_art6": "Art. 6(1)(e)",
            "no_dpia_reason": "Pseudonymised data, low risk; assessed by our DPO.",
            "population_definition": "Persons resident on 1 January 2010",
            "starts_on": today + timedelta(days=10),
            "ends_on": today + timedelta(days=700),
            "sample_size": 5000,
            "sample_reason": "Power calculation",
        },
    )
    population.set_population(actor=actor, application=application, definition=POPULATION)
    service.attach_document(
        actor=actor, application=application, kind="protocol", upload=pdf_upload()
    )
    for line in application.variables.all():
        service.update_variable(
            actor=actor,
            line=line,
            first_year=line.first_year,
            last_year=line.last_year,
            justification=f"{line.name} is the study's outcome.",
            identifying_justification="Exact age at the event is needed."
            if line.name == "birth_date"
            else "",
            coarsening="month" if line.name == "birth_date" else "",
        )
    application.refresh_from_db()
    return application


@pytest.fixture
def draft(pw):
    from fivesafes.projects.services import applications as service

    return service.create_draft(actor=pw.researcher, institution=pw.institution, title="Incomes")


@pytest.fixture
def submitted(pw, draft):
    from fivesafes.projects.services import decisions

    complete(draft, pw.researcher)
    return decisions.take_step(actor=pw.researcher, application=draft, step="submit")


@pytest.fixture
def recommended(pw, submitted):
    from fivesafes.projects.services import decisions

    decisions.take_step(actor=pw.case_handler, application=submitted, step="start_review")
    return decisions.take_step(
        actor=pw.case_handler, application=submitted, step="recommend", note="Meets the rules."
    )


def db_state() -> dict[str, Any]:
    """What must not move when a service refuses."""
    from fivesafes.audit.models import AuditEvent
    from fivesafes.projects import models as m

    return {
        "audit": AuditEvent.objects.count(),
        "applications": list(
            m.Application.objects.values_list(
                "pk",
                "state",
                "title",
                "findings",
                "decided_by",
                "recommended_by",
                "project",
                "population",
                "case_handler",
                "due_on",
            )
        ),
        "variables": list(
            m.ApplicationVariable.objects.values_list(
                "pk", "first_year", "last_year", "justification"
            )
        ),
        "members": list(m.ApplicationMember.objects.values_list("pk", "person")),
        "projects": list(m.Project.objects.values_list("pk", "state", "ends_on", "approved_scope")),
        "memberships": list(m.ProjectMembership.objects.values_list("project", "person")),
        "documents": m.UploadedDocument.objects.count(),
        "questions": list(m.ApplicationQuestion.objects.values_list("pk", "answer")),
    }


__all__ = ["PDF", "POPULATION", "ProjectWorld", "complete", "date", "db_state", "pdf_upload"]
