"""In a real browser: finding data in the public catalogue and collecting it in a basket (R26)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from fivesafes.policy.permissions import Role
from tests.data.conftest import catalogue, metadata_dir, register_base  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_a_visitor_searches_as_they_type_and_reads_a_register_page(page, catalogue) -> None:  # noqa: F811
    page.goto("/data/catalogue/")
    expect(page.get_by_role("heading", name="Data catalogue")).to_be_visible()
    page.get_by_label("Search").fill("apotek")  # Danish, from the register's description
    status = page.locator("#results [role=status]")
    expect(status).to_contain_text("1 matching register.")
    expect(page).to_have_url(re.compile(r"/data/catalogue/\?q=apotek"))  # shareable address
    page.locator("#results").get_by_role("link", name="PRESCRIPTIONS").first.click()
    expect(page.get_by_role("heading", name="Coverage")).to_be_visible()
    expect(page.locator(".card svg").first).to_be_visible()
    expect(page.get_by_role("heading", name="Quality declaration")).to_be_visible()
    purpose = json.loads((catalogue / "prescriptions.json").read_text())["qualityDeclaration"]
    expect(page.locator("dl.card")).to_contain_text(purpose["purpose"]["en"])
    expect(page.get_by_role("button", name="Add to data basket")).to_have_count(0)


def test_a_visitor_follows_a_person_number_to_the_registers_it_links(page, catalogue) -> None:  # noqa: F811
    page.goto("/data/catalogue/PRESCRIPTIONS/")
    page.get_by_role("link", name="pnr", exact=True).click()
    expect(page.get_by_role("heading", name="Registers that link to this unit")).to_be_visible()
    page.get_by_role("link", name="INCOME.pnr").click()
    expect(page).to_have_url(re.compile(r"/data/catalogue/INCOME/pnr/$"))
    page.get_by_role("link", name="INCOME", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"INCOME"))).to_be_visible()


def test_a_researcher_collects_a_variable_with_years_and_downloads_the_list(
    page,
    catalogue,  # noqa: F811
    make_user,
) -> None:
    from tests.browser.test_people_journeys import sign_in

    researcher = make_user(Role.RESEARCHER, username="finder")
    sign_in(page, researcher)
    page.goto("/data/catalogue/?q=birth")
    page.locator("#results").get_by_role("link", name="birth_date").first.click()
    page.get_by_label("From year").fill("1990")
    page.get_by_label("To year").fill("2000")
    page.get_by_role("button", name="Add to data basket").click()
    expect(page.get_by_role("status")).to_contain_text("In your basket")
    page.get_by_role("link", name="see basket").click()
    row = page.locator("tr", has_text="birth_date")
    expect(row).to_contain_text("1990–2000")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the variable list (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r for r in rows if "birth_date" in r.values()], rows
