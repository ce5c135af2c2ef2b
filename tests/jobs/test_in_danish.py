"""Job pages in Danish: the list, a job's status and the daily jobs read in Danish for a person
who reads Danish, and in English for one who reads English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fivesafes.jobs.services import enqueue
from fivesafes.jobs.tasks import self_check
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def danish(person):
    person.language = "da"
    person.save(update_fields=["language"])
    return person


def test_a_danish_reader_sees_their_jobs_in_danish(make_user) -> None:
    person = danish(make_user(Role.RESEARCHER))
    job = enqueue(self_check, owner=person, title="System self-check")
    browser = verified_client(person)
    page = browser.get(reverse("jobs:list")).content.decode()
    assert "<h1>Dine jobs</h1>" in page and "Selvtjek af systemet" in page
    assert ">Venter</span>" in page and "Your jobs" not in page
    detail = browser.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Venter på en jobafvikler" in detail and "I kø" in detail
    assert "Waiting for a worker" not in detail


def test_staff_see_the_daily_jobs_in_danish(make_user) -> None:
    page = verified_client(danish(make_user(Role.AUDITOR))).get(reverse("jobs:list"))
    text = page.content.decode()
    assert "Jobs, der kører hver dag" in text
    assert "Daglig gennemgang af sikre personer" in text and "Daily sweep" not in text


def test_an_english_reader_sees_the_same_job_in_english(make_user) -> None:
    person = make_user(Role.RESEARCHER)
    job = enqueue(self_check, owner=person, title="System self-check")
    detail = verified_client(person).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "System self-check" in detail and "Waiting for a worker" in detail
    assert "Queued" in detail and "I kø" not in detail
