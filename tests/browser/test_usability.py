"""Issue 16 in a real browser: a refused action says so where it was asked, nothing typed is
lost, forms lead with an error summary that takes the focus, the wizard's steps stand apart
and its destructive buttons look destructive."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from fivesafes.policy.permissions import Role
from tests.browser.test_people_journeys import sign_in
from tests.data.conftest import catalogue, metadata_dir, register_base  # noqa: F401 - fixtures
from tests.projects.conftest import PDF, draft, pw, upload_dir  # noqa: F401 - fixtures
from tests.projects.test_uploads import ELF

pytestmark = pytest.mark.browser


def add_years(tab: Any, first: str, last: str) -> None:
    tab.get_by_label("From year").fill(first)
    tab.get_by_label("To year").fill(last)
    tab.get_by_role("button", name="Add to data basket").click()


def test_a_refused_basket_add_says_why_on_the_variable_page(page, catalogue, make_user) -> None:  # noqa: F811
    sign_in(page, make_user(Role.RESEARCHER, username="finder"))
    page.goto("/data/catalogue/INCOME/wage_income/")
    summary = page.locator(".error-summary")
    button = page.get_by_role("button", name="Add to data basket")

    add_years(page, "2030", "1970")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("From year: the first year (2030) is after the last (1970).")
    expect(summary).to_be_focused()
    expect(button).to_be_visible()
    expect(page.get_by_text("In your basket")).to_have_count(0)
    expect(page.get_by_label("From year")).to_have_value("2030")  # what was typed stays
    expect(page.get_by_label("From year")).to_have_attribute("aria-invalid", "true")

    add_years(page, "abc", "2000")
    expect(summary).to_contain_text("From year: enter a whole year such as 2010.")
    summary.get_by_role("link", name="From year: enter a whole year").click()
    expect(page.get_by_label("From year")).to_be_focused()

    add_years(page, "1800", "1801")
    expect(summary).to_contain_text("is outside it")
    expect(page.get_by_text("In your basket")).to_have_count(0)

    page.goto("/data/basket/")
    expect(page.get_by_text("Your basket is empty.")).to_be_visible()


def test_variables_go_in_the_basket_from_search_and_the_basket_starts_an_application(
    page,
    catalogue,  # noqa: F811
    make_user,
) -> None:
    sign_in(page, make_user(Role.RESEARCHER, username="collector"))
    page.goto("/data/catalogue/?q=wage")
    page.get_by_role("button", name="Add INCOME.wage_income to basket").click()
    row = page.locator("#results tr", has_text="wage_income")
    expect(row.get_by_role("status")).to_have_text("In your basket")
    page.goto("/data/catalogue/POPULATION/")
    page.get_by_role("button", name="Add POPULATION.sex to basket").click()
    expect(page.locator("tr", has_text="sex").get_by_role("status")).to_have_text("In your basket")

    page.goto("/data/basket/")
    expect(page.locator("tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Start an application from this basket").click()
    expect(page.get_by_role("heading", name="New application for a project")).to_be_visible()


def test_an_upload_keeps_what_was_typed_on_the_step(page, pw, draft, tmp_path) -> None:  # noqa: F811
    sign_in(page, pw.researcher)
    page.goto(f"/projects/applications/{draft.pk}/edit/project/")
    purpose = page.get_by_label("Purpose")
    description = page.get_by_label("Project description")
    purpose.fill("Incomes over the life course.")
    description.fill("A register study of cohorts born 1980-1990.")

    # A refused file: the step comes back with the refusal and everything typed.
    bad = tmp_path / "protocol.pdf"
    bad.write_bytes(ELF)
    page.get_by_label("File (PDF, DOCX, ODT or TXT)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".error-summary").first).to_contain_text("File (PDF, DOCX, ODT or TXT)")
    expect(purpose).to_have_value("Incomes over the life course.")
    expect(description).to_have_value("A register study of cohorts born 1980-1990.")

    # Typed again straight before a good upload: kept and saved with the file.
    purpose.fill("Incomes over the whole life course.")
    good = tmp_path / "good.pdf"
    good.write_bytes(PDF)
    page.get_by_label("File (PDF, DOCX, ODT or TXT)").set_input_files(str(good))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("On file: good.pdf")).to_be_visible()
    expect(purpose).to_have_value("Incomes over the whole life course.")
    page.reload()
    expect(purpose).to_have_value("Incomes over the whole life course.")
    expect(description).to_have_value("A register study of cohorts born 1980-1990.")


def test_the_wizard_steps_stand_apart_and_remove_looks_destructive(page, pw, draft) -> None:  # noqa: F811
    sign_in(page, pw.researcher)
    page.goto(f"/projects/applications/{draft.pk}/edit/variables/")
    steps = page.get_by_role("navigation", name="Steps of the application").locator("li")
    expect(steps).to_have_count(6)
    boxes = [steps.nth(i).bounding_box() for i in range(6)]
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left and right
        same_line = abs(left["y"] - right["y"]) < 2
        apart = right["x"] >= left["x"] + left["width"] + 4 if same_line else True
        assert apart, f"Steps touch or overlap: {left} and {right}"

    # Only what applies to a variable: no separate justification or date coarsening for an
    # income; both for the particularly identifying birth date.
    separate = "Separate justification (particularly identifying)"
    income = page.locator('section[data-variable="persons.income"]')
    expect(income.get_by_label(separate)).to_have_count(0)
    offered = income.get_by_label("Coarsening").locator("option").all_inner_texts()
    assert "To year and month" not in offered, f"A date coarsening offered for an income: {offered}"
    birth = page.locator('section[data-variable="persons.birth_date"]')
    expect(birth.get_by_label(separate)).to_be_visible()
    expect(birth.get_by_label("Coarsening")).to_contain_text("To year and month")

    line = income
    save = line.get_by_role("button", name="Save")
    remove = line.get_by_role("button", name="Remove")

    def look(button: Any) -> tuple[str, str]:
        return button.evaluate(
            "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]"
        )

    assert look(save) != look(remove), "Remove looks like Save"
    assert look(remove)[1] == "rgb(164, 38, 44)", f"Remove is not red: {look(remove)}"
