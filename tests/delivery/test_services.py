"""Planning, starting, running, failing, re-running a delivery; staff time (R11, R14, R18)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django_tasks_db.models import DBTaskResult

from fivesafes.audit.models import AuditEvent
from fivesafes.delivery import folders
from fivesafes.delivery.models import Delivery, StaffTime
from fivesafes.delivery.services import planning, running
from fivesafes.delivery.services import time as staff_time
from fivesafes.shared.refusals import AccessDenied, RuleViolation
from tests.delivery.conftest import run_queued

pytestmark = pytest.mark.django_db


def actions(obj=None) -> list[str]:
    events = AuditEvent.objects.order_by("sequence")
    if obj is not None:
        events = events.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return list(events.values_list("action", flat=True))


def test_a_plan_holds_only_the_approved_scope_and_is_audited(dw) -> None:
    delivery = planning.plan(actor=dw.handler, project=dw.project, formats=["csv"])
    assert (delivery.number, delivery.state) == (1, "planned")
    assert delivery.scope == dw.project.approved_scope
    assert delivery.plan["variables"] == [
        ["persons.income", 2010, 2020, ""],
        ["persons.birth_date", 2010, 2010, "month"],
    ]
    assert delivery.plan["sample_size"] == 5000
    assert delivery.formats == ["parquet", "csv"]
    assert delivery.estimated_rows == 1000
    assert "persons.birth_date 2010-2010, coarsened to month" in delivery.description
    event = AuditEvent.objects.get(action="delivery.planned")
    assert event.data["project"] == "P-2026-007"
    assert event.data["plan"] == delivery.description


def test_start_enqueues_the_job_in_the_same_step_and_the_run_delivers(dw, core) -> None:
    delivery = planning.plan(actor=dw.handler, project=dw.project)
    started = running.start(actor=dw.handler, delivery=delivery)
    assert started.state == "running"
    assert started.requested_by == dw.handler
    assert DBTaskResult.objects.filter(pk=started.task_id).exists()
    delivered = run_queued(started)
    assert delivered.state == "delivered", delivered.error
    folder = folders.delivery_dir("P-2026-007", 1)
    assert folder == settings.DATA_DIR / "projects" / "P-2026-007" / "data" / "1"
    assert sorted(p.name for p in folder.iterdir()) == [
        "PERSONS.parquet",
        "codebook.html",
        "codebook.json",
        "manifest.json",
    ]
    assert delivered.files[0]["name"] == "PERSONS.parquet"
    assert delivered.rows == 10
    assert delivered.population_size == 100
    assert delivered.manifest == json.loads((folder / "manifest.json").read_text())
    assert (delivered.stage, delivered.percent) == ("delivered", 100)
    finish = AuditEvent.objects.get(action="delivery.finish")
    assert finish.data["files"] == delivered.files
    assert finish.after["rows"] == 10
    assert actions(delivered) == ["delivery.planned", "delivery.start", "delivery.finish"]
    # The key store was built from the settings (a file created outside production).
    assert (settings.DATA_DIR / "keys" / "pseudonym-master.key").exists()
    assert core.RUNS[0]["engine"] == "duckdb"
    assert core.RUNS[0]["threads"] is None  # FIVESAFES_EXTRACTION_THREADS 0: DuckDB's choice
    # No key in any audit payload: the key store's secret never appears.
    secret = (settings.DATA_DIR / "keys" / "pseudonym-master.key").read_text().strip()
    assert not AuditEvent.objects.filter(data__icontains=secret[:16]).exists()


def test_the_threads_setting_reaches_the_engine(dw, core, settings) -> None:
    settings.FIVESAFES_EXTRACTION_THREADS = 1
    delivered = run_queued(
        running.start(
            actor=dw.handler, delivery=planning.plan(actor=dw.handler, project=dw.project)
        )
    )
    assert delivered.state == "delivered", delivered.error
    assert core.RUNS[-1]["threads"] == 1


def test_a_second_delivery_while_one_runs_is_refused_naming_the_running_one(dw) -> None:
    first = running.start(
        actor=dw.handler, delivery=planning.plan(actor=dw.handler, project=dw.project)
    )
    second = planning.plan(actor=dw.handler, project=dw.project)
    before = actions()
    with pytest.raises(RuleViolation) as refused:
        running.start(actor=dw.handler, delivery=second)
    assert refused.value.field == "state"
    assert f"Delivery {first.number} of project P-2026-007 is running" in str(refused.value)
    second.refresh_from_db()
    assert second.state == "planned"
    assert actions() == before


def test_the_database_refuses_two_running_deliveries_of_a_project(dw) -> None:
    from django.db import IntegrityError, transaction

    a = planning.plan(actor=dw.handler, project=dw.project)
    Delivery.objects.filter(pk=a.pk).update(state="running")
    b = Delivery.objects.create(project=dw.project, number=2, state="planned")
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.filter(pk=b.pk).update(state="running")


def test_the_raced_second_start_is_a_refusal_not_an_error(dw, monkeypatch) -> None:
    from fivesafes.policy import deliveries as policy

    first = planning.plan(actor=dw.handler, project=dw.project)
    Delivery.objects.filter(pk=first.pk).update(state="running")
    second = Delivery.objects.create(
        project=dw.project, number=2, state="planned", scope=dw.project.approved_scope
    )
    # Both starts passed the policy before either wrote: only the constraint is left.
    monkeypatch.setattr(policy, "start_refusal", lambda delivery: None)
    with pytest.raises(RuleViolation, match="one delivery of a project runs at a time"):
        running.start(actor=dw.handler, delivery=second)


def test_a_failed_run_names_the_reason_leaves_nothing_and_runs_again(dw, core) -> None:
    delivery = running.start(
        actor=dw.handler, delivery=planning.plan(actor=dw.handler, project=dw.project)
    )
    core.FAIL["population"] = "yes"
    failed = run_queued(delivery)
    assert failed.state == "failed"
    assert failed.error == "The population matches nobody (R11, field: population)."
    parent = folders.project_data_dir("P-2026-007")
    assert list(parent.iterdir()) == []
    assert AuditEvent.objects.get(action="delivery.fail").data["reason"] == failed.error

    core.FAIL.clear()
    again = running.start(actor=dw.handler, delivery=failed)
    assert again.state == "running"
    assert run_queued(again).state == "delivered"
    assert actions(again)[-3:] == ["delivery.fail", "delivery.rerun", "delivery.finish"]


def test_an_engine_crash_fails_the_delivery_without_a_partial_folder(dw, core) -> None:
    delivery = running.start(
        actor=dw.handler, delivery=planning.plan(actor=dw.handler, project=dw.project)
    )
    core.FAIL["crash"] = "yes"
    failed = run_queued(delivery)
    assert failed.state == "failed"
    assert "RuntimeError: the engine stopped" in failed.error
    assert list(folders.project_data_dir("P-2026-007").iterdir()) == []


def test_a_killed_worker_leaves_no_partial_delivery_and_the_run_starts_clean(dw) -> None:
    delivery = running.start(
        actor=dw.handler, delivery=planning.plan(actor=dw.handler, project=dw.project)
    )
    parent = folders.project_data_dir("P-2026-007")
    # What kill -9 can leave: the core's temporary folder, or a folder renamed into place
    # that the database never recorded.
    (parent / ".partial-dead").mkdir(parents=True)
    (parent / ".partial-dead" / "PERSONS.parquet").write_bytes(b"half")
    (parent / "1").mkdir()
    (parent / "1" / "PERSONS.parquet").write_bytes(b"unrecorded")
    delivered = run_queued(delivery)
    assert delivered.state == "delivered", delivered.error
    assert sorted(p.name for p in parent.iterdir()) == ["1"]
    assert (parent / "1" / "PERSONS.parquet").read_bytes() == b"PAR1 rows of PERSONS"


def test_a_plan_naming_a_directly_identifying_variable_is_refused_with_its_field(dw) -> None:
    scope = dict(dw.project.approved_scope)
    scope["variables"] = {
        **scope["variables"],
        "persons.cpr": {"first_year": 2010, "last_year": 2010, "coarsening": ""},
    }
    dw.project.approved_scope = scope
    dw.project.save()
    with pytest.raises(RuleViolation) as refused:
        planning.plan(actor=dw.handler, project=dw.project)
    assert refused.value.field == "variables:persons.cpr"
    assert not Delivery.objects.exists()


def test_a_stored_plan_asking_more_than_the_approved_scope_fails_when_run(dw) -> None:
    delivery = running.start(
        actor=dw.handler, delivery=planning.plan(actor=dw.handler, project=dw.project)
    )
    plan = dict(delivery.plan)
    plan["variables"] = [*plan["variables"], ["persons.diagnosis", 2010, 2012, ""]]
    Delivery.objects.filter(pk=delivery.pk).update(plan=plan)
    failed = run_queued(delivery)
    assert failed.state == "failed"
    assert failed.error == "was not approved (R11, field: variables:persons.diagnosis)."


def test_a_widened_scope_leads_to_a_new_delivery_the_old_one_unchanged(dw) -> None:
    first = run_queued(
        running.start(
            actor=dw.handler, delivery=planning.plan(actor=dw.handler, project=dw.project)
        )
    )
    kept = (first.plan, first.scope, first.files)
    scope = dict(dw.project.approved_scope)
    scope["variables"] = {
        **scope["variables"],
        "persons.diagnosis": {"first_year": 2010, "last_year": 2012, "coarsening": ""},
    }
    dw.project.approved_scope = scope
    dw.project.save()
    second = planning.plan(actor=dw.handler, project=dw.project)
    assert second.number == 2
    assert ["persons.diagnosis", 2010, 2012, ""] in second.plan["variables"]
    first.refresh_from_db()
    assert (first.plan, first.scope, first.files, first.state) == (*kept, "delivered")


def test_a_plan_made_before_a_change_of_scope_is_not_started(dw) -> None:
    delivery = planning.plan(actor=dw.handler, project=dw.project)
    scope = dict(dw.project.approved_scope, external_data=["Survey"])
    dw.project.approved_scope = scope
    dw.project.save()
    with pytest.raises(RuleViolation, match="has changed since delivery 1 was planned"):
        running.start(actor=dw.handler, delivery=delivery)


def test_a_new_member_or_period_needs_no_new_plan(dw) -> None:
    delivery = planning.plan(actor=dw.handler, project=dw.project)
    dw.project.approved_scope = dict(
        dw.project.approved_scope, members={}, period={"starts_on": "2027-01-01", "ends_on": None}
    )
    dw.project.save()
    assert running.start(actor=dw.handler, delivery=delivery).state == "running"


def test_a_new_plan_discards_the_plan_not_run(dw) -> None:
    first = planning.plan(actor=dw.handler, project=dw.project)
    second = planning.plan(actor=dw.handler, project=dw.project)
    first.refresh_from_db()
    assert (first.state, second.number) == ("discarded", 2)
    assert AuditEvent.objects.get(action="delivery.planned", object_id=str(second.pk)).data[
        "replaces"
    ] == [1]


def test_a_fast_track_project_starts_its_plan_by_itself(dw) -> None:
    dw.application.fast_track = True
    dw.application.save()
    delivery = planning.plan(actor=dw.handler, project=dw.project)
    assert delivery.state == "running"
    assert delivery.requested_by is None
    assert actions(delivery) == ["delivery.planned", "delivery.start_automatically"]


def test_staff_time_is_booked_against_the_quote_lines_and_summed_at_the_end(dw) -> None:
    delivery = running.start(
        actor=dw.handler, delivery=planning.plan(actor=dw.handler, project=dw.project)
    )
    staff_time.record_time(
        actor=dw.handler, delivery=delivery, line="outside_lists_hour", hours="1.5"
    )
    staff_time.record_time(actor=dw.handler, delivery=delivery, line="outside_lists_hour", hours=2)
    with pytest.raises(RuleViolation) as refused:
        staff_time.record_time(actor=dw.handler, delivery=delivery, line="population", hours=1)
    assert refused.value.field == "line"
    assert "archiving_delivery, outside_lists_hour" in str(refused.value)
    with pytest.raises(RuleViolation, match="more than 0"):
        staff_time.record_time(
            actor=dw.handler, delivery=delivery, line="outside_lists_hour", hours=0
        )
    with pytest.raises(AccessDenied):
        staff_time.record_time(
            actor=dw.researcher, delivery=delivery, line="outside_lists_hour", hours=1
        )
    assert StaffTime.objects.count() == 2
    run_queued(delivery)
    finish = AuditEvent.objects.get(action="delivery.finish")
    assert finish.data["staff_time"] == {"outside_lists_hour": "3.50"}
    assert finish.data["staff_hours"] == "3.50"


def test_a_refused_plan_or_start_writes_nothing(dw) -> None:
    before = (actions(), Delivery.objects.count())
    with pytest.raises(AccessDenied):
        planning.plan(actor=dw.researcher, project=dw.project)
    dw.quote.state = "superseded"
    dw.quote.save()
    with pytest.raises(RuleViolation) as refused:
        planning.plan(actor=dw.handler, project=dw.project)
    assert (refused.value.rule, refused.value.field) == ("R18", "quote")
    assert (actions(), Delivery.objects.count()) == before
