"""A project ready for its data: approved (scope with two variables, a population and a
sample), its quote accepted, its member's researcher agreement signed and countersigned; the
extraction core replaced by the contract's fake (`fake_core.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tests.delivery import fake_core
from tests.projects.conftest import POPULATION, ProjectWorld, pw, upload_dir  # noqa: F401

SCOPE = {
    "variables": {
        "persons.income": {"first_year": 2010, "last_year": 2020, "coarsening": ""},
        "persons.birth_date": {"first_year": 2010, "last_year": 2010, "coarsening": "month"},
    },
    "population": {
        "definition": "Persons resident on 1 January 2010",
        "unit": "person",
        "criteria": POPULATION["criteria"],
        "total": False,
        "sample_size": 5000,
    },
    "members": {},
    "period": {"starts_on": None, "ends_on": None},
    "external_data": [],
}
QUOTE_LINES = [
    {
        "code": "archiving_delivery",
        "label": "Archiving, documentation and delivery",
        "detail": "",
        "quantity": "1",
        "unit_price": "2750.00",
        "amount": "2750.00",
    },
    {
        "code": "outside_lists_hour",
        "label": "Extraction outside the variable lists",
        "detail": "",
        "quantity": "4",
        "unit_price": "1100.00",
        "amount": "4400.00",
    },
]


@dataclass
class DeliveryWorld:
    pw: ProjectWorld
    project: Any
    application: Any
    quote: Any
    agreement: Any

    @property
    def handler(self) -> Any:
        return self.pw.case_handler

    @property
    def researcher(self) -> Any:
        return self.pw.researcher


@pytest.fixture
def core(monkeypatch):
    """The extraction core as the contract's fake."""
    from fivesafes.delivery import extract

    monkeypatch.setattr(extract, "core", lambda: fake_core)
    extract._catalogue.cache_clear()
    fake_core.FAIL.clear()
    fake_core.RUNS.clear()
    yield fake_core
    fake_core.FAIL.clear()


def make_agreement(manager: Any, researcher: Any, project: Any) -> Any:
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


@pytest.fixture
def dw(pw, core) -> DeliveryWorld:  # noqa: F811
    from fivesafes.projects.models import Application, Project, ProjectMembership, Quote

    today = timezone.localdate()
    scope = dict(SCOPE, members={str(pw.researcher.pk): pw.researcher.username})
    project = Project.objects.create(
        number="P-2026-007",
        title="Incomes over the life course",
        institution=pw.institution,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=700),
        responsible=pw.researcher,
        approved_scope=scope,
    )
    ProjectMembership.objects.create(project=project, person=pw.researcher)
    application = Application.objects.create(
        kind=Application.Kind.NEW,
        state="approved",
        applicant=pw.researcher,
        institution=pw.institution,
        project=project,
        title=project.title,
    )
    quote = Quote.objects.create(
        application=application,
        state=Quote.State.ACCEPTED,
        lines=QUOTE_LINES,
        subtotal=Decimal("7150.00"),
        vat=Decimal("1787.50"),
        total=Decimal("8937.50"),
        delivery_days=20,
        estimated_delivery_on=today + timedelta(days=20),
        invoice_to=pw.institution,
        issued_by=pw.case_handler,
        accepted_by=pw.manager,
        accepted_at=timezone.now(),
    )
    agreement = make_agreement(pw.manager, pw.researcher, project)
    return DeliveryWorld(
        pw=pw, project=project, application=application, quote=quote, agreement=agreement
    )


def run_queued(delivery: Any) -> Any:
    """What the worker does with the delivery's job (the task's body, run here)."""
    from fivesafes.delivery.services.running import run

    run(delivery.pk)
    delivery.refresh_from_db()
    return delivery
