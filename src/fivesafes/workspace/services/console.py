"""The read-only SQL console over the project's data (DuckDB in the sandbox; R20, R21).

One SELECT (or WITH) statement at a time, shown a page at a time: the query is wrapped in
`LIMIT`/`OFFSET`, so at most one page plus one row is ever read back, and no page past the row
cap is shown (individual records are for analysis, not for copying off the screen). It runs
in the sandbox like any batch run, with the project's limits and a short wall-clock, from a
file in the member's private area; the data are mounted read-only, so nothing it does can
change them. Each query is audited with its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext as _

from fivesafes.audit.services import record
from fivesafes.policy import workspaces as policy
from fivesafes.sandbox import (
    LocalBubblewrapSpawner,
    SandboxError,
    SandboxSpec,
    Stop,
    batch_command,
)
from fivesafes.shared.formats import number
from fivesafes.shared.refusals import RuleViolation
from fivesafes.workspace import areas
from fivesafes.workspace.services.files import sandbox_owner
from fivesafes.workspace.services.limits import limits_for

PAGE_ROWS = 50
ROW_CAP = 1000
MAX_SQL = 10_000
WALL_SECONDS = 60
CONSOLE_FILE = ".sql-console.sql"
_READING = re.compile(r"^\s*(select|with|from)\b", re.IGNORECASE)


@dataclass
class Answer:
    sql: str
    page: int
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    more: bool = False
    error: str = ""

    @property
    def first_row(self) -> int:
        return self.page * PAGE_ROWS + 1

    @property
    def last_row(self) -> int:
        return self.page * PAGE_ROWS + len(self.rows)


def check_sql(sql: str) -> str:
    """One reading statement, without its closing semicolon; a refusal naming `sql`."""
    text = (sql or "").strip().rstrip(";").strip()
    if not text:
        raise RuleViolation("R20", "sql", _("Write a SELECT statement."))
    if len(text) > MAX_SQL:
        raise RuleViolation(
            "R20", "sql", _("A query is at most %(most)s characters.") % {"most": number(MAX_SQL)}
        )
    if ";" in text:
        raise RuleViolation("R20", "sql", _("The console runs one statement at a time."))
    if not _READING.match(text):
        raise RuleViolation("R20", "sql", _("The console only reads: start with SELECT or WITH."))
    return text


def _parse(lines: list[str], answer: Answer) -> None:
    try:
        start = lines.index("-- statement 1")
    except ValueError:
        answer.error = "\n".join(lines[-8:]) or _("The query gave no result.")
        return
    body = [line for line in lines[start + 1 :] if not line.startswith("-- ")]
    if not body:
        return
    answer.columns = body[0].split("\t")
    rows = [line.split("\t") for line in body[1:]]
    answer.more = len(rows) > PAGE_ROWS and answer.last_row < ROW_CAP
    answer.rows = rows[:PAGE_ROWS]


def query(*, actor: Any, project: Any, sql: str, page: int = 0, request: Any = None) -> Answer:
    """Run one page of a reading query over the project's data (see the module docstring)."""
    policy.check_enter_workspace(actor, project, request)
    text = check_sql(sql)
    if page < 0 or page * PAGE_ROWS >= ROW_CAP:
        raise RuleViolation(
            "R21",
            "page",
            _("The console shows at most the first %(most)s rows of a result.")
            % {"most": number(ROW_CAP)},
        )
    view = areas.areas_for(project, actor)
    wrapped = (
        f"SELECT * FROM (\n{text}\n) AS console LIMIT {PAGE_ROWS + 1} OFFSET {page * PAGE_ROWS};\n"  # noqa: S608 - the member's own query, over their own read-only data
    )
    from fivesafes.workspace.services.execution import _prepare

    answer = Answer(sql=text, page=page)
    limits = limits_for(project)
    limits = replace(limits, wall_seconds=min(limits.wall_seconds, WALL_SECONDS))
    try:
        _prepare(view)
        areas.write_bytes(view.private, CONSOLE_FILE, wrapped.encode("utf-8"), sandbox_owner())
        command = batch_command(
            "sql", f"{areas.INSIDE['private']}/{CONSOLE_FILE}", memory_bytes=limits.memory_bytes
        )
        handle = LocalBubblewrapSpawner.from_environment().start(
            SandboxSpec(view, command, limits, workdir=areas.INSIDE["private"])
        )
        lines = list(handle.lines())
        result = handle.wait(timeout=WALL_SECONDS + 15)
    except SandboxError as error:
        answer.error = str(error)
        lines, result = [], None
    if result is not None and result.stop is not Stop.FINISHED:
        tail = [line for line in lines if line.strip()][-6:]
        answer.error = result.words + ("\n" + "\n".join(tail) if tail else "")
    elif result is not None:
        _parse(lines, answer)
    record(
        action="workspace.sql_console",
        actor=actor,
        obj=project,
        data={"sql": text[:2000], "page": page, "rows": len(answer.rows), "error": answer.error},
        request=request,
    )
    return answer
