"""The chain head anchored outside the database: signed checkpoints in an append-only file.

After every committed append, `record` writes one line to `settings.FIVESAFES_AUDIT_ANCHOR`
(one JSON object per line): the event's sequence number and hash, the hash of event #1 (the
chain's identity), the time, and an HMAC over them keyed with the audit key. The file is opened
with O_APPEND and each line goes out in one write under an exclusive lock, so writers in several
processes never interleave. Whoever can write to the database but not to this file cannot
remove the newest events, or replace the whole log, without `audit verify` seeing that the
database is behind (or different from) the latest checkpoint.

A failed write never fails the request that recorded the event: it is logged as an error, kept
for /healthz, and `audit verify` reports how many events the latest checkpoint does not cover.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger("fivesafes.audit.anchor")

# Domain separation: a checkpoint's HMAC can never be mistaken for an event's hash.
CONTEXT = b"fivesafes audit anchor v1\n"
FIELDS = ("sequence", "hash", "genesis", "at")
# A line longer than this is not a checkpoint (and is not read into memory whole).
MAX_LINE = 4096


def anchor_path() -> Path:
    return Path(settings.FIVESAFES_AUDIT_ANCHOR)


def _mac(payload: dict[str, Any]) -> str:
    key = str(settings.FIVESAFES_AUDIT_KEY).encode()
    body = json.dumps(
        {name: payload[name] for name in FIELDS}, sort_keys=True, separators=(",", ":")
    )
    return hmac.new(key, CONTEXT + body.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hash: str
    genesis: str
    at: str
    line: int = 0

    def describe(self) -> str:
        return f"checkpoint #{self.sequence} written at {self.at} (anchor line {self.line})"


def checkpoint_line(
    sequence: int, event_hash: str, genesis: str, at: datetime | None = None
) -> bytes:
    moment = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")
    payload: dict[str, Any] = {
        "sequence": sequence,
        "hash": event_hash,
        "genesis": genesis,
        "at": moment,
    }
    payload["mac"] = _mac(payload)
    return (json.dumps(payload, sort_keys=True, separators=(",", ":")) + "\n").encode()


# --- writing ----------------------------------------------------------------------------------


@dataclass
class WriteState:
    """This process's record of anchor writes, for /healthz (kept in memory only)."""

    failures: int = 0
    last_failure: str = ""
    last_failure_at: str = ""
    last_written_sequence: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


STATE = WriteState()


def append_line(path: Path, line: bytes) -> None:
    """Append `line` to `path`: O_APPEND, one line per write, under an exclusive flock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        view = memoryview(line)
        while view:  # a short write is finished under the same lock, so lines never interleave
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)  # closing releases the lock


def write_checkpoint(sequence: int, event_hash: str, genesis: str) -> bool:
    """Append one checkpoint; on failure log an error and remember it. Never raises."""
    path = anchor_path()
    try:
        append_line(path, checkpoint_line(sequence, event_hash, genesis))
    except Exception as error:  # noqa: BLE001 - the user's request must not fail for this
        logger.error(
            "AUDIT ANCHOR WRITE FAILED for event #%s (%s: %s): the newest audit events are not "
            "anchored; fix the anchor file %s and run `fivesafes audit checkpoint`.",
            sequence,
            type(error).__name__,
            error,
            path,
        )
        with STATE.lock:
            STATE.failures += 1
            STATE.last_failure = f"{type(error).__name__} writing checkpoint #{sequence}"
            STATE.last_failure_at = datetime.now(UTC).isoformat(timespec="seconds")
        return False
    with STATE.lock:
        STATE.last_written_sequence = max(STATE.last_written_sequence, sequence)
    return True


def health() -> dict[str, Any]:
    """The anchor's state for /healthz: writable, and no failed write in this process; else
    "degraded" (requests are still served; the newest audit events are not anchored)."""
    path = anchor_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)
        os.close(fd)
    except OSError as error:
        logger.error("Health: the audit anchor file cannot be opened for appending: %r", error)
        return {
            "state": "degraded",
            "detail": f"anchor file not writable ({type(error).__name__})",
        }
    with STATE.lock:
        failures, last, at = STATE.failures, STATE.last_failure, STATE.last_failure_at
    if failures:
        return {
            "state": "degraded",
            "detail": f"{failures} anchor write(s) failed in this process, last at {at} ({last}); "
            "run `fivesafes audit checkpoint` once fixed",
            "failed_writes": failures,
        }
    return {"state": "ok", "detail": "anchor file writable", "failed_writes": 0}


# --- reading ----------------------------------------------------------------------------------


@dataclass
class AnchorReading:
    """What the anchor file holds: the latest valid checkpoint and every line that is not one."""

    exists: bool
    valid: int = 0
    latest: Checkpoint | None = None
    bad_lines: list[tuple[int, str]] = field(default_factory=list)


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        number = 0
        while True:
            raw = handle.readline(MAX_LINE + 1)
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest of an overlong line
                    raw = handle.readline(MAX_LINE + 1)
                yield number, b"\x00overlong"
                continue
            yield number, raw


def parse(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """A line's checkpoint fields, or None and why it is not a valid checkpoint."""
    try:
        payload = json.loads(raw)
    except ValueError:
        return None, "not a checkpoint (unreadable: edited, truncated or foreign text)"
    if not isinstance(payload, dict) or set(payload) != {*FIELDS, "mac"}:
        return None, "not a checkpoint (wrong fields: edited or foreign text)"
    if (
        not isinstance(payload["sequence"], int)
        or isinstance(payload["sequence"], bool)
        or payload["sequence"] < 1
        or not all(isinstance(payload[name], str) for name in ("hash", "genesis", "at", "mac"))
    ):
        return None, "not a checkpoint (wrong field types: edited)"
    if not hmac.compare_digest(_mac(payload), payload["mac"]):
        return None, "bad HMAC: the checkpoint was edited or forged"
    return payload, ""


def read(
    path: Path | None = None,
    each_chunk: Callable[[list[Checkpoint]], None] | None = None,
    chunk_size: int = 2000,
) -> AnchorReading:
    """Read the whole file; hand the valid checkpoints to `each_chunk` a chunk at a time (so a
    long file is checked without holding it in memory)."""
    path = path or anchor_path()
    if not path.exists():
        return AnchorReading(exists=False)
    reading = AnchorReading(exists=True)
    chunk: list[Checkpoint] = []
    for number, raw in _lines(path):
        if not raw.strip():
            continue
        payload, problem = parse(raw)
        if payload is None:
            reading.bad_lines.append((number, problem))
            continue
        reading.valid += 1
        checkpoint = Checkpoint(
            payload["sequence"], payload["hash"], payload["genesis"], payload["at"], number
        )
        if reading.latest is None or checkpoint.sequence > reading.latest.sequence:
            reading.latest = checkpoint
        if each_chunk is not None:
            chunk.append(checkpoint)
            if len(chunk) >= chunk_size:
                each_chunk(chunk)
                chunk = []
    if each_chunk is not None and chunk:
        each_chunk(chunk)
    return reading
