"""The workspace's periodic jobs: a run whose worker died is recorded as failed by the
periodic sweep, without waiting for its member to start another run (audited); the staff
overview shows the storage last measured (after each run, and by the hourly job) and walks no
folder when it loads."""

from __future__ import annotations

from fivesafes.audit.models import AuditEvent
from fivesafes.workspace.models import Run
from tests.conftest import verified_client
from tests.workspace.conftest import WorkspaceWorld, run_queued, start_script


def test_the_periodic_sweep_records_a_run_whose_worker_died_as_failed(ww: WorkspaceWorld) -> None:
    from django_tasks_db.models import DBTaskResult

    from fivesafes.workspace.tasks.sweep import settle_lost_runs

    lost = start_script(ww, "print(1)\n", "a.py")
    waiting = start_script(ww, "print(2)\n", "b.py", person=ww.colleague)
    DBTaskResult.objects.filter(pk=lost.task_id).update(status="FAILED")
    assert settle_lost_runs.call() == {"settled": [lost.pk]}
    lost.refresh_from_db()
    assert lost.state == "failed"
    assert lost.words.startswith("not finished: the worker running it stopped")
    assert Run.objects.get(pk=waiting.pk).state == "queued"  # its job is still queued
    swept = AuditEvent.objects.get(action="workspace.lost_runs_settled")
    assert swept.data == {"runs": [lost.pk]}
    assert AuditEvent.objects.filter(action="workspace.run.fail").count() == 1
    assert settle_lost_runs.call() == {"settled": []}  # safe to run again


def test_the_overview_shows_the_storage_last_measured_and_walks_no_folder(
    ww: WorkspaceWorld, monkeypatch
) -> None:
    from fivesafes.workspace import areas
    from fivesafes.workspace.tasks.sweep import measure_storage

    page = verified_client(ww.staff).get("/workspace/staff/").content.decode()
    assert "not measured yet" in page
    run_queued(start_script(ww, "open('/project/outputs/t.csv', 'w').write('a' * 3000)\n"))
    measured = ww.project.workspace_storage
    outputs = next(a for a in measured.areas if a["area"] == "outputs")
    assert outputs["bytes"] >= 3000  # measured when the run ended

    (ww.areas().outputs / "u.csv").write_text("b" * 5000)
    assert measure_storage.call() == {"measured": 2}
    assert AuditEvent.objects.filter(action="workspace.storage_measured").count() == 1

    def no_walking(root: object) -> tuple[int, int]:
        raise AssertionError("the overview walked a folder")

    monkeypatch.setattr(areas, "usage", no_walking)
    page = verified_client(ww.staff).get("/workspace/staff/").content.decode()
    assert "outputs 7.8\xa0KB" in page and "measured " in page
