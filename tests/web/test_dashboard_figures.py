"""Dashboard panels count the cases waiting for the person, and every count links to a page
that person may open."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import verified_client
from tests.projects.conftest import draft, pw, recommended, submitted, upload_dir  # noqa: F401

pytestmark = pytest.mark.django_db


def figures(page: str) -> dict[str, tuple[int, str]]:
    found = re.findall(r'<a href="([^"]+)"[^>]*><strong>(\d+)</strong> ([^<]+)</a>', page)
    return {label.strip(): (int(count), url.replace("&amp;", "&")) for url, count, label in found}


def test_a_case_handler_sees_untaken_and_own_cases_and_may_follow_each_link(
    pw,  # noqa: F811
    submitted,  # noqa: F811
) -> None:
    from fivesafes.projects.services import assignment

    client = verified_client(pw.case_handler)
    shown = figures(client.get(reverse("web:dashboard")).content.decode())
    assert shown["not yet taken"][0] == 1 and shown["assigned to you"][0] == 0
    assignment.assign(actor=pw.case_handler, application=submitted, handler=pw.case_handler)
    shown = figures(client.get(reverse("web:dashboard")).content.decode())
    assert shown["assigned to you"][0] == 1 and shown["not yet taken"][0] == 0
    assert shown["of them overdue"][0] == 0
    for _count, url in shown.values():
        assert client.get(url).status_code == 200, url


def test_an_approver_sees_recommendations_made_by_others(pw, recommended) -> None:  # noqa: F811
    client = verified_client(pw.approver)
    shown = figures(client.get(reverse("web:dashboard")).content.decode())
    assert shown["recommended applications"][0] == 1
    assert shown["breach cases to decide"][0] == 0
    for _count, url in shown.values():
        assert client.get(url).status_code == 200, url


def test_a_researcher_sees_no_office_figures(pw) -> None:  # noqa: F811
    page = verified_client(pw.researcher).get(reverse("web:dashboard")).content.decode()
    assert figures(page) == {}
