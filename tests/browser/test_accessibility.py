"""axe-core on every role's main pages: no serious or critical violation (issue 16, WCAG 2.1 AA).

One browser; each person signs in once and walks their dashboard, every link of their main
navigation and the pages of their work: lists, an application and each step of the wizard, the
catalogue's search and a variable page, the basket, the audit log, the jobs, the account.
axe-core comes bundled with axe-playwright-python, so nothing is fetched. A page with a
violation is kept as a screenshot in test-artifacts/, and the failure lists every violation
of every page, by rule, so one run shows all there is to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from fivesafes.policy.permissions import Role
from fivesafes.projects.views.common import WIZARD_SLUGS
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_people_journeys import sign_in
from tests.data.conftest import catalogue, metadata_dir, register_base  # noqa: F401 - fixtures
from tests.projects.conftest import (  # noqa: F401 - fixtures
    draft,
    pw,
    recommended,
    submitted,
    upload_dir,
)

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}
NOT_OURS = ("/admin/", "/api/", "/static/")  # Django's admin, the API's JSON and files


class Walk:
    """Opens pages, runs axe on each once, and keeps what it found."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.axe = Axe()
        self.seen: set[tuple[str, str]] = set()
        self.found: list[str] = []
        self.who: dict[int, str] = {}  # each tab's person
        self.viewport = {"width": 1280, "height": 900}

    def tab(self, who: str, user: Any = None) -> Any:
        context = self.browser.new_context(base_url=self.base_url, viewport=self.viewport)
        context.set_default_timeout(15_000)
        tab = context.new_page()
        self.who[id(tab)] = who
        if user is not None:
            sign_in(tab, user)
            self.check(tab)  # the dashboard
        return tab

    def visit(self, tab: Any, path: str) -> None:
        if (self.who[id(tab)], path) in self.seen:
            return
        response = tab.goto(path)
        assert response is not None and response.ok, f"{self.who[id(tab)]} could not open {path}"
        self.check(tab)

    def check(self, tab: Any) -> None:
        """Run axe on the page as it is now (after a click, a refusal, a swap)."""
        address = urlsplit(tab.url)
        path = address.path + (f"?{address.query}" if address.query else "")
        self.seen.add((self.who[id(tab)], path))
        results = self.axe.run(tab)
        bad = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
        for violation in bad:
            targets = ", ".join(str(node["target"][0]) for node in violation["nodes"][:3])
            self.found.append(
                f"{violation['id']} ({violation['impact']}) on {path} as {self.who[id(tab)]}: "
                f"{violation['help']} [{targets}]"
            )
        if bad:
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9]+", "-", f"axe-{self.who[id(tab)]}-{path}").strip("-")
            tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def navigation(self, tab: Any) -> Iterator[str]:
        """The paths of the person's main navigation, in order (also those folded in a section)."""
        links = tab.get_by_role("navigation", name=re.compile("^(Main|Hovedmenu)$")).locator("a")
        for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
            if href and href.startswith("/") and not href.startswith(NOT_OURS):
                yield href

    def walk_navigation(self, tab: Any) -> None:
        tab.goto("/dashboard/")
        for path in list(self.navigation(tab)):
            self.visit(tab, path)


@pytest.fixture
def walk(browser: Any, live_server: Any) -> Iterator[Walk]:
    walker = Walk(browser, live_server.url)
    yield walker
    for context in browser.contexts:
        context.close()


def test_every_roles_main_pages_pass_axe(
    walk,
    pw,  # noqa: F811
    recommended,  # noqa: F811
    catalogue,  # noqa: F811
    make_user,
) -> None:
    from fivesafes.people.models import Authorisation
    from fivesafes.projects.services import applications as service

    application = f"/projects/applications/{recommended.pk}/"
    new = service.create_draft(actor=pw.researcher, institution=pw.institution, title="Wages")

    # A visitor: the public catalogue and sign-in, also with a refused password.
    visitor = walk.tab("visitor")
    for path in ("/", "/data/catalogue/", "/data/catalogue/?q=income"):
        walk.visit(visitor, path)
    walk.visit(visitor, "/data/catalogue/POPULATION/")
    walk.visit(visitor, "/data/catalogue/POPULATION/sex/")
    walk.visit(visitor, "/accounts/login/")
    visitor.get_by_label("Username or e-mail address").fill("nobody")
    visitor.get_by_label("Password").fill("wrong password")
    visitor.get_by_role("button", name="Continue").click()
    expect(visitor.locator(".error-summary")).to_be_visible()
    walk.check(visitor)

    # The researcher: catalogue, basket (with a refused add), the wizard, the application.
    researcher = walk.tab("researcher", pw.researcher)
    walk.walk_navigation(researcher)
    walk.visit(researcher, "/data/catalogue/?q=income")
    walk.visit(researcher, "/data/catalogue/INCOME/wage_income/")
    researcher.get_by_label("From year").fill("2030")
    researcher.get_by_label("To year").fill("1970")
    researcher.get_by_role("button", name="Add to data basket").click()
    expect(researcher.locator(".error-summary")).to_be_visible()
    walk.check(researcher)
    walk.visit(researcher, "/data/basket/")
    walk.visit(researcher, "/projects/applications/new/")
    for step in WIZARD_SLUGS:
        walk.visit(researcher, f"/projects/applications/{new.pk}/edit/{step}/")
    walk.visit(researcher, application)
    walk.visit(researcher, "/accounts/")
    walk.visit(researcher, "/jobs/")

    # The office and the institution: each their dashboard, navigation and the application.
    staff = {
        "institution manager": pw.manager,
        "case handler": pw.case_handler,
        "approver": pw.approver,
        "secretary": pw.secretary,
        "output checker": make_user(Role.OUTPUT_CHECKER, username="otto"),
        "auditor": make_user(Role.AUDITOR, username="aud"),
        "administrator": make_user(Role.ADMINISTRATOR, username="admin1"),
    }
    case = f"/people/cases/{Authorisation.objects.get(institution=pw.institution).pk}/"
    institution = f"/people/institutions/{pw.institution.pk}/"
    for who, user in staff.items():
        tab = walk.tab(who, user)
        walk.walk_navigation(tab)
        if who in ("case handler", "approver", "auditor"):
            walk.visit(tab, application)
        if who in ("case handler", "approver", "secretary"):
            walk.visit(tab, case)
        if who == "institution manager":
            walk.visit(tab, institution)
        if who == "auditor":
            walk.visit(tab, "/audit/")
            walk.visit(tab, "/audit/1/")  # the first event of the log
        walk.visit(tab, "/accounts/")

    # The checker itself sees a violation: a picture without a text alternative.
    visitor.set_content("<!doctype html><html lang=en><title>t</title><main><img src=x></main>")
    assert "image-alt" in {v["id"] for v in walk.axe.run(visitor).response["violations"]}

    pages = len(walk.seen)
    assert pages >= 40, f"axe ran on {pages} pages only: the walk lost its way"
    assert not walk.found, f"axe found {len(walk.found)} serious or critical violations on " + (
        f"{pages} pages:\n" + "\n".join(sorted(walk.found))
    )


def test_a_researchers_and_a_case_handlers_pages_pass_axe_on_a_phone(
    walk,
    pw,  # noqa: F811
    recommended,  # noqa: F811
    catalogue,  # noqa: F811
) -> None:
    """At a phone's 390 px the layout folds (the menu behind one button, tables scrolling in
    place); the pages must stay as accessible as on a desktop, the open menu too."""
    walk.viewport = {"width": 390, "height": 844}
    application = f"/projects/applications/{recommended.pk}/"
    for who, user in (("researcher", pw.researcher), ("case handler", pw.case_handler)):
        tab = walk.tab(f"{who} on a phone", user)
        menu = tab.get_by_role("button", name="Menu")
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        walk.check(tab)  # the dashboard with its menu open
        for path in list(walk.navigation(tab)):  # read while the menu is open
            walk.visit(tab, path)
        walk.visit(tab, application)
    pages = len(walk.seen)
    assert pages >= 10, f"axe ran on {pages} pages only: the walk lost its way"
    assert not walk.found, f"axe found {len(walk.found)} serious or critical violations on " + (
        f"{pages} phone pages:\n" + "\n".join(sorted(walk.found))
    )


def test_a_danish_researchers_and_case_handlers_pages_pass_axe(
    walk,
    pw,  # noqa: F811
    recommended,  # noqa: F811
    catalogue,  # noqa: F811
) -> None:
    """In Danish the pages say `lang="da"` and their words are longer; they must pass as the
    English ones do."""
    application = f"/projects/applications/{recommended.pk}/"
    for who, user in (
        ("Danish researcher", pw.researcher),
        ("Danish case handler", pw.case_handler),
    ):
        tab = walk.tab(who, user)  # signs in (in English), then reads Danish
        user.language = "da"
        user.save(update_fields=["language"])
        tab.reload()
        assert tab.locator("html").get_attribute("lang") == "da"
        walk.walk_navigation(tab)
        walk.visit(tab, application)
        walk.visit(tab, "/accounts/")
    pages = len(walk.seen)
    assert pages >= 12, f"axe ran on {pages} pages only: the walk lost its way"
    assert not walk.found, f"axe found {len(walk.found)} serious or critical violations on " + (
        f"{pages} pages:\n" + "\n".join(sorted(walk.found))
    )
