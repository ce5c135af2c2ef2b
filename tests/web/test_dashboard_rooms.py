"""The dashboards count what waits in the release and delivery rooms (issue 16, item 4): each
figure is the person's own to-do, and its link opens the page where it is done."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fivesafes.release.services import requests
from tests.conftest import verified_client
from tests.release.conftest import (  # noqa: F401
    ROLES,
    SMALL_CELL,
    release_dirs,
    request_with,
    rw,
    submitted_and_checked,
)
from tests.web.test_dashboard_figures import figures

pytestmark = pytest.mark.django_db


def dashboard(person):
    client = verified_client(person)
    return client, figures(client.get(reverse("web:dashboard")).content.decode())


def test_a_checker_sees_each_request_waiting_for_their_review_and_can_open_the_queue(rw):  # noqa: F811
    release = submitted_and_checked(rw, request_with(rw, {"fig.png": (b"png", {})}))
    client, shown = dashboard(rw.checker)
    count, url = shown["requests waiting for a first review"]
    assert count == 1 and url == reverse("release:queue")
    assert release.reference in client.get(url).content.decode()
    assert shown["requests waiting for a second review"][0] == 0

    file = release.files.get()
    requests.vote(actor=rw.checker, file=file, decision="approve", comment="Fine.")
    requests.submit_review(actor=rw.checker, release=release)
    _client, shown = dashboard(rw.second_checker)
    assert shown["requests waiting for a first review"][0] == 0
    assert shown["requests waiting for a second review"][0] == 1


def test_a_checker_who_is_a_member_of_the_project_is_not_counted_its_request(rw, make_user):  # noqa: F811
    from fivesafes.policy.permissions import Role
    from fivesafes.projects.models import ProjectMembership

    both = make_user(Role.OUTPUT_CHECKER, Role.RESEARCHER)
    ProjectMembership.objects.create(project=rw.project, person=both)
    submitted_and_checked(rw, request_with(rw, {"fig.png": (b"png", {})}))
    assert dashboard(rw.checker)[1]["requests waiting for a first review"][0] == 1
    assert dashboard(both)[1]["requests waiting for a first review"][0] == 0


def test_a_researcher_sees_a_request_returned_to_them_and_their_drafts(rw):  # noqa: F811
    returned = submitted_and_checked(
        rw, request_with(rw, {"t.csv": (SMALL_CELL, {"declarations": dict(ROLES)})})
    )
    request_with(rw, {"fig.png": (b"png", {})})
    client, shown = dashboard(rw.colleague)
    count, url = shown["release requests returned to you"]
    assert count == 1 and url == reverse("release:my_requests")
    assert returned.reference in client.get(url).content.decode()
    assert shown["release requests not yet submitted"][0] == 1
    assert dashboard(rw.outsider)[1]["release requests returned to you"][0] == 0


def test_the_delivery_staff_see_projects_waiting_for_data_and_open_the_queue(rw):  # noqa: F811
    client, shown = dashboard(rw.staff["case_handler"])
    count, url = shown["approved projects without data"]
    assert count == 1 and url == reverse("delivery:queue")
    assert rw.project.number in client.get(url).content.decode()
    assert shown["delivery plans to review"][0] == 0
    assert shown["failed deliveries"][0] == 0
