"""At closure the project's data folder is deleted, verified empty on disk and audited (R25)."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from fivesafes.audit.models import AuditEvent
from fivesafes.delivery import folders
from fivesafes.delivery.models import Delivery
from fivesafes.delivery.services import closure, planning, running
from fivesafes.projects.services import closure as project_closure
from fivesafes.shared.refusals import RuleViolation
from tests.delivery.conftest import run_queued

pytestmark = pytest.mark.django_db


def deliver(dw) -> Delivery:
    return run_queued(
        running.start(
            actor=dw.handler, delivery=planning.plan(actor=dw.handler, project=dw.project)
        )
    )


def test_closing_the_project_queues_the_deletion_which_empties_the_folder(
    dw, django_capture_on_commit_callbacks
) -> None:
    first = deliver(dw)
    second = planning.plan(actor=dw.handler, project=dw.project)
    data = folders.project_data_dir(dw.project.number)
    assert (data / "1" / "PERSONS.parquet").exists()
    with django_capture_on_commit_callbacks(execute=True):
        project_closure.close(actor=dw.handler, project=dw.project, reason="Study finished.")
    job = DBTaskResult.objects.get(task_path="fivesafes.delivery.tasks.delete_project_data")
    assert job.args_kwargs["kwargs"] == {"project_id": dw.project.pk}

    dw.project.refresh_from_db()
    done = closure.delete_project_data(project=dw.project)
    assert done.verified and not data.exists()
    assert (done.deleted, done.discarded) == ([1], [2])
    assert done.files == 4
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("deleted", "discarded")
    event = AuditEvent.objects.get(action="delivery.project_data_deleted")
    assert event.object_id == str(dw.project.pk)
    assert event.data["folder"] == f"projects/{dw.project.number}/data"
    assert event.data["verified_empty"] is True
    assert event.data["files"] == 4
    assert AuditEvent.objects.filter(action="delivery.delete", object_id=str(first.pk)).exists()

    # Run again (the job is retry-safe): nothing to delete, nothing written.
    count = AuditEvent.objects.count()
    assert closure.delete_project_data(project=dw.project).verified
    assert AuditEvent.objects.count() == count


def test_an_active_projects_data_are_not_deleted(dw) -> None:
    deliver(dw)
    with pytest.raises(RuleViolation) as refused:
        closure.delete_project_data(project=dw.project)
    assert (refused.value.rule, refused.value.field) == ("R25", "project")
    assert (folders.project_data_dir(dw.project.number) / "1").exists()


def test_a_deletion_that_leaves_files_on_disk_is_refused_and_changes_nothing(
    dw, monkeypatch
) -> None:
    delivered = deliver(dw)
    project_closure.close(actor=dw.handler, project=dw.project, reason="Study finished.")
    monkeypatch.setattr(closure.shutil, "rmtree", lambda path: None)
    with pytest.raises(RuleViolation, match="still on disk"):
        closure.delete_project_data(project=dw.project)
    delivered.refresh_from_db()
    assert delivered.state == "delivered"
    assert not AuditEvent.objects.filter(action="delivery.project_data_deleted").exists()


def test_a_delivery_that_ends_after_the_closure_removes_its_own_output(dw) -> None:
    started = running.start(
        actor=dw.handler, delivery=planning.plan(actor=dw.handler, project=dw.project)
    )
    project_closure.close(actor=dw.handler, project=dw.project, reason="Study finished.")
    failed = run_queued(started)
    assert failed.state == "failed"
    assert "closed while delivery 1 ran" in failed.error
    assert not (folders.project_data_dir(dw.project.number) / "1").exists()
