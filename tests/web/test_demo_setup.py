"""`fivesafes demo --setup-only` leaves a demo a visitor can use: logins, catalogue, a draft,
and work waiting for each office role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.conftest import use_file_store

pytestmark = pytest.mark.django_db


def test_demo_setup_prepares_users_people_catalogue_and_a_draft_application(
    settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from fivesafes.accounts.models import User
    from fivesafes.data.models import CatalogueRegister
    from fivesafes.people.demo import DEMO_INSTITUTION
    from fivesafes.people.models import Institution
    from fivesafes.projects.demo import DEMO_TITLE
    from fivesafes.projects.models import Application
    from fivesafes.web.demo_cases import RECOMMENDED_TITLE, SECOND_INSTITUTION, SUBMITTED_TITLE

    settings.DATA_DIR = tmp_path
    use_file_store(settings, tmp_path / "files")
    call_command("demo", "--setup-only", "--persons", "1500")
    out = capsys.readouterr().out
    assert "generating synthetic registers for 1,500 persons" in out
    assert "Set-up done." in out
    assert User.objects.filter(username="researcher").exists()
    assert Institution.objects.filter(name=DEMO_INSTITUTION).exists()
    assert CatalogueRegister.objects.filter(short_name="POPULATION").exists()
    states = dict(
        Application.objects.filter(applicant__username="researcher").values_list("title", "state")
    )
    assert states == {
        DEMO_TITLE: "draft",
        SUBMITTED_TITLE: "submitted",
        RECOMMENDED_TITLE: "recommended",
    }
    # The office has work waiting: a case with a question for the demo manager to answer.
    second = Institution.objects.get(name=SECOND_INSTITUTION)
    case = second.authorisations.get()
    assert case.state == "under_evaluation"
    assert case.questions.filter(answered_at__isnull=True).count() == 1
    assert "work waiting for the office" in out
    from fivesafes.release.models import ReleaseRequest

    waiting = ReleaseRequest.objects.get(author__username="researcher")
    assert waiting.state == "checked"  # the figure waits for two checkers
    assert "release request of the demo researcher" in out
    from fivesafes.delivery import folders
    from fivesafes.delivery.models import Delivery

    delivered = Delivery.objects.get(project__number="P-2026-001")
    assert delivered.state == "delivered", delivered.error  # data for the workspace (journey 5)
    assert (folders.delivery_dir("P-2026-001", 1) / "codebook.json").is_file()
    assert "delivery 1 of the demo project" in out
    call_command("demo", "--setup-only")  # a second run changes nothing and generates nothing
    again = capsys.readouterr().out
    assert "generating" not in again
    assert Application.objects.filter(applicant__username="researcher").count() == 3
    assert Institution.objects.filter(name=SECOND_INSTITUTION).count() == 1
    assert ReleaseRequest.objects.count() == 1
    assert Delivery.objects.count() == 1
