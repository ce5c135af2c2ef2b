"""A refusal names its rule after the words, and the rule is a link: following it opens the
rule's text on /rules/, which a visitor reads in Danish too and which passes axe (issue 16)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from fivesafes.policy.permissions import Role
from tests.browser.test_people_journeys import person_page  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}


def serious_violations(tab: Any) -> list[str]:
    found = Axe().run(tab).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in found if v["impact"] in SERIOUS]


def test_a_refusal_links_its_rule_to_the_rules_text(person_page, make_user) -> None:  # noqa: F811
    tab = person_page(make_user(Role.CASE_HANDLER))
    tab.goto("/people/question-bank/")
    tab.get_by_label("Question").fill("May you share your password?")
    tab.get_by_label("Answers").fill("Yes\nNo")
    tab.get_by_label("Number of the right answer").fill("3")
    tab.get_by_role("button", name="Save").click()
    error = tab.locator(".error-summary")
    expect(error).to_contain_text("The right answer is a number from 1 to 2 (R9).")
    error.get_by_role("link", name="R9").click()
    expect(tab).to_have_url(re.compile(r"/rules/#R9$"))
    expect(tab.locator("#R9")).to_contain_text("Certified on data security, every year")
    assert serious_violations(tab) == []


def test_a_visitor_reads_the_rules_in_danish(browser, live_server) -> None:
    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    tab = context.new_page()
    tab.goto("/rules/")
    expect(tab.locator("#R24")).to_contain_text("Brud har konsekvenser")
    assert serious_violations(tab) == []
    context.close()
