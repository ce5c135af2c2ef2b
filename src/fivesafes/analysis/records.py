"""Records and table files as the release room reads them.

A checked output is written as two files of one stem: the table (`<stem>.csv`, the long
layout `release/services/checks.py` compares: one column per dimension, one per statistic,
one line a cell; a model's coefficients line by line) and its `fivesafes.sdc.record/1` record
(`<stem>.json`). The table file is written *from* the record's table, so the two always agree.
A file made by other means (a figure, a CSV) gets a lighter record (`output_type` `file`)
named `<file name>.json` (`figure.png.json`), which the release room does not pair with a
table, so such a CSV still goes through the plain-table check.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import mimetypes
from pathlib import Path
from typing import Any

from fivesafes.sdc.config import DEFAULT_RULES, RuleSet
from fivesafes.sdc.record import ENGINE_VERSION, RECORD_FORMAT, sha256

LIBRARY = "fivesafes.analysis"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same number
    return str(value)


def table_csv(record: dict[str, Any]) -> bytes:
    """The record's table in the long layout, as UTF-8 CSV."""
    section = record["table"]
    dims = [*section["rows"], *section["columns"]]
    stats = list(section["statistics"])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*dims, *stats])
    for cell in section["cells"]:
        labels = [cell["labels"].get(d, "") for d in dims]
        writer.writerow([*labels, *(_text(cell["values"].get(s)) for s in stats)])
    return out.getvalue().encode("utf-8")


def record_bytes(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, indent=1, ensure_ascii=False, sort_keys=False) + "\n").encode()


def seal(record: dict[str, Any]) -> dict[str, Any]:
    """Recompute the record's checksums after a change (a comment, an exception)."""
    sums = dict(record.get("checksums") or {})
    sums["table_sha256"] = sha256(record["table"])
    sums["findings_sha256"] = sha256(record["findings"])
    sums.setdefault("input_sha256", None)
    sums.pop("record_sha256", None)
    record["checksums"] = sums
    body = {k: v for k, v in record.items() if k != "checksums"}
    record["checksums"]["record_sha256"] = sha256(body)
    return record


def ruleset_section(rules: RuleSet = DEFAULT_RULES) -> dict[str, Any]:
    return {
        "name": rules.name,
        "version": rules.version,
        "parameters": rules.as_dict(),
        "sha256": rules.digest(),
    }


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def empty_table() -> dict[str, Any]:
    return {"rows": [], "columns": [], "statistics": [], "cells": []}


def file_record(path: Path, *, comment: str = "", name: str | None = None) -> dict[str, Any]:
    """The lighter record of a file made by other means: what it is, its SHA-256, and that a
    person must look at it (nothing in it can be checked automatically)."""
    data = path.read_bytes()
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    reason = (
        "a file made outside the checked functions (a figure, a table written directly): "
        "two output checkers look at it"
    )
    finding = {
        "rule": "manual_review",
        "severity": "review",
        "cell": None,
        "statistic": None,
        "values": {"bytes": len(data), "media_type": media_type},
        "reason": reason,
    }
    record: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "engine": {"name": LIBRARY, "version": ENGINE_VERSION},
        "created": now(),
        "output_type": "file",
        "input": {"method": "file", "path": name or path.name, "media_type": media_type},
        "table": empty_table(),
        "findings": [finding],
        "verdict": {"status": "review", "reasons": [f"manual_review: {reason}"]},
        "ruleset": ruleset_section(),
        "checksums": {"input_sha256": hashlib.sha256(data).hexdigest()},
    }
    if comment:
        record["analysis"] = {"comments": [comment], "exception": ""}
    return seal(record)
