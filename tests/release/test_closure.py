"""At a project's closure the frozen copies of files never released are deleted, verified
gone and audited (R25); the released files' copies stay for the release log."""

from __future__ import annotations

from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from fivesafes import files as file_store
from fivesafes.audit.models import AuditEvent
from fivesafes.projects.services import closure as project_closure
from fivesafes.release.models import ReleasedFile, RequestFile
from fivesafes.release.services import closure, requests
from fivesafes.release.services import release as releasing
from fivesafes.release.workflow import RequestState
from fivesafes.shared.refusals import RuleViolation
from tests.release.conftest import (
    OK_TABLE,
    ROLES,
    SMALL_CELL,
    request_with,
    submitted_and_checked,
    write_output,
)

pytestmark = pytest.mark.django_db


def copy_of(file: RequestFile) -> Path:
    return file_store.path_of(file.stored_name)


@pytest.fixture
def three_requests(rw):
    """A released table, a table returned for a small cell, a figure waiting for checkers."""
    released = submitted_and_checked(
        rw, request_with(rw, {"ok.csv": (OK_TABLE, {"declarations": ROLES})})
    )
    releasing.run_batch()
    returned = submitted_and_checked(
        rw, request_with(rw, {"small.csv": (SMALL_CELL, {"declarations": ROLES})})
    )
    waiting = submitted_and_checked(rw, request_with(rw, {"fig.png": (b"png", {})}))
    assert (returned.state, waiting.state) == (RequestState.RETURNED, RequestState.CHECKED)
    return released, returned, waiting


def close(rw) -> None:
    project_closure.close(actor=rw.staff["case_handler"], project=rw.project, reason="Done.")
    rw.project.refresh_from_db()


def test_closure_deletes_the_unreleased_copies_and_keeps_the_released_ones(
    rw, three_requests, django_capture_on_commit_callbacks
):
    released, returned, waiting = three_requests
    kept = ReleasedFile.objects.get().file
    gone = [returned.files.get(), waiting.files.get()]
    assert all(copy_of(f).is_file() for f in [kept, *gone])
    assert returned.files.get().check_record is not None

    with django_capture_on_commit_callbacks(execute=True):
        close(rw)
    job = DBTaskResult.objects.get(task_path="fivesafes.release.tasks.clear_frozen_copies")
    assert job.args_kwargs["kwargs"] == {"project_id": rw.project.pk}

    done = closure.clear_frozen_copies(project=rw.project)
    assert done.verified and (done.files, done.kept_released) == (2, 1)
    assert done.bytes == len(SMALL_CELL) + len(b"png")
    assert not any(copy_of(f).exists() for f in gone)
    for file in gone:
        file.refresh_from_db()
        assert file.frozen_deleted_at is not None and file.check_record is None
        assert file.sha256  # what was submitted is still known by its checksum
    # The release log's file is still there, byte for byte.
    assert releasing.verified_bytes(kept) == OK_TABLE.encode()
    assert file_store.orphans() == []
    event = AuditEvent.objects.get(action="release.frozen_copies_deleted")
    assert event.object_id == str(rw.project.pk)
    assert event.data["files"] == 2 and event.data["verified_gone"] is True
    assert sorted(event.data["requests"]) == sorted([returned.reference, waiting.reference])
    assert event.data["released_files_kept"] == 1

    # Run again (the job is retry-safe): nothing to delete, nothing written.
    count = AuditEvent.objects.count()
    assert closure.clear_frozen_copies(project=rw.project).verified
    assert AuditEvent.objects.count() == count


def test_an_active_projects_copies_stay(rw, three_requests):
    _released, returned, _waiting = three_requests
    with pytest.raises(RuleViolation) as refused:
        closure.clear_frozen_copies(project=rw.project)
    assert (refused.value.rule, refused.value.field) == ("R25", "project")
    assert "active" in refused.value.finding.message
    assert copy_of(returned.files.get()).is_file()


def test_a_copy_left_on_disk_is_refused_and_nothing_is_recorded(rw, three_requests, monkeypatch):
    _released, returned, _waiting = three_requests
    close(rw)
    monkeypatch.setattr(Path, "unlink", lambda self, missing_ok=False: None)
    with pytest.raises(RuleViolation, match="still on disk"):
        closure.clear_frozen_copies(project=rw.project)
    assert returned.files.get().frozen_deleted_at is None
    assert not AuditEvent.objects.filter(action="release.frozen_copies_deleted").exists()


def test_an_earlier_rounds_copy_goes_at_closure_and_the_released_one_stays(rw):
    release = submitted_and_checked(
        rw, request_with(rw, {"t.csv": (SMALL_CELL, {"declarations": ROLES})})
    )
    assert release.state == RequestState.RETURNED
    file = release.files.get()
    first_round = copy_of(file)
    write_output(rw.project, "t.csv", OK_TABLE)  # the small cell merged in the workspace
    requests.update_file(actor=rw.author, file=file, context="Merged", declarations=ROLES)
    submitted_and_checked(rw, release)
    releasing.run_batch()
    file.refresh_from_db()
    assert file.earlier_copies and first_round.read_text() == SMALL_CELL
    assert file_store.orphans() == []  # the earlier round's copy is still accounted for

    close(rw)
    done = closure.clear_frozen_copies(project=rw.project)
    assert (done.files, done.kept_released) == (1, 1) and not first_round.exists()
    file.refresh_from_db()
    assert file.earlier_copies == [] and file.frozen_deleted_at is None
    assert releasing.verified_bytes(file) == OK_TABLE.encode()
