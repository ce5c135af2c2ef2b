"""A delivery whose approved scope names a survey (R15), for the external-data tests: the
source on the approved application with its data-protection reference, a planned delivery,
survey files in the kinds the tests send, and a helper that sends one through a link."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

SOURCE = "Survey of living conditions"
REFERENCE = "DPA-2026-17"


def survey_csv(pnrs: list[str], extra: str = "") -> bytes:
    lines = ["pnr;satisfaction;smoker"] + [
        f"{p};{(i % 10) + 1};{'yes' if i % 3 == 0 else 'no'}" for i, p in enumerate(pnrs)
    ]
    return ("\n".join(lines) + "\n" + extra).encode("utf-8")


PNRS = ["0101800001", "0202810002", "0303820003"]


def file_of(content: bytes, name: str = "survey.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def name_survey(project: Any, application: Any) -> None:
    """The approved scope and application name the survey (with its reference on file)."""
    from fivesafes.projects.models import ExternalDataSource

    ExternalDataSource.objects.create(
        application=application, source=SOURCE, approval_reference=REFERENCE
    )
    project.approved_scope = dict(project.approved_scope, external_data=[SOURCE])
    project.save()


@pytest.fixture
def xw(dw) -> Any:
    """`dw` with the survey named and delivery 1 planned (fake core)."""
    from fivesafes.delivery.services import planning

    name_survey(dw.project, dw.application)
    dw.delivery = planning.plan(actor=dw.handler, project=dw.project)
    return dw


def send(token: str, content: bytes, name: str = "survey.csv", reference: str = REFERENCE) -> Any:
    from fivesafes.delivery.services import external

    return external.receive(token=token, reference=reference, uploaded=file_of(content, name))
