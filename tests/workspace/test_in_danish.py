"""The workspace in Danish (issue 16, item 8): a member who chose Danish reads the workspace, its
runs, the SQL console and its refusals in Danish, staff read the overview in Danish, words the
system writes of a run or a JupyterLab session by itself are in its member's language, and the
JupyterLab proxy refuses in the person's language; a reader of English still reads English."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from fivesafes.audit.models import AuditEvent
from fivesafes.workspace.models import LabSession
from fivesafes.workspace.services import lab as sessions
from tests.conftest import verified_client
from tests.workspace.conftest import WorkspaceWorld, start_script
from tests.workspace.lab_world import NUMBER, cookie_of, lab_world  # noqa: F401
from tests.workspace.test_lab_services import fake, start  # noqa: F401
from tests.workspace.test_proxy_access import get, proxy, refusals  # noqa: F401


@pytest.fixture(autouse=True)
def _english_again() -> Any:
    """A Danish request leaves Danish active on the thread (Django activates a language per
    request and never resets it); the tests after these expect English."""
    yield
    translation.deactivate()


def url(name: str, *args: Any) -> str:
    return reverse(f"workspace:{name}", args=args)


def in_danish(person: Any) -> Any:
    person.language = "da"
    person.save(update_fields=["language"])
    return person


def test_a_danish_member_reads_the_workspace_in_danish_an_english_one_in_english(
    ww: WorkspaceWorld,
) -> None:
    in_danish(ww.member)
    danish = ww.client().get(url("home", ww.project.pk)).content.decode()
    assert '<html lang="da">' in danish
    assert "<h1>Arbejdsområde for P-2026-013" in danish
    for words in (
        "Du må arbejde i dette projekt nu.",
        "Fælles filer",
        "Mit private område",
        "Brugt lagerplads",
        "Anmod om udtræk af resultater",
        "Start JupyterLab",
        ">Kørsler</a>",
        "Grænser for hver kørsel og session: CPU 3 s, hukommelse 1,5 GB, 40 processer",
    ):
        assert words in danish, words
    assert "You may work in this project now." not in danish and "Shared files" not in danish

    english = ww.client(ww.colleague).get(url("home", ww.project.pk)).content.decode()
    assert "You may work in this project now." in english and "Shared files" in english
    assert "Arbejdsområde" not in english


def test_a_run_started_in_danish_is_queued_and_shown_in_danish(ww: WorkspaceWorld) -> None:
    in_danish(ww.member)
    client = ww.client()
    client.post(url("edit", ww.project.pk, "files"), {"path": "job.py", "text": "print(1)\n"})
    runs = client.get(url("runs", ww.project.pk)).content.decode()
    assert "<h1>Kørsler i P-2026-013</h1>" in runs
    assert (
        "Ud fra filens navn" in runs and "Python-script" in runs and "Ingen kørsler endnu." in runs
    )
    page = client.post(
        url("runs", ww.project.pk), {"script": "/project/files/job.py"}, follow=True
    ).content.decode()
    assert "Kørsel " in page and " er sat i kø." in page
    assert 'id="run-state">I kø</span>' in page
    assert "Type: Python-script" in page and "Annuller kørslen" in page
    assert "is queued" not in page and "Cancel the run" not in page


def test_refusals_on_the_pages_are_in_danish(ww: WorkspaceWorld) -> None:
    in_danish(ww.member)
    client = ww.client()
    saved = client.post(url("edit", ww.project.pk, "files"), {"path": "../x.py", "text": "x"})
    assert saved.status_code == 400
    assert "En sti skal blive i sit område" in saved.content.decode()
    assert "stays inside its area" not in saved.content.decode()
    started = client.post(url("runs", ww.project.pk), {"script": "/etc/passwd"})
    assert "Et script køres fra de fælles filer" in started.content.decode()
    asked = client.post(url("console", ww.project.pk), {"sql": "DELETE FROM persons"})
    assert "Konsollen kan kun læse: begynd med SELECT eller WITH (" in asked.content.decode()
    # The same refusal, for a reader of English.
    english = ww.client(ww.colleague).post(
        url("edit", ww.project.pk, "files"), {"path": "../x.py", "text": "x"}
    )
    assert "stays inside its area" in english.content.decode()


def test_staff_read_the_overview_and_its_limits_form_in_danish(ww: WorkspaceWorld) -> None:
    staff = verified_client(in_danish(ww.staff))
    page = staff.get(url("staff")).content.decode()
    assert "<h1>Arbejdsområder på forskerserveren</h1>" in page
    for words in ("CPU-tid pr. proces (minutter)", "Gem grænserne for P-2026-013", "Intet kører."):
        assert words in page, words
    prefix = f"p{ww.project.pk}"
    refused = staff.post(url("limits", ww.project.pk), {f"{prefix}-cpu_minutes": "0"})
    assert "Grænserne for P-2026-013 blev ikke gemt:" in refused.content.decode()


def test_a_lost_run_is_recorded_in_its_members_language(ww: WorkspaceWorld) -> None:
    from django_tasks_db.models import DBTaskResult

    from fivesafes.workspace.services.execution import settle_lost

    in_danish(ww.member)
    mine = start_script(ww, "print(1)\n", "a.py")
    theirs = start_script(ww, "print(2)\n", "b.py", person=ww.colleague)
    DBTaskResult.objects.filter(pk__in=[mine.task_id, theirs.task_id]).update(status="FAILED")
    assert sorted(settle_lost()) == sorted([mine.pk, theirs.pk])
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.words.startswith("ikke færdig: processen, der kørte den, stoppede")
    assert theirs.words.startswith("not finished: the worker running it stopped")


def test_a_cancel_is_told_from_a_stop_in_either_language() -> None:
    from fivesafes.workspace.services.runs import cancelled_by_member

    assert cancelled_by_member("cancelled by its member")
    assert cancelled_by_member("annulleret af medlemmet")
    assert not cancelled_by_member("server maintenance")


def test_an_idle_session_is_stopped_in_its_owners_language(lab_world, fake, settings) -> None:  # noqa: F811
    settings.FIVESAFES_WORKSPACE_IDLE_MINUTES = 30
    in_danish(lab_world.owner)
    mine = start(lab_world)
    theirs = start(lab_world, lab_world.colleague)
    LabSession.objects.filter(pk__in=[mine.pk, theirs.pk]).update(
        last_activity_at=timezone.now() - timedelta(minutes=31)
    )
    assert sessions.cull_idle() == 2
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.ended_why == "Ingen brugte den i 30 minutter."
    assert theirs.ended_why == "Nobody used it for 30 minutes."
    page = verified_client(lab_world.owner).get(f"/workspace/{NUMBER}/sessions/")
    text = page.content.decode()
    assert "Tidligere sessioner" in text and "Hvorfor den sluttede" in text
    assert "Ingen brugte den i 30 minutter." in text


def test_the_proxy_refuses_in_the_persons_language(lab_world, fake, proxy) -> None:  # noqa: F811
    in_danish(lab_world.owner)
    start(lab_world)
    base = f"/workspace/{NUMBER}/lab/"
    cookie = cookie_of(lab_world.owner)
    answer = get(proxy, base + "api/kernels", cookie, method="POST", origin="https://evil.example")
    assert answer.status_code == 403
    assert answer.json()["message"] == "Forespørgslen kom ikke fra fivesafes' egne sider."
    raw = get(proxy, base + "files/1/persons.parquet", cookie)
    assert raw.status_code == 403
    assert raw.json()["message"] == "Du kan ikke åbne rå filer i browseren (R20)."
    assert refusals()[-2:] == [  # audited in the wording the person read
        "Forespørgslen kom ikke fra fivesafes' egne sider.",
        "Du kan ikke åbne rå filer i browseren (R20).",
    ]
    nobody = get(proxy, base + "api/status", "", **{"accept-language": "da"})
    assert nobody.status_code == 401 and nobody.json()["message"].startswith("Log ind i fivesafes")
    start(lab_world, lab_world.colleague)
    english = get(proxy, base + "files/x", cookie_of(lab_world.colleague))
    assert english.json()["message"] == "Opening raw files in the browser is not possible (R20)."
    assert AuditEvent.objects.filter(action="lab_session.refused").count() >= 3
