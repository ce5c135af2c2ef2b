"""`fivesafes bench workspace --lab`: JupyterLab sessions, timed the way a researcher meets them.

Sets up a throw-away installation (a temporary data folder with a SQLite database, the demo
people and project, a generated Parquet file) and runs fivesafes under uvicorn on a Unix
socket (no TCP port here either). Then:

1. ready from click: `start_session` (the Start button's service) until the session's socket
   answers `/api/status`, over --lab-starts sessions (target under 10 s);
2. proxy overhead: a contents request and a websocket kernel round trip (`1+1`) straight to
   the session's socket and through uvicorn and the proxy (authenticating, the access rule,
   the rules), p50/p95 of each and the p95 difference (target under 20 ms added); the
   contents request also with the access generation moved before each request (so every
   request asks the full access rule, as the first one after a change does), to show what the
   full rule costs;
3. --concurrent sessions of as many researchers at once: all started, each asked for its
   status and one kernel round trip through the proxy at the same time; errors counted, CPU
   and memory of all sessions together. Target: 20 without errors.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

TARGET_READY_S = 10.0
TARGET_OVERHEAD_MS = 20.0


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _ms(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(_percentile(values, 0.5) * 1000, 1),
        "p95_ms": round(_percentile(values, 0.95) * 1000, 1),
    }


def _installation(root: Path) -> None:
    """A fresh installation in `root`: settings from the environment, migrated, demo people."""
    os.environ["FIVESAFES_DATA_DIR"] = str(root)
    os.environ["DATABASE_URL"] = f"sqlite:///{root / 'bench.sqlite3'}"
    os.environ["FIVESAFES_ENV"] = "demo"
    os.environ["FIVESAFES_LAB_SESSIONS_DIR"] = str(root / "s")
    os.environ["FIVESAFES_LAB_MAX_SESSIONS"] = "100"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fivesafes.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _world(researchers: int) -> tuple[Any, list[Any]]:
    """The demo project with `researchers` members who may work in it (signed agreements)."""
    from datetime import timedelta

    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from fivesafes.accounts.demo_users import ensure_demo_users
    from fivesafes.accounts.models import RoleAssignment, User
    from fivesafes.people.demo import DEMO_NETWORKS, DEMO_PROJECT, ensure_demo_people
    from fivesafes.people.models import CertificationAttempt
    from fivesafes.people.services import agreements
    from fivesafes.people.services import researchers as attach
    from fivesafes.policy.permissions import Role
    from fivesafes.projects.models import Project, ProjectMembership

    ensure_demo_users()
    ensure_demo_people()
    project = Project.objects.get(number=DEMO_PROJECT)
    manager = User.objects.get(username="manager")
    people = [User.objects.get(username="researcher")]
    today = timezone.localdate()
    for i in range(1, researchers):
        person = User.objects.create_user(
            username=f"bench{i}", email=f"bench{i}@bench.invalid", full_name=f"Bench {i}"
        )
        RoleAssignment.objects.create(user=person, role=Role.RESEARCHER.value)
        TOTPDevice.objects.create(user=person, name="bench", confirmed=True)
        attach.attach(actor=manager, institution=project.institution, researcher=person)
        CertificationAttempt.objects.create(person=person, correct=5, total=5, passed=True)
        ProjectMembership.objects.create(project=project, person=person)
        agreement = agreements.create(
            actor=manager,
            researcher=person,
            project=project,
            starts_on=today,
            ends_on=today + timedelta(days=365),
            allowed_networks=DEMO_NETWORKS,
        )
        agreements.sign(actor=person, agreement=agreement)
        agreements.countersign(actor=manager, agreement=agreement)
        people.append(person)
    return project, people


def _data(root: Path, project: str) -> None:
    import numpy as np
    import pandas as pd

    folder = root / "projects" / project / "data" / "d1"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {"region": rng.choice(["North", "South"], 1000), "income": rng.integers(1, 9, 1000)}
    )
    frame.to_parquet(folder / "persons.parquet")
    for path in (root, *root.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _cookie(person: Any) -> str:
    """A signed-in, two-factor fivesafes session of `person`, as its cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    store = SessionStore()
    store[SESSION_KEY] = str(person.pk)
    store[BACKEND_SESSION_KEY] = "fivesafes.accounts.backends.UsernameOrEmailBackend"
    store[HASH_SESSION_KEY] = person.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = person.totpdevice_set.first().persistent_id
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _request(person: Any) -> Any:
    from django.test import RequestFactory

    request = RequestFactory().post("/workspace/", REMOTE_ADDR="127.0.0.1")
    person.otp_device = person.totpdevice_set.first()
    request.user = person
    return request


class _Server:
    """uvicorn serving fivesafes' ASGI application on a Unix socket, in a thread."""

    def __init__(self, path: str) -> None:
        import uvicorn

        from fivesafes.asgi import application

        async def local(scope: Any, receive: Any, send: Any) -> None:
            # On a Unix socket there is no peer address; a reverse proxy in front would give
            # the browser's (X-Forwarded-For). Here it is this machine.
            if scope.get("client") is None and scope["type"] != "lifespan":
                scope = dict(scope, client=("127.0.0.1", 0))
            await application(scope, receive, send)

        config = uvicorn.Config(local, uds=path, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        began = time.monotonic()
        while not self.server.started:
            if time.monotonic() - began > 30:
                raise SystemExit("bench workspace: uvicorn did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def _execute(code: str) -> tuple[str, str]:
    msg_id = uuid.uuid4().hex
    message = {
        "header": {
            "msg_id": msg_id,
            "username": "bench",
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
        },  # fmt: skip
        "channel": "shell",
        "buffers": [],
    }
    return msg_id, json.dumps(message)


async def _round_trip(socket: Any, code: str = "1+1") -> str:
    msg_id, text = _execute(code)
    await socket.send(text)
    while True:
        data = json.loads(await socket.recv())
        if data.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        if data.get("msg_type") == "execute_result":
            return str(data["content"]["data"]["text/plain"])
        if data.get("msg_type") == "error":
            raise RuntimeError(str(data["content"]))


class _Target:
    """One way to a session: straight to its socket, or through fivesafes' socket."""

    def __init__(self, socket: str, headers: dict[str, str]) -> None:
        self.socket = socket
        self.headers = headers

    async def http(self, method: str, path: str, **kwargs: Any) -> Any:
        import httpx

        transport = httpx.AsyncHTTPTransport(uds=self.socket)
        async with httpx.AsyncClient(transport=transport, timeout=60) as client:
            return await client.request(
                method, "http://localhost" + path, headers=self.headers, **kwargs
            )

    def ws(self, path: str) -> Any:
        from websockets.asyncio.client import unix_connect

        return unix_connect(
            self.socket, uri="ws://localhost" + path, additional_headers=self.headers,
            max_size=None, open_timeout=60,
        )  # fmt: skip


def _refusals() -> list[str]:
    """The reasons the proxy gave for its refusals and closed streams, as audited (at most
    five, distinct)."""
    from fivesafes.audit.models import AuditEvent

    reasons = AuditEvent.objects.filter(
        action__in=("lab_session.refused", "access.denied", "lab_session.stream_closed")
    ).values_list("data", flat=True)
    return sorted({str((data or {}).get("reason", ""))[:200] for data in reasons})[:5]


def _move_generation() -> None:
    from django.db import transaction

    from fivesafes.policy import access_generation

    with transaction.atomic():
        access_generation.bump()


async def _overhead(direct: _Target, proxied: _Target, base: str, rounds: int) -> dict[str, Any]:
    import httpx
    from asgiref.sync import sync_to_async

    figures: dict[str, Any] = {}
    path = base + "api/contents/files?content=1"
    ways = (("direct", direct, False), ("proxied", proxied, False), ("full_rule", proxied, True))
    for name, target, full in ways:
        transport = httpx.AsyncHTTPTransport(uds=target.socket)
        async with httpx.AsyncClient(transport=transport, timeout=60) as client:
            times = []
            for i in range(rounds + 5):
                if full:
                    await sync_to_async(_move_generation)()
                began = time.perf_counter()
                answer = await client.get("http://localhost" + path, headers=target.headers)
                if answer.status_code != 200:
                    raise SystemExit(f"bench workspace: contents via {name}: {answer.status_code}")
                if i >= 5:
                    times.append(time.perf_counter() - began)
        figures[f"contents_{name}"] = _ms(times)
    kernel = await direct.http("POST", base + "api/kernels", json={"name": "python3"})
    kernel_id = kernel.json()["id"]
    channels = base + f"api/kernels/{kernel_id}/channels"
    for name, target in (("direct", direct), ("proxied", proxied)):
        async with target.ws(channels) as socket:
            times = []
            for i in range(rounds + 5):
                began = time.perf_counter()
                if await _round_trip(socket) != "2":
                    raise SystemExit("bench workspace: the kernel did not answer 2")
                if i >= 5:
                    times.append(time.perf_counter() - began)
        figures[f"kernel_{name}"] = _ms(times)
    await direct.http("DELETE", base + f"api/kernels/{kernel_id}")
    figures["contents_full_rule_added_p95_ms"] = round(
        figures["contents_full_rule"]["p95_ms"] - figures["contents_direct"]["p95_ms"], 1
    )
    for what in ("contents", "kernel"):
        added = figures[f"{what}_proxied"]["p95_ms"] - figures[f"{what}_direct"]["p95_ms"]
        figures[f"{what}_added_p95_ms"] = round(added, 1)
    figures["target_added_ms"] = TARGET_OVERHEAD_MS
    figures["meets_target"] = (
        max(figures["contents_added_p95_ms"], figures["kernel_added_p95_ms"]) < TARGET_OVERHEAD_MS
    )
    return figures


async def _use_all(targets: list[_Target], base: str) -> list[str]:
    """Status, a contents listing and a kernel round trip in every session at once."""

    async def one(target: _Target) -> str:
        try:
            status = await target.http("GET", base + "api/status")
            listing = await target.http("GET", base + "api/contents/data/d1")
            kernel = await target.http("POST", base + "api/kernels", json={"name": "python3"})
            if (status.status_code, listing.status_code, kernel.status_code) != (200, 200, 201):
                return f"HTTP {status.status_code}/{listing.status_code}/{kernel.status_code}"
            async with target.ws(base + f"api/kernels/{kernel.json()['id']}/channels") as ws:
                got = await _round_trip(
                    ws,
                    "import pandas as pd; len(pd.read_parquet('/project/data/d1/persons.parquet'))",
                )
            return "" if got == "1000" else f"kernel answered {got!r}"
        except Exception as error:  # noqa: BLE001 - counted and reported as an error
            return f"{type(error).__name__}: {error}"

    return list(await asyncio.gather(*(one(t) for t in targets)))


def run(*, starts: int, rounds: int, concurrent: int) -> dict[str, Any]:
    root = Path(tempfile.mkdtemp(prefix="fs-bench-lab-"))
    root.chmod(0o755)
    try:
        _installation(root)
        from fivesafes.people.demo import DEMO_PROJECT

        _data(root, DEMO_PROJECT)
        project, people = _world(max(concurrent, 1))
        from fivesafes.sandbox.lab import base_url_for
        from fivesafes.workspace.services import lab as sessions
        from fivesafes.workspace.services import lab_processes

        base = base_url_for(DEMO_PROJECT)
        figures: dict[str, Any] = {}
        ready = []
        for _ in range(starts):
            began = time.perf_counter()
            session = sessions.start_session(
                person=people[0], project=project, request=_request(people[0])
            )
            ready.append(time.perf_counter() - began)
            sessions.stop_session(session=session, actor=people[0])
        figures["ready_from_click"] = {
            "sessions": starts,
            "p50_s": round(_percentile(ready, 0.5), 2),
            "max_s": round(max(ready), 2),
            "target_s": TARGET_READY_S,
            "meets_target": max(ready) < TARGET_READY_S,
        }
        server_socket = str(root / "fivesafes.sock")
        server = _Server(server_socket)
        try:
            session = sessions.start_session(
                person=people[0], project=project, request=_request(people[0])
            )
            token = sessions.folders_of(session).token()
            direct = _Target(session.socket_path, {"Authorization": f"token {token}"})
            proxied = _Target(
                server_socket, {"Cookie": _cookie(people[0]), "Origin": "http://localhost"}
            )
            figures["proxy_overhead"] = asyncio.run(_overhead(direct, proxied, base, rounds))
            sessions.stop_session(session=session, actor=people[0])

            began = time.perf_counter()
            running = [
                sessions.start_session(person=p, project=project, request=_request(p))
                for p in people[:concurrent]
            ]
            started = time.perf_counter() - began
            targets = [
                _Target(server_socket, {"Cookie": _cookie(p), "Origin": "http://localhost"})
                for p in people[:concurrent]
            ]
            began = time.perf_counter()
            errors = [e for e in asyncio.run(_use_all(targets, base)) if e]
            used = time.perf_counter() - began
            cpu, memory = 0.0, 0
            for s in running:
                c, m = lab_processes.usage(s.pid)
                cpu, memory = cpu + c, memory + m
            figures["concurrent_sessions"] = {
                "sessions": concurrent,
                "started_one_after_another_s": round(started, 1),
                "all_used_at_once_s": round(used, 1),
                "errors": len(errors),
                "first_errors": errors[:3],
                "refusals_audited": _refusals() if errors else [],
                "memory_all_sessions_mb": round(memory / 1e6),
                "cpu_all_sessions_s": round(cpu, 1),
                "meets_target": not errors,
            }
        finally:
            sessions.stop_sessions(project=project, reason="The benchmark ended.")
            server.stop()
        return figures
    finally:
        shutil.rmtree(root, ignore_errors=True)
