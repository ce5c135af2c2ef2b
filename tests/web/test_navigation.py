"""The navigation: a few sections of the person's work, and the one the page is in is current."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from fivesafes.policy.permissions import Role
from fivesafes.web.navigation import NAVIGATION
from tests.conftest import verified_client
from tests.projects.conftest import draft, pw, submitted, upload_dir  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

SECTION = re.compile(
    r'<li class="section[^"]*">\s*(?:<a class="section-link" href="[^"]+"( aria-current="[a-z]+")?'
    r'>([^<]+)</a>|<button[^>]*?( aria-current="true")?>([^<]+)</button>)'
)


def sections(page: str) -> list[str]:
    """The top-level sections, a current one marked with a star."""
    found = []
    for link_current, link, button_current, button in SECTION.findall(page):
        found.append((link or button) + ("*" if link_current or button_current else ""))
    return found


def current_pages(page: str) -> list[str]:
    return re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', page)


def test_the_case_handler_has_a_few_sections_and_every_page_of_their_work(make_user) -> None:
    handler = make_user(Role.CASE_HANDLER)
    page = verified_client(handler).get(reverse("web:dashboard")).content.decode()
    assert sections(page) == ["Dashboard*", "Catalogue", "Projects", "People", "Jobs"]
    for url_name in (
        "projects:review",
        "projects:projects",
        "projects:prices",
        "projects:scrutiny_queue",
        "delivery:queue",
        "workspace:staff",
        "people:cases",
        "people:breaches",
        "people:report_breach",
        "people:access_report",
        "people:question_bank",
        "jobs:list",
    ):
        assert f'href="{reverse(url_name)}"' in page, url_name
    # Their own account from their name; no page they may not open.
    assert f'href="{reverse("accounts:account")}"' in page
    for url_name in ("release:queue", "audit:list", "projects:my_applications", "admin:index"):
        assert f'href="{reverse(url_name)}"' not in page, url_name


@pytest.mark.parametrize(
    ("url_name", "section", "entry"),
    [
        ("projects:review", "Projects*", "Project applications"),
        ("projects:projects", "Projects*", "Projects"),
        ("projects:prices", "Projects*", "Price list"),
        ("people:cases", "People*", "Cases"),
        ("web:dashboard", "Dashboard*", "Dashboard"),
    ],
)
def test_the_page_and_its_section_are_current(make_user, url_name, section, entry) -> None:
    handler = make_user(Role.CASE_HANDLER)
    page = verified_client(handler).get(reverse(url_name)).content.decode()
    assert current_pages(page) == [entry]
    assert [s for s in sections(page) if s.endswith("*")] == [section]


def test_an_application_page_is_in_the_section_of_the_persons_work(pw, submitted) -> None:  # noqa: F811
    url = reverse("projects:application", args=[submitted.pk])
    as_handler = verified_client(pw.case_handler).get(url).content.decode()
    assert [s for s in sections(as_handler) if s.endswith("*")] == ["Projects*"]
    as_researcher = verified_client(pw.researcher).get(url).content.decode()
    assert [s for s in sections(as_researcher) if s.endswith("*")] == ["My research*"]
    # No page of the menu is the application itself.
    assert current_pages(as_handler) == current_pages(as_researcher) == []
    # The manager (also a researcher) finds the institution's page under Institution.
    institution = reverse("people:institution", args=[pw.institution.pk])
    as_manager = verified_client(pw.manager).get(institution).content.decode()
    assert [s for s in sections(as_manager) if s.endswith("*")] == ["Institution*"]


def test_a_visitor_sees_the_catalogue_and_sign_in_only(client) -> None:
    page = client.get(reverse("data:catalogue")).content.decode()
    assert sections(page) == ["Catalogue*"]
    assert "Sign in" in page


def test_every_page_of_the_navigation_exists() -> None:
    for entry in NAVIGATION:
        assert reverse(entry.url_name)
