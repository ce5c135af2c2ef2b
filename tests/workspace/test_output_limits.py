"""Output that never ends stays bounded: a batch run printing without end keeps only the first
part of its output on disk and says so in plain words; a kernel's output passes JupyterLab's
rate limit and keeps nothing for a browser that is away; one kernel message larger than the
proxy passes closes the stream, audited with the reason (as is a session that does not answer
the connection)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from asgiref.sync import async_to_sync

from fivesafes.audit.models import AuditEvent
from fivesafes.sandbox.lab import server_config
from tests.workspace.conftest import WorkspaceWorld, run_queued, start_script
from tests.workspace.lab_world import NUMBER, BrowserSocket, cookie_of, lab_world  # noqa: F401
from tests.workspace.test_lab_services import fake, start  # noqa: F401
from tests.workspace.test_proxy_access import proxy  # noqa: F401


def test_a_run_printing_without_end_keeps_only_the_first_part_and_says_so(
    ww: WorkspaceWorld, settings
) -> None:
    from fivesafes.workspace.services.execution import log_path, read_log

    settings.FIVESAFES_WORKSPACE_MAX_LOG_BYTES = 200_000
    # 2 MB printed (a run printing without end is stopped at a limit; the cap is the same).
    run = run_queued(start_script(ww, "for _ in range(4000):\n    print('x' * 500)\n", "loud.py"))
    assert log_path(run.pk).stat().st_size < 200_000 + 300
    text, _ = read_log(run)
    assert "keeps only the first 200 kB of a run's output" in text
    assert run.output_bytes <= 200_000


def test_jupyterlab_limits_kernel_output_and_keeps_none_for_an_absent_browser() -> None:
    config = server_config(token="t", base_url="/workspace/P-1/lab/")
    channels = config["ZMQChannelsWebsocketConnection"]
    assert isinstance(channels, dict)
    assert channels["limit_rate"] is True and channels["iopub_data_rate_limit"] <= 1_000_000
    assert config["MappingKernelManager"] == {"buffer_offline_messages": False}


def test_one_kernel_message_too_large_closes_the_stream_with_the_reason(
    lab_world,  # noqa: F811
    fake,  # noqa: F811
    proxy,  # noqa: F811
    monkeypatch,
) -> None:
    from websockets.asyncio.server import unix_serve

    from fivesafes.workspace.proxy import app as proxy_app

    monkeypatch.setattr(proxy_app, "MAX_MESSAGE", 100_000)
    session = start(lab_world)
    cookie = cookie_of(lab_world.owner)

    async def loud_kernel(connection: Any) -> None:
        await connection.send("small")
        await connection.send("y" * 200_000)
        await asyncio.sleep(5)

    async def unanswered() -> dict[str, Any]:
        path = f"/workspace/{NUMBER}/lab/api/kernels/{uuid.uuid4()}/channels"
        return await BrowserSocket(proxy, path, cookie).connect()

    # Nothing listens on the session's socket yet: closed, and audited with the reason.
    assert async_to_sync(unanswered)() == {"type": "websocket.close", "code": 1011}

    async def go() -> list[dict[str, Any]]:
        async with unix_serve(loud_kernel, session.socket_path, max_size=None):
            path = f"/workspace/{NUMBER}/lab/api/kernels/{uuid.uuid4()}/channels"
            socket = BrowserSocket(proxy, path, cookie)
            got = [await socket.connect()]
            while got[-1]["type"] != "websocket.close":
                got.append(await socket.next(timeout=10))
            await socket.close()
            return got

    got = async_to_sync(go)()
    assert [m["type"] for m in got] == ["websocket.accept", "websocket.send", "websocket.close"]
    assert got[1]["text"] == "small"
    reasons = list(
        AuditEvent.objects.filter(action="lab_session.stream_closed")
        .order_by("pk")
        .values_list("data__reason", flat=True)
    )
    assert len(reasons) == 2
    assert "did not answer" in reasons[0] and "larger than" in reasons[1]
