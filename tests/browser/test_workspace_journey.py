"""The batch part of journey 5 in a real browser: a member opens the project's workspace,
writes a script that reads the delivered Parquet file and writes a table to the outputs area,
runs it, watches its output arrive (htmx) and finds the table among the outputs. The run is
executed as the workspace's worker would, in the sandbox."""

from __future__ import annotations

import pytest

from tests.browser import journey_steps as steps
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

    steps.run_a_script(
        person_page(ww.member),
        ww.project,
        SCRIPT,
        prints="wrote 3 rows",
        writes="counts.csv",
        header="kommune,n",
    )
