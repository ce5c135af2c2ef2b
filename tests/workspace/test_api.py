"""The workspace API: runs (list, start, one, cancel) and the outputs' names and sizes, behind
the same access rule as the pages; no answer carries a run's output or a file's bytes."""

from __future__ import annotations

from django.test import Client

from fivesafes.audit.models import AuditEvent
from tests.workspace.conftest import WorkspaceWorld

BASE = "/api/v1/workspace"


def api_client(person) -> Client:
    from fivesafes.accounts.models import ApiToken

    _token, plain = ApiToken.issue(user=person, name="analysis", days=5)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_a_member_starts_lists_reads_and_cancels_a_run(ww: WorkspaceWorld) -> None:
    from fivesafes.workspace.services import files

    files.save_text(
        actor=ww.member, project=ww.project, area="files", path="a.py", text="print(42)\n"
    )
    (ww.areas().outputs).mkdir(parents=True, exist_ok=True)
    (ww.areas().outputs / "table.csv").write_text("region,n\nNorth,120\n")
    api = api_client(ww.member)
    made = api.post(
        f"{BASE}/projects/{ww.project.pk}/runs",
        {"script": "/project/files/a.py"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    run = made.json()
    assert run["state"] == "queued" and run["kind"] == "python" and run["project"] == "P-2026-013"
    listed = api.get(f"{BASE}/projects/{ww.project.pk}/runs").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == run["id"]
    one = api.get(f"{BASE}/runs/{run['id']}").json()
    assert "output" not in one
    cancelled = api.post(f"{BASE}/runs/{run['id']}/cancel")
    assert cancelled.json()["state"] == "cancelled"
    outputs = api.get(f"{BASE}/projects/{ww.project.pk}/outputs").json()
    assert outputs == [{"path": "table.csv", "bytes": 19}]


def test_bad_input_names_the_field_and_outsiders_are_refused(ww: WorkspaceWorld) -> None:
    api = api_client(ww.member)
    bad = api.post(
        f"{BASE}/projects/{ww.project.pk}/runs",
        {"script": "/project/data/1/persons.csv"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["rule"] == "R20" and bad.json()["field"] == "script"
    outsider = api_client(ww.outsider)
    for path in (f"/projects/{ww.project.pk}/runs", f"/projects/{ww.project.pk}/outputs"):
        answer = outsider.get(BASE + path)
        assert answer.status_code == 404
        assert "P-2026-013" not in answer.content.decode()
    assert AuditEvent.objects.filter(action="access.project_denied").count() == 2
