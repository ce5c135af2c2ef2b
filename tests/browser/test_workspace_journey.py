"""The batch part of journey 5 in a real browser: a member opens the project's workspace,
writes a script that reads the delivered Parquet file and writes a table to the outputs area,
runs it, watches its output arrive (htmx) and finds the table among the outputs. The run is
executed as the workspace's worker would, in the sandbox."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fivesafes.workspace.models import Run
from fivesafes.workspace.services.execution import read_log
from tests.browser.test_people_journeys import person_page, sign_in  # noqa: F401 - fixtures
from tests.workspace.conftest import data_dir, run_queued, write_data, ww  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

SCRIPT = """import duckdb
con = duckdb.connect(config={"memory_limit": "300MB", "threads": 1})
con.execute(
    "COPY (SELECT kommune, count(*) AS n FROM '/project/data/1/persons.parquet' "
    "GROUP BY kommune ORDER BY kommune) TO '/project/outputs/counts.csv' (HEADER)"
)
rows = con.execute("SELECT count(*) FROM '/project/outputs/counts.csv'").fetchall()[0][0]
print("wrote", rows, "rows")
"""


def test_journey_5_a_member_runs_a_script_over_the_delivered_data(
    ww,  # noqa: F811
    person_page,  # noqa: F811
) -> None:
    import duckdb

    parquet = write_data(ww.project, "persons.parquet", "")
    duckdb.sql("SELECT range AS id, range % 3 AS kommune FROM range(300)").write_parquet(
        str(parquet)
    )
    parquet.chmod(0o644)

    tab = person_page(ww.member)
    tab.goto(f"/workspace/{ww.project.pk}/")
    expect(tab.get_by_text("You may work in this project now.")).to_be_visible()
    tab.get_by_role("navigation", name="Workspace").get_by_role("link", name="Shared files").click()
    tab.get_by_role("link", name="New text file").click()
    tab.get_by_label("File name").fill("counts.py")
    tab.locator("textarea[name=text]").fill(SCRIPT)
    tab.get_by_role("button", name="Save").click()
    expect(tab.locator("#file-text")).to_contain_text("import duckdb")

    tab.get_by_role("link", name="Run it").click()
    expect(tab.get_by_label("Script")).to_have_value("/project/files/counts.py")
    tab.get_by_role("button", name="Start the run").click()
    expect(tab.locator("#run-state")).to_have_text("Queued")
    expect(tab.locator("#run-output")).to_contain_text("this page updates itself")

    ran = run_queued(Run.objects.get())  # what the workspace worker does
    assert ran.state == "finished", (ran.words, read_log(ran)[0])
    expect(tab.locator("#run-state")).to_have_text("Finished", timeout=15_000)
    expect(tab.locator("#run-log")).to_contain_text("wrote 3 rows")
    expect(tab.get_by_test_id("written-file")).to_contain_text("/project/outputs/counts.csv")

    tab.get_by_role("navigation", name="Workspace").get_by_role("link", name="Outputs").click()
    expect(tab.get_by_test_id("entry")).to_contain_text("counts.csv")
    tab.get_by_role("link", name="counts.csv").click()
    expect(tab.locator("#file-text")).to_contain_text("kommune,n")
    tab.goto(f"/workspace/{ww.project.pk}/")
    expect(tab.get_by_test_id("output-file")).to_contain_text("counts.csv")
    expect(tab.get_by_role("button", name="Ask to release outputs")).to_be_visible()
