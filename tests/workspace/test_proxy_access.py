"""The proxy's access side without a real JupyterLab (the sandbox is faked): a sign-in without
its second factor, an address outside the agreement, a cross-site request and a cross-site
websocket are refused and audited; an address refusal leaves the session running, while the
end of the person's access stops it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from asgiref.sync import async_to_sync
from django.core.asgi import get_asgi_application
from django.test import Client

from fivesafes.audit.models import AuditEvent
from fivesafes.workspace.models import LabSession
from fivesafes.workspace.proxy import LabProxy
from fivesafes.workspace.proxy import app as proxy_app
from fivesafes.workspace.services import lab as sessions
from tests.workspace.lab_world import NUMBER, BrowserSocket, cookie_of, lab_world  # noqa: F401
from tests.workspace.test_lab_services import fake, start  # noqa: F401

BASE = f"/workspace/{NUMBER}/lab/"


@pytest.fixture
def proxy(monkeypatch) -> LabProxy:
    monkeypatch.setattr(proxy_app, "SHARED_THREAD", True)
    return LabProxy(get_asgi_application())


def get(proxy: LabProxy, path: str, cookie: str, *, address: str = "127.0.0.1", **kw: Any) -> Any:
    async def go() -> Any:
        transport = httpx.ASGITransport(app=proxy, client=(address, 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as web:
            return await web.request(
                kw.pop("method", "GET"), path, headers={"cookie": cookie, **kw}
            )

    return async_to_sync(go)()


def refusals() -> list[str]:
    events = AuditEvent.objects.filter(action="lab_session.refused").order_by("pk")
    return [str(e.data.get("reason", "")) for e in events]


def test_a_sign_in_without_its_second_factor_is_refused(lab_world, fake, proxy) -> None:  # noqa: F811
    start(lab_world)
    client = Client()
    client.force_login(
        lab_world.owner, backend="fivesafes.accounts.backends.UsernameOrEmailBackend"
    )
    answer = get(proxy, BASE + "api/status", f"sessionid={client.cookies['sessionid'].value}")
    assert answer.status_code == 403 and "two-factor" in answer.json()["message"]
    assert any("two-factor" in reason for reason in refusals())
    assert LabSession.objects.get().state == "running"


def test_an_address_outside_the_agreement_is_refused_but_the_session_goes_on(
    lab_world,  # noqa: F811
    fake,  # noqa: F811
    proxy,
) -> None:
    start(lab_world)
    answer = get(proxy, BASE + "api/status", cookie_of(lab_world.owner), address="10.9.9.9")
    assert answer.status_code == 403 and "10.9.9.9" in answer.json()["message"]
    assert LabSession.objects.get().state == "running"


def test_when_access_ends_the_session_stops(lab_world, fake, proxy) -> None:  # noqa: F811
    session = start(lab_world)
    lab_world.project.memberships.filter(person=lab_world.owner).delete()
    answer = get(proxy, BASE + "api/status", cookie_of(lab_world.owner))
    # No longer a member: the project reads as a missing one, as on every page.
    assert answer.status_code == 404 and "not yours to see" in answer.json()["message"]
    session.refresh_from_db()
    assert session.ending == "access" and session.ended_why.startswith("Access ended")
    assert fake[session.key].cancelled


def test_cross_site_requests_and_streams_are_refused(lab_world, fake, proxy) -> None:  # noqa: F811
    start(lab_world)
    cookie = cookie_of(lab_world.owner)
    answer = get(proxy, BASE + "api/kernels", cookie, method="POST", origin="https://evil.example")
    assert answer.status_code == 403 and "own pages" in answer.json()["message"]

    async def stream() -> dict[str, Any]:
        headers = [(b"host", b"testserver"), (b"origin", b"https://evil.example")]
        return await _socket_with(proxy, cookie, headers).connect()

    assert async_to_sync(stream)()["type"] == "websocket.close"
    assert any("own pages" in reason for reason in refusals())


def _socket_with(proxy: LabProxy, cookie: str, headers: list[tuple[bytes, bytes]]) -> Any:
    """A websocket like `BrowserSocket`'s, with other headers (a foreign Origin)."""
    socket = BrowserSocket.__new__(BrowserSocket)
    socket.inbox = asyncio.Queue()
    socket.outbox = asyncio.Queue()
    path = BASE + "api/events/subscribe"
    scope = {
        "type": "websocket",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [*headers, (b"cookie", cookie.encode())],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "scheme": "ws",
        "subprotocols": [],
    }
    socket.task = asyncio.ensure_future(proxy(scope, socket.inbox.get, socket.outbox.put))
    return socket


def test_sessions_of_a_project_stop_together(lab_world, fake) -> None:  # noqa: F811
    start(lab_world)
    start(lab_world, lab_world.colleague)
    assert sessions.stop_sessions(project=lab_world.project, reason="Project closed (R25).") == 2
