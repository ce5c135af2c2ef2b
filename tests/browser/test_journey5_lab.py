"""Journey 5 of the mission in a real browser: JupyterLab in the research server's sandbox.

A member signs in with two factors, opens the project's workspace, starts JupyterLab (which
runs under bubblewrap on a Unix socket and is reached only through fivesafes' proxy), opens a
notebook that reads the delivered Parquet file and makes a crosstab, runs it and sees the
table. fivesafes runs under uvicorn here (the proxy is ASGI, and JupyterLab needs
websockets), not under Django's threaded test server. Screenshots are kept on failure.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_people_journeys import sign_in
from tests.workspace.lab_world import NUMBER, lab_world  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "crosstab",
            "metadata": {},
            "outputs": [],
            "source": [
                "import pandas as pd\n",
                "from fivesafes.analysis import crosstab\n",
                "persons = pd.read_parquet('/project/data/d1/persons.parquet')\n",
                "crosstab(persons.region, persons.sex)",
            ],
        }
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def asgi_server(transactional_db: Any, settings: Any) -> Iterator[str]:
    """fivesafes' ASGI application (the proxy in front of Django) under uvicorn."""
    import uvicorn

    from fivesafes.asgi import application

    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    began = time.monotonic()
    while not server.started and time.monotonic() - began < 30:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def member_tab(browser: Any, asgi_server: str, request: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=asgi_server, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    tab = context.new_page()
    yield tab
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def test_journey_5_a_notebook_reads_the_delivered_parquet_and_makes_a_crosstab(
    lab_world,  # noqa: F811
    member_tab,
) -> None:
    files = lab_world.root / "projects" / NUMBER / "files"
    files.mkdir(parents=True, exist_ok=True)
    notebook = files / "crosstab.ipynb"
    notebook.write_text(json.dumps(NOTEBOOK))
    notebook.chmod(0o666)

    tab = member_tab
    sign_in(tab, lab_world.owner)
    tab.goto(f"/workspace/{NUMBER}/sessions/")
    expect(tab.get_by_role("heading", name="JupyterLab", exact=True)).to_be_visible()
    tab.get_by_role("button", name="Start JupyterLab").click()
    tab.wait_for_url(f"**/workspace/{NUMBER}/lab/lab**", timeout=60_000)
    expect(tab.locator("#jp-main-dock-panel")).to_be_visible(timeout=60_000)

    tab.goto(f"/workspace/{NUMBER}/lab/lab/tree/files/crosstab.ipynb")
    cell = tab.locator(".jp-CodeCell").first
    expect(cell).to_be_visible(timeout=60_000)
    expect(tab.get_by_text("Python 3 | Idle")).to_be_visible(timeout=60_000)
    cell.click()
    tab.keyboard.press("Shift+Enter")
    verdict = tab.locator(".jp-OutputArea-output .fivesafes-output").first
    expect(verdict).to_be_visible(timeout=60_000)
    expect(verdict).to_contain_text("Would pass")
    table = verdict.locator("table").first
    expect(table).to_contain_text("North")
    expect(table).to_contain_text("South")
    expect(table).to_contain_text("sex")
    # The safe analysis library recorded the table and its evidence in the outputs area,
    # ready for the release room.
    outputs = files.parent / "outputs"
    deadline = time.monotonic() + 30
    while not (outputs / "crosstab_region_sex.json").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert (outputs / "crosstab_region_sex.csv").exists()
    assert json.loads((outputs / "crosstab_region_sex.json").read_text())["verdict"]["status"] == (
        "pass"
    )

    # No download: not in the file browser's menu, and the raw file route is refused by the
    # proxy, in words, whatever the interface does.
    tab.locator(".jp-DirListing-item", has_text="crosstab.ipynb").click(button="right")
    expect(tab.get_by_role("menuitem", name="Rename")).to_be_visible()
    expect(tab.get_by_role("menuitem", name="Download")).to_have_count(0)
    tab.keyboard.press("Escape")
    refused = tab.request.get(f"/workspace/{NUMBER}/lab/files/data/d1/persons.parquet")
    assert refused.status == 403
    assert "not possible" in refused.json()["message"]
