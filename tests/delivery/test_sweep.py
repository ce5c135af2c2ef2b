"""The daily sweep: a delivery whose job died is failed (and may run again), a closed
project's leftover data are deleted, a ready fast-track project is delivered by itself."""

from __future__ import annotations

import pytest
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from fivesafes.delivery import folders
from fivesafes.delivery.models import Delivery
from fivesafes.delivery.services import planning, running, sweep
from fivesafes.projects.services import closure as project_closure
from tests.delivery.conftest import run_queued

pytestmark = pytest.mark.django_db


def test_a_delivery_whose_job_died_is_failed_and_no_longer_blocks_the_project(dw) -> None:
    first = running.start(
        actor=dw.handler, delivery=planning.plan(actor=dw.handler, project=dw.project)
    )
    assert sweep.settle_lost() == []  # its job is still queued
    DBTaskResult.objects.filter(pk=first.task_id).update(status=TaskResultStatus.FAILED)
    second = planning.plan(actor=dw.handler, project=dw.project)
    started = running.start(actor=dw.handler, delivery=second)
    first.refresh_from_db()
    assert (first.state, started.state) == ("failed", "running")
    assert "the worker stopped" in first.error
    assert sweep.run_daily_sweep()["settled"] == []


def test_the_sweep_deletes_what_a_failed_deletion_left(dw) -> None:
    run_queued(
        running.start(
            actor=dw.handler, delivery=planning.plan(actor=dw.handler, project=dw.project)
        )
    )
    project_closure.close(actor=dw.handler, project=dw.project, reason="Done.")  # no job ran
    assert sweep.run_daily_sweep()["deleted"] == [dw.project.number]
    assert not folders.project_data_dir(dw.project.number).exists()
    assert sweep.run_daily_sweep()["deleted"] == []


def test_a_ready_fast_track_project_is_planned_and_started_by_the_sweep(dw) -> None:
    dw.application.fast_track = True
    dw.application.save()
    assert sweep.start_fast_track() == [dw.project.number]
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.planned_by, delivery.requested_by) == ("running", None, None)
    assert sweep.start_fast_track() == []
