"""A real JupyterLab session in the sandbox, reached through the proxy (slow: one session).

The owner's status, contents and a kernel round trip pass; another member of the same
project, an anonymous visitor and a session without its second factor are refused; raw files,
downloads, exports and the data folder's files are refused by rule; and when the owner's
access ends, the open stream closes and the session stops."""

from __future__ import annotations

import httpx
import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core.asgi import get_asgi_application

from fivesafes.audit.models import AuditEvent
from fivesafes.workspace.models import LabSession
from fivesafes.workspace.proxy import LabProxy
from fivesafes.workspace.services import lab as sessions
from fivesafes.workspace.services import lab_processes
from tests.workspace.lab_world import (
    NUMBER,
    BrowserSocket,
    browser_headers,
    cookie_of,
    lab_world,  # noqa: F401 - a fixture
    run_code,
    verified_request,
)

pytestmark = [pytest.mark.slow]
BASE = f"/workspace/{NUMBER}/lab/"


def test_a_session_through_the_proxy(lab_world, monkeypatch) -> None:  # noqa: F811
    from fivesafes.workspace.proxy import app as proxy_app

    monkeypatch.setattr(proxy_app, "SHARED_THREAD", True)  # the test's transaction
    world = lab_world
    session = sessions.start_session(
        person=world.owner, project=world.project, request=verified_request(world.owner)
    )
    assert session.state == LabSession.State.RUNNING
    folder = str(sessions.folders_of(session).root)
    assert lab_processes.alive(session.key, session.pid, folder)
    app = LabProxy(get_asgi_application())
    owner = cookie_of(world.owner)
    colleague = cookie_of(world.colleague)

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as web:
            mine = browser_headers(owner)
            status = await web.get(BASE + "api/status", headers=mine)
            assert status.status_code == 200, status.text
            assert "set-cookie" not in status.headers
            listing = await web.get(BASE + "api/contents/data/d1", headers=mine)
            assert listing.status_code == 200
            assert [f["name"] for f in listing.json()["content"]] == ["persons.parquet"]
            page = await web.get(BASE + "lab", headers=mine)
            assert page.status_code == 200 and "JupyterLab" in page.text

            theirs = await web.get(BASE + "api/status", headers=browser_headers(colleague))
            assert theirs.status_code == 404 and "no running JupyterLab" in theirs.text
            anonymous = await web.get(BASE + "api/status")
            assert anonymous.status_code == 401 and "Sign in" in anonymous.text

            for path in (
                "files/data/d1/persons.parquet",
                "api/contents/data/d1/persons.parquet",
                "api/contents/files?download=1",
                "nbconvert/html/files/x.ipynb",
            ):
                refused = await web.get(BASE + path, headers=mine)
                assert refused.status_code == 403, path
                assert refused.json()["message"][0].isupper()

            kernel = await web.post(BASE + "api/kernels", headers=mine, json={"name": "python3"})
            assert kernel.status_code == 201, kernel.text
            kernel_id = kernel.json()["id"]
            r_kernel = await web.post(BASE + "api/kernels", headers=mine, json={"name": "ir"})
            assert r_kernel.status_code == 201, r_kernel.text

        r_socket = BrowserSocket(app, BASE + f"api/kernels/{r_kernel.json()['id']}/channels", owner)
        assert (await r_socket.connect())["type"] == "websocket.accept"
        assert await run_code(r_socket, "1+1") == "[1] 2"
        await r_socket.close()

        socket = BrowserSocket(app, BASE + f"api/kernels/{kernel_id}/channels", owner)
        accepted = await socket.connect()
        assert accepted["type"] == "websocket.accept", accepted
        assert await run_code(socket, "1+1") == "2"
        assert "persons" in await run_code(socket, "import os; str(os.listdir('/project/data/d1'))")

        other = BrowserSocket(app, BASE + f"api/kernels/{kernel_id}/channels", colleague)
        assert (await other.connect())["type"] == "websocket.close"

        def end_access() -> None:
            world.project.memberships.filter(person=world.owner).delete()

        await sync_to_async(end_access)()
        while True:
            message = await socket.next(timeout=15)
            if message["type"] == "websocket.close":
                break
        assert message["code"] == 1008

    async_to_sync(scenario)()
    session.refresh_from_db()
    assert session.state == LabSession.State.ENDED
    assert session.ending == "access"
    assert not lab_processes.alive(session.key, session.pid, folder)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "lab_session.start",
        "lab_session.started",
        "lab_session.refused",
        "lab_session.stream_closed",
        "lab_session.stopped",
    } <= actions
