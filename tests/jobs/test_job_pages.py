"""People see their own jobs; staff with VIEW_ALL_JOBS see everyone's; others are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from fivesafes.audit.models import AuditEvent
from fivesafes.jobs.models import JobProgress
from fivesafes.jobs.services import enqueue
from fivesafes.jobs.tasks import self_check
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    return make_user(Role.RESEARCHER, username="rut"), make_user(Role.RESEARCHER, username="sam")


@pytest.fixture
def jobs(people):
    rut, sam = people
    return (
        enqueue(self_check, owner=rut, title="Rut's extraction"),
        enqueue(self_check, owner=sam, title="Sam's extraction"),
    )


def test_a_researcher_sees_only_their_own_jobs(people, jobs) -> None:
    page = verified_client(people[0]).get(reverse("jobs:list")).content.decode()
    assert "Your jobs" in page
    assert "Rut&#x27;s extraction" in page
    assert "Sam&#x27;s extraction" not in page


def test_someone_elses_job_is_refused_and_audited(people, jobs) -> None:
    response = verified_client(people[0]).get(reverse("jobs:detail", args=[jobs[1].pk]))
    assert response.status_code == 404
    assert "not yours to see" in response.content.decode()
    assert AuditEvent.objects.filter(action="access.denied", actor_label="rut").exists()


def test_an_auditor_sees_everyones_jobs_and_their_details(make_user, jobs) -> None:
    auditor = verified_client(make_user(Role.AUDITOR))
    page = auditor.get(reverse("jobs:list")).content.decode()
    assert "All jobs" in page
    assert "Rut&#x27;s extraction" in page and "Sam&#x27;s extraction" in page
    assert auditor.get(reverse("jobs:detail", args=[jobs[1].pk])).status_code == 200
    mine = auditor.get(reverse("jobs:list"), {"scope": "mine"}).content.decode()
    assert "Rut&#x27;s extraction" not in mine


def test_staff_see_the_daily_jobs_and_their_last_run_researchers_do_not(people, make_user) -> None:
    auditor = verified_client(make_user(Role.AUDITOR)).get(reverse("jobs:list")).content.decode()
    assert "Jobs that run every day" in auditor
    assert "Daily sweep of safe people" in auditor and "Daily sweep of safe projects" in auditor
    researcher = verified_client(people[0]).get(reverse("jobs:list")).content.decode()
    assert "Jobs that run every day" not in researcher


def test_a_running_job_page_polls_and_a_finished_one_stops(people, jobs) -> None:
    client = verified_client(people[0])
    job = jobs[0]
    DBTaskResult.objects.get(pk=job.pk).claim("w1")
    JobProgress.objects.filter(pk=job.pk).update(fraction=0.4, message="Checked 2 of 5 steps")
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Running" in page and "Progress: 40 %" in page and "Checked 2 of 5 steps" in page
    assert 'hx-trigger="every 2s"' in page

    DBTaskResult.objects.get(pk=job.pk).set_successful({"steps": 5})
    fragment = client.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body
    assert "Finished" in body and "Progress: 100 %" in body and "hx-trigger" not in body
    assert "&quot;steps&quot;: 5" in body


def test_a_waiting_job_says_when_no_worker_is_running(people, jobs) -> None:
    from django.utils import timezone

    from fivesafes.jobs.models import WorkerHeartbeat

    client = verified_client(people[0])
    page = client.get(reverse("jobs:detail", args=[jobs[0].pk])).content.decode()
    assert "Waiting" in page and "No job worker is running at the moment" in page
    WorkerHeartbeat.objects.create(worker_id="w", host="h", pid=1, last_seen=timezone.now())
    page = client.get(reverse("jobs:detail", args=[jobs[0].pk])).content.decode()
    assert "No job worker is running" not in page


def test_a_failed_job_shows_its_error(people, jobs) -> None:
    DBTaskResult.objects.get(pk=jobs[0].pk).set_failed(ValueError("the register was empty"))
    page = verified_client(people[0]).get(reverse("jobs:detail", args=[jobs[0].pk]))
    body = page.content.decode()
    assert "Failed" in body and "ValueError: the register was empty" in body
    assert "Full traceback" not in body  # tracebacks are for staff


def test_an_administrator_starts_a_self_check(make_user) -> None:
    admin = make_user(Role.ADMINISTRATOR, username="ada")
    response = verified_client(admin).post(reverse("jobs:self_check"))
    job = JobProgress.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.owner, job.title) == (admin, "System self-check")
    event = AuditEvent.objects.get(action="job.enqueued")
    assert event.actor_label == "ada"


def test_a_researcher_may_not_start_a_self_check(people) -> None:
    response = verified_client(people[0]).post(reverse("jobs:self_check"))
    assert response.status_code == 403
    assert not JobProgress.objects.exists()


def test_an_unknown_job_is_not_found(people) -> None:
    import uuid

    response = verified_client(people[0]).get(reverse("jobs:detail", args=[uuid.uuid4()]))
    assert response.status_code == 404
