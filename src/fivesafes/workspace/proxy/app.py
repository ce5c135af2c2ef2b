"""The ASGI proxy in front of Django for `/workspace/<project number>/lab/...` (issue 13).

HTTP goes through httpx over the session's Unix socket (`AsyncHTTPTransport(uds=...)`),
websockets through the `websockets` library's `unix_connect`; there is no TCP port anywhere.
For every HTTP request, and for a websocket at connect and every FIVESAFES_LAB_RECHECK_SECONDS
while it is open, `access.authorize` asks who is signed in (with the second factor) and the
access rule (a passing answer kept while the access generation has not moved); then `rules` refuses what would move files out. The user's cookies never reach
JupyterLab (so no fivesafes cookie can leak to a server run by researchers' code, and no
Jupyter cookie comes back): the proxy sends the session's token itself. Hop-by-hop headers are
dropped both ways, bodies stream, and a response asking the browser to save a file is refused.
Everything else is passed to Django.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

import httpx
from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils.translation import gettext_noop

from fivesafes.sandbox.lab import UPSTREAM
from fivesafes.workspace.proxy import access, rules

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

logger = logging.getLogger("fivesafes.workspace")
PREFIX = re.compile(r"^/workspace/(?P<project>[A-Za-z0-9][A-Za-z0-9_-]{0,39})/lab(?P<rest>/.*)?$")
MAX_BODY = 64 * 1024 * 1024
# One message from a kernel (an output, a figure) is held whole while it passes: no larger.
MAX_MESSAGE = 32 * 1024 * 1024
TOO_BIG = 1009  # the websocket close code for a message over the size allowed
TOO_BIG_WORDS = (
    "A kernel sent one output larger than 32 MB, more than fivesafes passes to the browser; "
    "the connection was closed. Print less at once (for example the head of a table); the "
    "kernel goes on running."
)
HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "trailers", "transfer-encoding", "upgrade", "host", "content-length",
}  # fmt: skip
# Never forwarded to JupyterLab: the user's credentials and where they came from.
NOT_UPSTREAM = {"cookie", "authorization", "origin", "referer", "x-forwarded-for",
                "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "forwarded"}  # fmt: skip
NOT_DOWNSTREAM = {"set-cookie", "server"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


# Django's synchronous code for the proxy runs in a pool of threads, not on the one thread that
# runs every synchronous view of this process (`thread_sensitive`), so that a slow page never
# holds up JupyterLab and the other way round. Tests set this to True to share their
# transaction with the proxy.
SHARED_THREAD = False


def _django(call: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    return sync_to_async(call, thread_sensitive=SHARED_THREAD)


def _without_hop_by_hop(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    named = {
        token.strip().lower()
        for name, value in pairs
        if name.lower() == "connection"
        for token in value.split(",")
    }
    return [(n, v) for n, v in pairs if n.lower() not in HOP_BY_HOP and n.lower() not in named]


def upstream_headers(scope: Scope, token: str) -> list[tuple[str, str]]:
    pairs = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in scope.get("headers", [])]
    kept = [
        (n, v)
        for n, v in _without_hop_by_hop(pairs)
        if n.lower() not in NOT_UPSTREAM and not n.lower().startswith("sec-websocket")
    ]
    return [*kept, ("authorization", f"token {token}"), ("host", "localhost")]


def downstream_headers(headers: httpx.Headers) -> list[tuple[bytes, bytes]]:
    pairs = [(n, v) for n, v in headers.multi_items()]
    out = [
        (n.lower().encode("latin-1"), v.encode("latin-1"))
        for n, v in _without_hop_by_hop(pairs)
        if n.lower() not in NOT_DOWNSTREAM
    ]
    if "content-length" in headers and "content-encoding" not in headers:
        out.append((b"content-length", headers["content-length"].encode("latin-1")))
    return out


def header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def same_origin(scope: Scope, *, required: bool) -> bool:
    """The browser's Origin names this site (cross-site requests carry the user's cookie)."""
    origin = header(scope, b"origin")
    if not origin:
        return not required
    return urlsplit(origin).netloc.lower() == header(scope, b"host").lower()


def upstream_target(scope: Scope) -> str:
    raw = scope.get("raw_path") or scope["path"].encode()
    query = scope.get("query_string", b"")
    return raw.decode("latin-1") + (("?" + query.decode("latin-1")) if query else "")


async def _answer(send: Send, status: int, reason: str) -> None:
    body = json.dumps({"message": reason, "reason": reason}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


class LabProxy:
    """Wraps the Django ASGI application."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._clients: dict[str, httpx.AsyncClient] = {}

    def client_for(self, socket: str) -> httpx.AsyncClient:
        client = self._clients.get(socket)
        if client is None:
            client = httpx.AsyncClient(
                transport=httpx.AsyncHTTPTransport(uds=socket),
                timeout=httpx.Timeout(60.0, connect=5.0),
                follow_redirects=False,
            )
            self._clients[socket] = client
        return client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        match = PREFIX.match(scope.get("path", "")) if scope["type"] != "lifespan" else None
        if match is None:
            if scope["type"] == "websocket":
                await receive()
                await send({"type": "websocket.close", "code": 4404})
                return
            await self.app(scope, receive, send)
            return
        project, rest = match["project"], match["rest"] or ""
        if scope["type"] == "http":
            await self.http(scope, receive, send, project, rest)
        elif scope["type"] == "websocket":
            await self.websocket(scope, receive, send, project, rest)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for client in self._clients.values():
                    with contextlib.suppress(Exception):
                        await client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    # HTTP

    async def http(
        self, scope: Scope, receive: Receive, send: Send, project: str, rest: str
    ) -> None:
        if rest == "":
            location = f"/workspace/{project}/lab/lab".encode()
            await send(
                {"type": "http.response.start", "status": 302, "headers": [(b"location", location)]}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        try:
            grant, request = await _django(access.authorize)(dict(scope), project)
        except access.Refused as refused:
            await _answer(send, refused.refusal.status, refused.refusal.reason)
            return
        method = scope["method"].upper()
        subpath = rest[1:]
        query = scope.get("query_string", b"").decode("latin-1")
        refusal = rules.check_http(method, subpath, query)
        if (
            refusal is None
            and method not in SAFE_METHODS
            and not same_origin(scope, required=False)
        ):
            refusal = rules.Refusal(
                403, gettext_noop("The request did not come from fivesafes' own pages.")
            )
        body = await _read_body(receive)
        if body is None:
            refusal = refusal or rules.Refusal(
                413, gettext_noop("The request was too large or was cut off.")
            )
        contents = rules.contents_path(subpath) if refusal is None else None
        if contents is not None and method == "GET":
            refusal = await asyncio.to_thread(
                rules.check_contents_read,
                contents,
                grant.mounts,
                max_binary_bytes=settings.FIVESAFES_LAB_MAX_BINARY_BYTES,
            )
        elif contents is not None and method in ("POST", "PUT", "PATCH"):
            refusal = rules.check_contents_write(body or b"", grant.mounts)
        if refusal is not None:
            said = await _django(access.audit_refusal)(request, refusal, project)
            await _answer(send, said.status, said.reason)
            return
        await self._forward(scope, send, grant, method, body or b"", request, project)

    async def _forward(
        self,
        scope: Scope,
        send: Send,
        grant: access.Grant,
        method: str,
        body: bytes,
        request: Any,
        project: str,
    ) -> None:
        client = self.client_for(grant.socket)
        outgoing = client.build_request(
            method,
            UPSTREAM + upstream_target(scope),
            headers=upstream_headers(scope, grant.token),
            content=body if body or method not in SAFE_METHODS else None,
        )
        try:
            response = await client.send(outgoing, stream=True)
        except httpx.HTTPError:
            silent = rules.Refusal(
                502,
                gettext_noop(
                    "Your JupyterLab session is not answering; stop it and start it again."
                ),
            )
            said = await _django(access.worded)(request, silent)
            await _answer(send, said.status, said.reason)
            return
        try:
            disposition = response.headers.get("content-disposition", "").lower()
            if disposition.startswith("attachment"):
                refusal = rules.Refusal(
                    403, gettext_noop("Downloading files is not possible: they stay on the server.")
                )
                said = await _django(access.audit_refusal)(request, refusal, project)
                await _answer(send, said.status, said.reason)
                return
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status_code,
                    "headers": downstream_headers(response.headers),
                }
            )
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        except httpx.HTTPError:
            logger.warning("A JupyterLab response was cut off (%s).", scope.get("path"))
        finally:
            await response.aclose()

    # websockets

    async def websocket(
        self, scope: Scope, receive: Receive, send: Send, project: str, rest: str
    ) -> None:
        from websockets.asyncio.client import unix_connect
        from websockets.exceptions import ConnectionClosed, WebSocketException

        first = await receive()
        if first["type"] != "websocket.connect":
            return
        subpath = rest[1:]
        query = scope.get("query_string", b"").decode("latin-1")
        try:
            grant, request = await _django(access.authorize)(dict(scope), project)
        except access.Refused:
            await send({"type": "websocket.close", "code": 4403})
            return
        refusal = rules.check_websocket(subpath, query)
        if refusal is None and not same_origin(scope, required=True):
            refusal = rules.Refusal(
                403, gettext_noop("The connection did not come from fivesafes' own pages.")
            )
        if refusal is not None:
            await _django(access.audit_refusal)(request, refusal, project)
            await send({"type": "websocket.close", "code": 4403})
            return
        try:
            upstream = await unix_connect(
                grant.socket,
                uri="ws://localhost" + upstream_target(scope),
                additional_headers=[("Authorization", f"token {grant.token}")],
                subprotocols=scope.get("subprotocols") or None,
                max_size=MAX_MESSAGE,
                compression=None,
                open_timeout=10,
            )
        except (OSError, WebSocketException, TimeoutError) as error:
            words = (
                f"The JupyterLab session did not answer the connection ({type(error).__name__})."
            )
            await _django(access.audit_stream_closed)(request, words, project)
            await send({"type": "websocket.close", "code": 1011})
            return
        await send({"type": "websocket.accept", "subprotocol": upstream.subprotocol})
        closed = asyncio.Event()

        async def from_browser() -> None:
            while True:
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    return
                if message.get("text") is not None:
                    await upstream.send(message["text"])
                elif message.get("bytes") is not None:
                    await upstream.send(message["bytes"])

        async def to_browser() -> str | None:
            try:
                async for data in upstream:
                    if isinstance(data, str):
                        await send({"type": "websocket.send", "text": data})
                    else:
                        await send({"type": "websocket.send", "bytes": data})
            except ConnectionClosed as closed:
                if closed.sent is not None and closed.sent.code == TOO_BIG:
                    return TOO_BIG_WORDS
            return None

        async def recheck() -> str:
            every = settings.FIVESAFES_LAB_RECHECK_SECONDS
            while True:
                await asyncio.sleep(every)
                try:
                    again, _ = await _django(access.authorize)(dict(scope), project)
                except access.Refused as refused:
                    return refused.refusal.reason
                if again.session_id != grant.session_id:
                    return "The JupyterLab session this stream belonged to has ended."

        upstream_task = asyncio.ensure_future(to_browser())
        tasks = {
            asyncio.ensure_future(from_browser()),
            upstream_task,
            asyncio.ensure_future(recheck()),
        }
        try:
            done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            reasons = [
                task.result()
                for task in done
                if not task.cancelled()
                and task.exception() is None
                and isinstance(task.result(), str)
            ]
            if not reasons and upstream_task in done:
                # JupyterLab closed the stream: because access ended (the session was
                # stopped), or for its own reasons (the kernel was shut down)? Ask once more.
                try:
                    await _django(access.authorize)(dict(scope), project, reuse=False)
                except access.Refused as refused:
                    reasons.append(refused.refusal.reason)
            for reason in reasons[:1]:
                if isinstance(reason, str):
                    await _django(access.audit_stream_closed)(request, reason, project)
                    with contextlib.suppress(Exception):
                        await send({"type": "websocket.close", "code": 1008})
                    closed.set()
        finally:
            for task in tasks:
                task.cancel()
            with contextlib.suppress(Exception):
                await upstream.close()
            if not closed.is_set():
                with contextlib.suppress(Exception):
                    await send({"type": "websocket.close", "code": 1000})
