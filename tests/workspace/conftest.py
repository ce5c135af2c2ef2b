"""A small world for the workspace: an authorised university with a project of two members
(each with a signed and countersigned agreement, certified), a researcher outside the
project, a second project with its own data, staff who oversee workspaces, and a data folder
the sandbox's unprivileged user can traverse (pytest's own tmp_path is private to root).

Runs are executed the way the worker would (`run_queued`: the job's body, here, at once)."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fivesafes.policy.permissions import Role
from tests.conftest import use_file_store, verified_client
from tests.delivery.conftest import make_agreement
from tests.people.conftest import authorise, certify
from tests.release.conftest import make_project

# Small limits: the sandbox-driven tests stay quick.
FAST = {
    "cpu_seconds": 3,
    "memory_bytes": 1_500_000_000,
    "processes": 40,
    "file_size_bytes": 2_000_000,
    "wall_seconds": 20,
}


@dataclass
class WorkspaceWorld:
    data_dir: Path
    institution: Any
    manager: Any
    member: Any
    colleague: Any
    outsider: Any
    project: Any
    other_project: Any
    other_member: Any
    staff: Any
    case_handler: Any
    auditor: Any

    def client(self, person: Any = None) -> Any:
        return verified_client(person or self.member)

    def areas(self, person: Any = None, project: Any = None) -> Any:
        from fivesafes.workspace.areas import areas_for

        return areas_for(project or self.project, person or self.member)


@pytest.fixture
def data_dir(settings) -> Any:
    root = Path(tempfile.mkdtemp(prefix="fivesafes-workspace-test-"))
    root.chmod(0o755)
    settings.DATA_DIR = root
    use_file_store(settings, root / "files")
    settings.FIVESAFES_WORKSPACE_LIMITS = FAST
    settings.FIVESAFES_WORKSPACE_ACCESS_CHECK_SECONDS = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield root
    shutil.rmtree(root, ignore_errors=True)


def write_data(
    project: Any, name: str = "persons.csv", content: str = "id,income\n1,100\n"
) -> Path:
    """A file in the project's data folder, as the delivery room leaves it (read-only)."""
    from django.conf import settings

    folder = Path(settings.DATA_DIR) / "projects" / project.number / "data" / "1"
    folder.mkdir(parents=True, exist_ok=True)
    for path in (folder.parent.parent, folder.parent, folder):
        path.chmod(0o755)
    target = folder / name
    target.write_text(content)
    target.chmod(0o644)
    return target


@pytest.fixture
def ww(make_user, data_dir) -> WorkspaceWorld:
    from fivesafes.people.services import researchers

    staff = {
        "case_handler": make_user(Role.CASE_HANDLER),
        "approver": make_user(Role.APPROVER),
        "secretary": make_user(Role.SECRETARY),
    }
    manager = make_user(Role.INSTITUTION_MANAGER)
    case = authorise(manager=manager, name="Odense University", **staff)
    institution = case.institution
    member = make_user(Role.RESEARCHER, username="maja")
    colleague = make_user(Role.RESEARCHER, username="carl")
    outsider = make_user(Role.RESEARCHER, username="otto")
    other_member = make_user(Role.RESEARCHER, username="olga")
    for person in (member, colleague, outsider, other_member):
        researchers.attach(actor=manager, institution=institution, researcher=person)
        certify(person)
    project = make_project("P-2026-013", institution, member, member, colleague)
    other = make_project("P-2026-099", institution, other_member, other_member)
    for person, where in ((member, project), (colleague, project), (other_member, other)):
        make_agreement(manager, person, where)
    write_data(project)
    write_data(other, "secret.csv", "id,income\n9,999\n")
    return WorkspaceWorld(
        data_dir=data_dir,
        institution=institution,
        manager=manager,
        member=member,
        colleague=colleague,
        outsider=outsider,
        project=project,
        other_project=other,
        other_member=other_member,
        staff=make_user(Role.ADMINISTRATOR, username="sysadm"),
        case_handler=staff["case_handler"],
        auditor=make_user(Role.AUDITOR),
    )


def run_queued(run: Any) -> Any:
    """What the `workspace` worker does with the run's job (the task's body, run here)."""
    from fivesafes.workspace.services.execution import execute

    execute(run.pk)
    run.refresh_from_db()
    return run


def start_script(ww: WorkspaceWorld, code: str, name: str = "job.py", person: Any = None) -> Any:
    """Save `code` as a shared file and start it as a run, through the services."""
    from fivesafes.workspace.services import files, runs

    person = person or ww.member
    files.save_text(actor=person, project=ww.project, area="files", path=name, text=code)
    return runs.start(actor=person, project=ww.project, script=f"/project/files/{name}")


@pytest.fixture(autouse=True)
def _forget_kept_access_answers() -> Any:
    """The proxy keeps passing answers per person in the process; ids repeat between tests."""
    from fivesafes.workspace.proxy import access

    access.forget_answers()
    yield
    access.forget_answers()
