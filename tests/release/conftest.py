"""A small world for safe outputs: an authorised university with a project of two members,
two output checkers outside it, an auditor, and helpers to put files in the project's outputs
area and to walk a request through its checks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from fivesafes.policy.permissions import Role
from tests.conftest import use_file_store
from tests.people.conftest import authorise, certify

OK_TABLE = "region,sex,n\nNorth,F,120\nNorth,M,110\nSouth,F,95\nSouth,M,97\n"
SMALL_CELL = "region,sex,n\nNorth,F,120\nNorth,M,110\nSouth,F,3\nSouth,M,97\n"
ROLES = {"region": "label", "sex": "label", "n": "frequency"}


@dataclass
class ReleaseWorld:
    institution: Any
    manager: Any
    author: Any
    colleague: Any
    outsider: Any
    project: Any
    checker: Any
    second_checker: Any
    third_checker: Any
    auditor: Any
    staff: dict[str, Any]


@pytest.fixture(autouse=True)
def release_dirs(settings, tmp_path):
    """The outputs area and the file store of this test, and routing without chance: no
    sample unless a test asks for one."""
    settings.DATA_DIR = tmp_path
    use_file_store(settings, tmp_path / "files")
    settings.FIVESAFES_RELEASE_SAMPLE_RATE = 0.0
    settings.FIVESAFES_RELEASE_RISK_SAMPLE_RATE = 0.0
    settings.FIVESAFES_RELEASE_AFTER_REVIEW_RATE = 0.0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return tmp_path


def make_project(number: str, institution: Any, responsible: Any, *members: Any) -> Any:
    from fivesafes.projects.models import Project, ProjectMembership

    today = timezone.localdate()
    project = Project.objects.create(
        number=number,
        title=f"Project {number}",
        institution=institution,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=700),
        responsible=responsible,
    )
    for member in members:
        ProjectMembership.objects.create(project=project, person=member)
    return project


@pytest.fixture
def rw(make_user) -> ReleaseWorld:
    from fivesafes.people.services import researchers

    staff = {
        "case_handler": make_user(Role.CASE_HANDLER),
        "approver": make_user(Role.APPROVER),
        "secretary": make_user(Role.SECRETARY),
    }
    manager = make_user(Role.INSTITUTION_MANAGER)
    case = authorise(manager=manager, name="Aarhus University", **staff)
    institution = case.institution
    author = make_user(Role.RESEARCHER, username="ria")
    colleague = make_user(Role.RESEARCHER, username="cole")
    outsider = make_user(Role.RESEARCHER, username="otto")
    for person in (author, colleague, outsider):
        researchers.attach(actor=manager, institution=institution, researcher=person)
        certify(person)
    project = make_project("P-2026-014", institution, author, colleague)
    return ReleaseWorld(
        institution=institution,
        manager=manager,
        author=author,
        colleague=colleague,
        outsider=outsider,
        project=project,
        checker=make_user(Role.OUTPUT_CHECKER, username="chris"),
        second_checker=make_user(Role.OUTPUT_CHECKER, username="charlotte"),
        third_checker=make_user(Role.OUTPUT_CHECKER, username="carl"),
        auditor=make_user(Role.AUDITOR, username="audrey"),
        staff=staff,
    )


def outputs(project: Any) -> Path:
    from fivesafes.release.outputs import outputs_dir

    folder = outputs_dir(project)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def write_output(project: Any, path: str, content: str | bytes) -> Path:
    target = outputs(project) / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content.encode() if isinstance(content, str) else content)
    return target


def crosstab_record(n: int = 500) -> tuple[dict[str, Any], str]:
    """A check record of a passing crosstab, and the table file that shows its numbers."""
    import numpy as np
    import pandas as pd

    from fivesafes import sdc

    rng = np.random.default_rng(1)
    frame = pd.DataFrame(
        {"region": rng.choice(["North", "South"], n), "sex": rng.choice(["F", "M"], n)}
    )
    record = sdc.crosstab(frame.region, frame.sex).record()
    lines = ["region,sex,count"]
    for cell in record["table"]["cells"]:
        lines.append(
            f"{cell['labels']['region']},{cell['labels']['sex']},{cell['values']['count']}"
        )
    return record, "\n".join(lines) + "\n"


def record_text(record: dict[str, Any]) -> str:
    return json.dumps(record)


def request_with(rw: ReleaseWorld, files: dict[str, tuple[str | bytes, dict[str, Any]]]) -> Any:
    """A draft request by the author holding `files` ({path: (content, options)})."""
    from fivesafes.release.services import requests

    release = requests.create(actor=rw.author, project=rw.project)
    for path, (content, options) in files.items():
        write_output(rw.project, path, content)
        requests.add_file(
            actor=rw.author,
            release=release,
            path=path,
            context=options.pop("context", f"What {path} shows"),
            **options,
        )
    return release


def submitted_and_checked(rw: ReleaseWorld, release: Any) -> Any:
    """Submit as the author, run the check job's body, and return the request afresh."""
    from fivesafes.release.services import requests

    requests.submit(actor=rw.author, release=release)
    requests.run_checks(release.pk)
    release.refresh_from_db()
    return release


def reviewed(rw: ReleaseWorld, release: Any, decision: str = "approve") -> Any:
    """Both checkers vote `decision` on every file and submit their reviews."""
    from fivesafes.release.services import requests

    for checker in (rw.checker, rw.second_checker):
        for file in release.active_files().filter(is_evidence=False):
            requests.vote(actor=checker, file=file, decision=decision, comment="Looked at it.")
        release = requests.submit_review(actor=checker, release=release)
    release.refresh_from_db()
    return release
