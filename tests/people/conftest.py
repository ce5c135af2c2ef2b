"""A small world for the safe-people tests, built through the services as a person would."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from fivesafes.policy.permissions import Role
from tests.conftest import use_file_store


@dataclass
class World:
    manager: Any
    researcher: Any
    case_handler: Any
    approver: Any
    secretary: Any
    institution: Any
    authorisation: Any
    project: Any
    agreement: Any


def authorise(*, manager, case_handler, approver, secretary, name="Aarhus University", years=5):
    """Walk an institution from application to registration; returns the authorisation."""
    from fivesafes.people.services import authorisation as auth

    case = auth.apply(
        actor=manager,
        name=name,
        kind="university",
        country="DK",
        recognition="Research council",
        address="Nordre Ringgade 1",
        application_text="Department of economics, register-based labour research.",
        research_group="Ann Analyst\nBo Econometrician",
    )
    auth.take_step(actor=case_handler, authorisation=case, step="start_evaluation")
    auth.record_credibility(actor=case_handler, authorisation=case, assessment="Public university.")
    today = timezone.localdate()
    auth.take_step(
        actor=case_handler,
        authorisation=case,
        step="prepare_agreement",
        valid_from=today - timedelta(days=1),
        valid_until=today + timedelta(days=365 * years),
    )
    auth.take_step(actor=case_handler, authorisation=case, step="recommend", note="Recommended.")
    auth.take_step(actor=approver, authorisation=case, step="approve")
    auth.take_step(actor=secretary, authorisation=case, step="send")
    auth.take_step(actor=manager, authorisation=case, step="sign")
    return auth.take_step(actor=secretary, authorisation=case, step="register")


def add_member(project, person) -> None:
    """Make `person` a member of `project`, as an approved application or change would."""
    from fivesafes.projects.models import ProjectMembership

    ProjectMembership.objects.get_or_create(project=project, person=person)


def certify(person) -> Any:
    from fivesafes.people.models import CertificationAttempt

    return CertificationAttempt.objects.create(person=person, correct=5, total=5, passed=True)


@pytest.fixture(autouse=True)
def people_files(settings, tmp_path):
    """Documents and evidence go to a directory of this test, not the shared test data."""
    use_file_store(settings, tmp_path / "files")
    return tmp_path / "files"


@pytest.fixture
def staff(make_user):
    return {
        "case_handler": make_user(Role.CASE_HANDLER, username="camilla"),
        "approver": make_user(Role.APPROVER, username="anna"),
        "secretary": make_user(Role.SECRETARY, username="soren"),
    }


@pytest.fixture
def world(make_user, staff) -> World:
    from fivesafes.people.services import agreements, researchers
    from fivesafes.projects.models import Project, ProjectMembership

    manager = make_user(Role.INSTITUTION_MANAGER, Role.RESEARCHER, username="mads")
    researcher = make_user(Role.RESEARCHER, username="rikke")
    case = authorise(manager=manager, **staff)
    institution = case.institution
    researchers.attach(actor=manager, institution=institution, researcher=researcher)
    today = timezone.localdate()
    project = Project.objects.create(
        number="P-2026-001",
        title="Labour market careers",
        institution=institution,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=700),
        responsible=manager,
    )
    ProjectMembership.objects.create(project=project, person=researcher)
    agreement = agreements.create(
        actor=manager,
        researcher=researcher,
        project=project,
        starts_on=today,
        ends_on=today + timedelta(days=365),
        allowed_networks="127.0.0.1\n192.0.2.0/24",
    )
    agreements.sign(actor=researcher, agreement=agreement)
    agreements.countersign(actor=manager, agreement=agreement)
    certify(researcher)
    agreement.refresh_from_db()
    return World(
        manager=manager,
        researcher=researcher,
        institution=institution,
        authorisation=case,
        project=project,
        agreement=agreement,
        **staff,
    )


def db_state() -> dict[str, Any]:
    """Counts and states that must not move when a service refuses."""
    from fivesafes.accounts.models import ApiToken
    from fivesafes.audit.models import AuditEvent
    from fivesafes.people import models as m

    return {
        "audit": AuditEvent.objects.count(),
        "institutions": list(m.Institution.objects.values_list("pk", "manager_id")),
        "cases": list(m.Authorisation.objects.values_list("pk", "state", "valid_until")),
        "attachments": list(m.Attachment.objects.values_list("pk", "institution_id", "ends_on")),
        "agreements": list(
            m.ResearcherAgreement.objects.values_list(
                "pk", "researcher_signed_at", "countersigned_at", "ended_at"
            )
        ),
        "sanctions": m.Sanction.objects.count(),
        "breaches": list(m.Breach.objects.values_list("pk", "state")),
        "tokens": list(ApiToken.objects.values_list("pk", "revoked_at")),
        "signatures": m.SignatureEvent.objects.count(),
    }
