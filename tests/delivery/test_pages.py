"""The delivery pages: the staff's plan page, the job page with its progress, the deliveries on
the project page, the codebook and manifest (and never a data file, R20); others refused."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from fivesafes.delivery import folders
from fivesafes.delivery.models import Delivery
from fivesafes.delivery.services import planning, running
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client
from tests.delivery.conftest import run_queued
from tests.page_text import rule_link, shown

pytestmark = pytest.mark.django_db


def delivered(dw) -> Delivery:
    return run_queued(
        running.start(
            actor=dw.handler, delivery=planning.plan(actor=dw.handler, project=dw.project)
        )
    )


def test_the_case_handler_reviews_the_plan_and_starts_it(dw) -> None:
    handler = verified_client(dw.handler)
    page = handler.get(reverse("delivery:plan", args=[dw.project.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ready" in text
    assert "persons.birth_date" in text and "month" in text
    assert "A sample of 5000" in text
    answer = handler.post(reverse("delivery:plan", args=[dw.project.pk]), {"formats": ["csv"]})
    delivery = Delivery.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("delivery:delivery", args=[delivery.pk])
    job = handler.get(answer["Location"]).content.decode()
    assert "Start the delivery" in job and "Estimated: 1000 rows" in job
    assert "persons.income 2010-2020" in job
    assert "A sample of 5000, drawn reproducibly" in job
    assert "persons.birth_date" in job.split('data-testid="population"')[1]
    started = handler.post(reverse("delivery:step", args=[delivery.pk, "start"]))
    assert started.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == "running"
    progress = handler.get(reverse("delivery:progress", args=[delivery.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in progress.content.decode()
    run_queued(delivery)
    done = handler.get(reverse("delivery:progress", args=[delivery.pk]), HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in done.content.decode()
    assert "PERSONS.parquet" in done.content.decode()


def test_a_plan_page_refusal_is_shown_on_the_page(dw) -> None:
    dw.quote.state = "superseded"
    dw.quote.save()
    handler = verified_client(dw.handler)
    page = handler.get(reverse("delivery:plan", args=[dw.project.pk]))
    assert "(R18, field: quote)" in shown(page) and rule_link("R18") in page.text
    answer = handler.post(reverse("delivery:plan", args=[dw.project.pk]), {})
    assert answer.status_code == 400
    assert "has not been accepted" in answer.content.decode()
    assert not Delivery.objects.exists()


def test_the_project_page_lists_the_deliveries_with_rows_checksums_and_codebook(dw) -> None:
    delivery = delivered(dw)
    member = verified_client(dw.researcher)
    page = member.get(reverse("projects:project", args=[dw.project.pk])).content.decode()
    assert "Data deliveries" in page
    assert delivery.files[0]["sha256"] in page
    assert reverse("delivery:document", args=[delivery.pk, "codebook.html"]) in page
    assert "Plan a delivery" not in page
    staff = verified_client(dw.handler)
    assert (
        "Plan a delivery"
        in staff.get(reverse("projects:project", args=[dw.project.pk])).content.decode()
    )
    # The manager sees the project page, not its deliveries.
    manager = verified_client(dw.pw.manager)
    assert (
        "Data deliveries"
        not in manager.get(reverse("projects:project", args=[dw.project.pk])).content.decode()
    )


def test_the_codebook_and_manifest_are_served_and_nothing_else(dw) -> None:
    delivery = delivered(dw)
    member = verified_client(dw.researcher)
    codebook = member.get(reverse("delivery:document", args=[delivery.pk, "codebook.html"]))
    assert codebook.status_code == 200
    assert b"Codebook" in b"".join(codebook.streaming_content)
    assert "default-src 'none'" in codebook["Content-Security-Policy"]
    manifest = member.get(reverse("delivery:document", args=[delivery.pk, "manifest.json"]))
    assert manifest.status_code == 200 and manifest["Content-Type"] == "application/json"
    for name in ("PERSONS.parquet", "PERSONS.csv", "..", ".partial-x", "codebook.htm", "%2e%2e"):
        refused = member.get(reverse("delivery:document", args=[delivery.pk, name]))
        assert refused.status_code == 404, name
        assert b"PAR1" not in refused.content
    # A codebook replaced by a link to a data file is not followed.
    folder = folders.delivery_dir(dw.project.number, delivery.number)
    os.remove(folder / "codebook.json")
    os.symlink(folder / "PERSONS.parquet", folder / "codebook.json")
    linked = member.get(reverse("delivery:document", args=[delivery.pk, "codebook.json"]))
    assert linked.status_code == 404


def test_no_route_of_the_room_serves_a_data_file(dw) -> None:
    """R20: every delivery route, for the member and the staff, answers without the rows."""
    from tests.foundation.routes import web_routes

    delivery = delivered(dw)
    for person in (dw.researcher, dw.handler):
        browser = verified_client(person)
        for route in web_routes(
            lambda name, param, sample: {
                "pk": delivery.pk,
                "step": "start",
                "name": "PERSONS.parquet",
            }.get(param, sample)
        ):
            if not route.name.startswith("delivery:"):
                continue
            body = browser.get(route.url)
            content = b"".join(body.streaming_content) if body.streaming else body.content
            assert b"PAR1 rows" not in content, route.name


@pytest.mark.parametrize(
    "role", [Role.RESEARCHER, Role.INSTITUTION_MANAGER, Role.OUTPUT_CHECKER, Role.ADMINISTRATOR]
)
def test_people_outside_the_project_are_refused(dw, make_user, role) -> None:
    delivery = delivered(dw)
    outsider = verified_client(make_user(role))
    for url in (
        reverse("delivery:delivery", args=[delivery.pk]),
        reverse("delivery:progress", args=[delivery.pk]),
        reverse("delivery:document", args=[delivery.pk, "codebook.html"]),
        reverse("delivery:plan", args=[dw.project.pk]),
    ):
        answer = outsider.get(url)
        assert answer.status_code in (403, 404), url  # 404: not theirs; 403: not their role
        assert b"Incomes over the life course" not in answer.content


def test_staff_book_time_on_the_job_page(dw) -> None:
    delivery = planning.plan(actor=dw.handler, project=dw.project)
    handler = verified_client(dw.handler)
    answer = handler.post(
        reverse("delivery:record_time", args=[delivery.pk]),
        {"line": "outside_lists_hour", "hours": "2", "note": "Reviewed the plan"},
    )
    assert answer.status_code == 302
    page = handler.get(reverse("delivery:delivery", args=[delivery.pk])).content.decode()
    assert "2.00 h on outside_lists_hour" in page
    bad = handler.post(
        reverse("delivery:record_time", args=[delivery.pk]), {"line": "x", "hours": "1"}
    )
    assert bad.status_code == 400


def test_the_staff_queue_shows_ready_projects_plans_and_failures(dw, make_user) -> None:
    handler = verified_client(dw.handler)
    page = handler.get(reverse("delivery:queue")).content.decode()
    assert "P-2026-007" in page and "Ready" in page
    delivery = planning.plan(actor=dw.handler, project=dw.project)
    page = handler.get(reverse("delivery:queue")).content.decode()
    assert f"Delivery {delivery.number} of P-2026-007" in page.split("Plans to review")[1]
    assert "Data delivery" in page  # in the navigation
    assert verified_client(dw.researcher).get(reverse("delivery:queue")).status_code == 403
