"""A project for JupyterLab tests: two members with signed agreements (allowed address
127.0.0.1), certified, at an authorised institution; a delivered Parquet file in the data
folder; short folders the sandbox's user can reach; and helpers to talk to the proxy the way
a browser would (cookies, websockets) without a TCP port."""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from fivesafes.policy.permissions import Role
from tests.conftest import use_file_store, verified_client
from tests.delivery.conftest import make_agreement
from tests.people.conftest import authorise, certify

NUMBER = "P-LAB-1"


@dataclass
class LabWorld:
    project: Any
    owner: Any
    colleague: Any
    staff: Any
    root: Path


def make_parquet(folder: Path) -> Path:
    import numpy as np
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(13)
    frame = pd.DataFrame(
        {
            "region": rng.choice(["North", "South", "East"], 600),
            "sex": rng.choice(["F", "M"], 600),
            "income": rng.integers(10_000, 90_000, 600),
        }
    )
    target = folder / "persons.parquet"
    frame.to_parquet(target)
    target.chmod(0o644)
    return target


@pytest.fixture
def lab_world(make_user, settings) -> Any:
    from fivesafes.people.services import researchers
    from fivesafes.projects.models import Project, ProjectMembership

    root = Path(tempfile.mkdtemp(prefix="fs-lab-"))
    root.chmod(0o755)
    settings.DATA_DIR = root
    use_file_store(settings, root / "store")
    settings.FIVESAFES_LAB_SESSIONS_DIR = str(root / "s")
    settings.FIVESAFES_LAB_RECHECK_SECONDS = 1
    staff = {
        "case_handler": make_user(Role.CASE_HANDLER),
        "approver": make_user(Role.APPROVER),
        "secretary": make_user(Role.SECRETARY),
    }
    manager = make_user(Role.INSTITUTION_MANAGER)
    institution = authorise(manager=manager, name="Lab University", **staff).institution
    owner = make_user(Role.RESEARCHER, username="olga")
    colleague = make_user(Role.RESEARCHER, username="carl")
    today = timezone.localdate()
    project = Project.objects.create(
        number=NUMBER,
        title="Incomes by region",
        institution=institution,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=700),
        responsible=manager,
    )
    for person in (owner, colleague):
        researchers.attach(actor=manager, institution=institution, researcher=person)
        certify(person)
        ProjectMembership.objects.create(project=project, person=person)
        make_agreement(manager, person, project)
    make_parquet(root / "projects" / NUMBER / "data" / "d1")
    for path in root.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    world = LabWorld(
        project=project,
        owner=owner,
        colleague=colleague,
        staff=staff["case_handler"],
        root=root,
    )
    yield world
    from fivesafes.workspace.services import lab as sessions

    sessions.stop_sessions(project=project, reason="The test ended.")
    shutil.rmtree(root, ignore_errors=True)


def cookie_of(user: Any) -> str:
    client = verified_client(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def browser_headers(cookie: str) -> dict[str, str]:
    return {"cookie": cookie, "origin": "http://testserver"}


class BrowserSocket:
    """A websocket to the proxy as a browser opens it, through the ASGI interface."""

    def __init__(self, app: Any, path: str, cookie: str, query: str = "") -> None:
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        scope = {
            "type": "websocket",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [
                (b"host", b"testserver"),
                (b"origin", b"http://testserver"),
                (b"cookie", cookie.encode()),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "scheme": "ws",
            "subprotocols": [],
        }
        self.task = asyncio.ensure_future(app(scope, self.inbox.get, self.outbox.put))

    async def connect(self) -> dict[str, Any]:
        await self.inbox.put({"type": "websocket.connect"})
        return await asyncio.wait_for(self.outbox.get(), 30)

    async def send(self, payload: dict[str, Any]) -> None:
        await self.inbox.put({"type": "websocket.receive", "text": json.dumps(payload)})

    async def next(self, timeout: float = 30) -> dict[str, Any]:
        return await asyncio.wait_for(self.outbox.get(), timeout)

    async def close(self) -> None:
        await self.inbox.put({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(self.task, 10)


def execute_request(code: str) -> dict[str, Any]:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "username": "test",
            "session": uuid.uuid4().hex,
            "msg_type": "execute_request",
            "version": "5.3",
            "date": "",
        },
        "parent_header": {},
        "metadata": {},
        "content": {
            "code": code,
            "silent": False,
            "store_history": False,
            "user_expressions": {},
            "allow_stdin": False,
        },
        "channel": "shell",
        "buffers": [],
    }


async def run_code(socket: BrowserSocket, code: str) -> str:
    """Execute `code` on the kernel behind `socket`; its text/plain result."""
    request = execute_request(code)
    await socket.send(request)
    while True:
        message = await socket.next()
        if message["type"] == "websocket.close":
            raise AssertionError(f"the stream closed: {message}")
        data = json.loads(message.get("text") or "{}")
        if data.get("parent_header", {}).get("msg_id") != request["header"]["msg_id"]:
            continue
        if data.get("msg_type") in ("execute_result", "display_data"):  # IRkernel: display
            return str(data["content"]["data"]["text/plain"])
        if data.get("msg_type") == "error":
            raise AssertionError(data["content"])


def verified_request(user: Any, path: str = "/workspace/") -> Any:
    """A request of `user`'s two-factor session from the allowed address."""
    from django.test import RequestFactory

    request = RequestFactory().post(path, REMOTE_ADDR="127.0.0.1")
    user.otp_device = user.totpdevice_set.filter(confirmed=True).first()
    request.user = user
    return request
