"""The workspace API's answers and bodies, built `from_attributes`. A run's answer holds its
state, limits, how it ended, the resources used and the names and sizes of the files it wrote;
never its output, nor any file's contents (R20)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema

from fivesafes.shared.api import linked


class WrittenOut(Schema):
    area: str
    path: str
    bytes: int


class RunOut(Schema):
    id: int
    project: str = linked("project.number")
    person: str = linked("person.username")
    kind: str
    script: str
    state: str
    limits: dict[str, Any]
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    stop_requested_at: datetime | None
    stop_reason: str
    stop: str
    words: str
    exit_code: int | None
    signal: str
    cpu_seconds: float | None
    max_rss_bytes: int | None
    wall_seconds: float | None
    output_lines: int
    files_written: list[WrittenOut]


class RunIn(Schema):
    script: str
    kind: str = ""


class OutputOut(Schema):
    path: str
    bytes: int
