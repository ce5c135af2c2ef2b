"""The read-only SQL console: a page of rows at a time, never past the row cap, one reading
statement only; the data cannot be changed through it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fivesafes.audit.models import AuditEvent
from fivesafes.shared.refusals import RuleViolation
from tests.workspace.conftest import WorkspaceWorld, write_data


def test_a_query_over_the_delivered_parquet_is_paged(ww: WorkspaceWorld) -> None:
    import duckdb

    target = write_data(ww.project, "persons.parquet", "")
    relation = duckdb.sql("SELECT range AS id, range % 3 AS kommune FROM range(120)")
    relation.write_parquet(str(target))
    target.chmod(0o644)
    client = ww.client()
    page = client.post(
        reverse("workspace:console", args=[ww.project.pk]),
        {"sql": 'SELECT id, kommune FROM "1".persons ORDER BY id', "page": 1},
    )
    text = page.content.decode()
    assert page.status_code == 200, text
    assert "Rows 51–100" in text
    assert "<td>50</td>" in text and "<td>99</td>" in text and "<td>100</td>" not in text
    assert "Next page" in text
    assert AuditEvent.objects.filter(action="workspace.sql_console").exists()


def test_the_console_only_reads(ww: WorkspaceWorld) -> None:
    from fivesafes.workspace.services import console

    for sql, field in (
        ("COPY (SELECT 1) TO '/project/outputs/x.csv'", "sql"),
        ("SELECT 1; DROP TABLE x", "sql"),
        ("", "sql"),
    ):
        with pytest.raises(RuleViolation) as refusal:
            console.query(actor=ww.member, project=ww.project, sql=sql)
        assert refusal.value.field == field
    with pytest.raises(RuleViolation) as refusal:
        console.query(actor=ww.member, project=ww.project, sql="SELECT 1", page=20)
    assert refusal.value.field == "page"
