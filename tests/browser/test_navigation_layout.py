"""The header at a desktop's 1280 px and a phone's 390 px, for a case handler and a researcher.

Measured from the element boxes Chromium lays out: the sections sit on one line, nothing in the
header wraps or runs past the window, "Sign out" stays on one line; on a phone the menu folds
behind one button that opens with the keyboard. The section the page is in is current
(aria-current), also on an application page. A failing test keeps a screenshot per width.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_people_journeys import sign_in
from tests.projects.conftest import draft, pw, submitted, upload_dir  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# The header's boxes in one look: each section's top and height, the line height, the boxes of
# "Sign out" and of everything in the header, against the window's width.
MEASURE = """() => {
  const box = (e) => e.getBoundingClientRect();
  const header = document.querySelector("header.top");
  const sections = [...header.querySelectorAll(".sections > li")]
    .map((li) => box(li.firstElementChild)).filter((b) => b.width > 0);
  const signOut = [...header.querySelectorAll("button")].find((b) => b.textContent.trim() === "Sign out");
  const lineHeight = parseFloat(getComputedStyle(signOut).lineHeight);
  const visible = [...header.querySelectorAll("*")].map(box).filter((b) => b.width > 0);
  return {
    window: document.documentElement.clientWidth,
    pageWidth: document.documentElement.scrollWidth,
    header: box(header).height,
    tops: sections.map((b) => Math.round(b.top)),
    sectionHeights: sections.map((b) => b.height),
    signOut: {height: box(signOut).height, right: box(signOut).right, lineHeight},
    rightmost: Math.max(...visible.map((b) => b.right)),
    leftmost: Math.min(...visible.map((b) => b.left)),
  };
}"""


@pytest.fixture
def tabs(browser: Any, live_server: Any, request: Any) -> Iterator[Any]:
    """A tab per person; on failure each keeps a screenshot."""
    opened: list[tuple[str, Any]] = []

    def open_tab(who: str, user: Any) -> Any:
        context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
        context.set_default_timeout(15_000)
        tab = context.new_page()
        opened.append((who, tab))
        sign_in(tab, user)
        return tab

    yield open_tab
    failed = getattr(request.node, "rep_call", None)
    for who, tab in opened:
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            width = tab.viewport_size["width"]
            tab.screenshot(path=str(ARTIFACTS / f"navigation-{who}-{width}.png"), full_page=True)
        tab.context.close()


def current_section(tab: Any) -> str:
    nav = tab.get_by_role("navigation", name="Main")
    current = nav.locator(".sections > li > [aria-current]")
    expect(current).to_have_count(1)
    return current.inner_text().strip()


def assert_fits_on_one_line(tab: Any, where: str) -> None:
    m = tab.evaluate(MEASURE)
    assert m["pageWidth"] <= m["window"], f"{where}: the page is wider than the window: {m}"
    assert m["rightmost"] <= m["window"] and m["leftmost"] >= 0, f"{where}: header overflows {m}"
    assert len(set(m["tops"])) == 1, f"{where}: the sections wrap onto more lines: {m['tops']}"
    tallest = max(m["sectionHeights"])
    assert tallest < 2 * m["signOut"]["lineHeight"] + 16, f"{where}: a section wraps: {m}"
    assert m["signOut"]["height"] < 1.5 * m["signOut"]["lineHeight"] + 8, f"{where}: {m}"
    assert m["header"] < 80, f"{where}: the header is {m['header']} px high"


def check_desktop(tab: Any, who: str, application: str, section: str) -> None:
    tab.set_viewport_size(DESKTOP)
    tab.goto("/dashboard/")
    assert_fits_on_one_line(tab, f"{who}'s dashboard")
    assert current_section(tab) == "Dashboard"
    tab.goto(application)
    assert current_section(tab) == section
    assert_fits_on_one_line(tab, f"{who}'s application page")

    # The section's pages open with the keyboard and close with Escape, the focus kept.
    toggle = tab.get_by_role("navigation", name="Main").get_by_role("button", name=section)
    pages = tab.locator("#" + str(toggle.get_attribute("aria-controls")))
    toggle.focus()
    tab.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(pages.get_by_role("link").first).to_be_visible()
    tab.keyboard.press("Tab")
    expect(pages.get_by_role("link").first).to_be_focused()
    tab.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(pages).to_be_hidden()


def check_phone(tab: Any, who: str, application: str, section: str) -> None:
    tab.set_viewport_size(PHONE)
    tab.goto(application)
    menu = tab.get_by_role("button", name="Menu")
    nav = tab.get_by_role("navigation", name="Main")
    expect(menu).to_be_visible()
    expect(nav).to_be_hidden()
    m = tab.evaluate("() => document.querySelector('header.top').getBoundingClientRect().height")
    assert m < 0.15 * PHONE["height"], f"{who}: the folded header takes {m} px of a phone's screen"
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]

    menu.focus()
    tab.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    assert current_section(tab) == section
    # The sections stack, each as wide as the menu, and nothing runs past the window.
    lefts = nav.locator(".sections > li").evaluate_all(
        "items => items.map(li => Math.round(li.getBoundingClientRect().left))"
    )
    assert len(set(lefts)) == 1, f"{who}: the phone's sections are not one column: {lefts}"
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    toggle = nav.get_by_role("button", name=section)
    toggle.focus()
    tab.keyboard.press("Enter")
    first = nav.locator("#" + str(toggle.get_attribute("aria-controls"))).get_by_role("link").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    # Escape folds the section, then the menu, and gives the focus back to "Menu".
    tab.keyboard.press("Escape")
    tab.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(nav).to_be_hidden()


def test_the_header_fits_and_the_current_section_is_marked(tabs, pw, submitted) -> None:  # noqa: F811
    application = reverse("projects:application", args=[submitted.pk])
    for who, user, section in (
        ("researcher", pw.researcher, "My research"),
        ("case handler", pw.case_handler, "Projects"),
    ):
        tab = tabs(re.sub(r"\W+", "-", who), user)
        check_desktop(tab, who, application, section)
        check_phone(tab, who, application, section)

    # A few more pages of the case handler's (the last tab), each in its section.
    tab.set_viewport_size(DESKTOP)
    for url_name, section in (
        ("people:cases", "People"),
        ("delivery:queue", "Projects"),
        ("jobs:list", "Jobs"),
        ("data:catalogue", "Catalogue"),
    ):
        tab.goto(reverse(url_name))
        assert current_section(tab) == section, url_name
