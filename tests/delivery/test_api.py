"""`/api/v1/deliveries`: list with paging, one delivery with next_steps, plan, start, discard,
staff time; the declared permissions match the services, refusals in the one error format."""

from __future__ import annotations

import pytest
from django.test import Client

from fivesafes.accounts.models import ApiToken
from fivesafes.delivery.models import Delivery
from fivesafes.delivery.services import planning, running
from fivesafes.policy.permissions import Role
from tests.delivery.conftest import run_queued

pytestmark = pytest.mark.django_db
API = "/api/v1/deliveries"


def api_as(person) -> Client:
    _token, plain = ApiToken.issue(user=person, name="test", days=1)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_staff_plan_and_start_and_members_read(dw) -> None:
    staff = api_as(dw.handler)
    planned = staff.post(
        f"{API}/projects/{dw.project.pk}/plan",
        {"formats": ["dta"]},
        content_type="application/json",
    )
    assert planned.status_code == 201, planned.content
    body = planned.json()
    assert (body["number"], body["state"], body["project"]) == (1, "planned", "P-2026-007")
    assert body["formats"] == ["parquet", "dta"]
    assert body["next_steps"] == ["start", "discard"]
    assert body["plan"][0] == "persons.income 2010-2020"
    started = staff.post(f"{API}/{body['id']}/start")
    assert started.status_code == 200
    assert started.json()["state"] == "running"
    run_queued(Delivery.objects.get(pk=body["id"]))

    member = api_as(dw.researcher)
    listed = member.get(f"{API}/projects/{dw.project.pk}?limit=1")
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    item = listed.json()["items"][0]
    assert item["state"] == "delivered"
    assert item["files"][0]["name"] == "PERSONS.parquet"
    assert len(item["files"][0]["sha256"]) == 64
    one = member.get(f"{API}/{body['id']}").json()
    assert one["next_steps"] == []
    assert one["manifest"]["PERSONS.parquet"]["sha256"] == item["files"][0]["sha256"]


def test_members_may_not_plan_or_start(dw) -> None:
    member = api_as(dw.researcher)
    refused = member.post(
        f"{API}/projects/{dw.project.pk}/plan", {}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert "deliver_data" in refused.json()["detail"]
    delivery = planning.plan(actor=dw.handler, project=dw.project)
    assert member.post(f"{API}/{delivery.pk}/start").status_code == 403
    assert Delivery.objects.get().state == "planned"


def test_a_second_start_while_one_runs_answers_400_naming_the_reason(dw) -> None:
    running.start(actor=dw.handler, delivery=planning.plan(actor=dw.handler, project=dw.project))
    second = planning.plan(actor=dw.handler, project=dw.project)
    answer = api_as(dw.handler).post(f"{API}/{second.pk}/start")
    assert answer.status_code == 400
    assert (
        answer.json()["rule"] == "R11"
        and answer.json()["field"] == "state"
        and answer.json()["detail"].startswith("Delivery 1 of project P-2026-007 is running")
    )


def test_outsiders_and_missing_objects_both_get_404(dw, make_user) -> None:
    delivery = planning.plan(actor=dw.handler, project=dw.project)
    outsider = api_as(make_user(Role.RESEARCHER))
    assert outsider.get(f"{API}/{delivery.pk}").status_code == 404
    assert outsider.get(f"{API}/projects/{dw.project.pk}").status_code == 404
    assert api_as(dw.handler).get(f"{API}/999999").status_code == 404


def test_staff_time_and_discard(dw) -> None:
    delivery = planning.plan(actor=dw.handler, project=dw.project)
    staff = api_as(dw.handler)
    booked = staff.post(
        f"{API}/{delivery.pk}/time",
        {"line": "archiving_delivery", "hours": "1.25", "note": "Codebook review"},
        content_type="application/json",
    )
    assert booked.status_code == 201, booked.content
    assert booked.json()["hours"] == "1.25"
    wrong = staff.post(
        f"{API}/{delivery.pk}/time",
        {"line": "nothing", "hours": 1},
        content_type="application/json",
    )
    assert (
        wrong.status_code == 400
        and wrong.json()["rule"] == "R18"
        and wrong.json()["field"] == "line"
    )
    discarded = staff.post(f"{API}/{delivery.pk}/discard", {}, content_type="application/json")
    assert discarded.json()["state"] == "discarded"
