"""The JSON record of a checked output: what was asked, the table, findings, verdict, rules.

The format is documented in docs/sdc/record-format.md and fixed by `record.schema.json`
beside this module; `validate_record` checks a record against it. Checksums are SHA-256 over
canonical JSON (sorted keys, no spaces), so a stored record can be verified later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .output import CheckedOutput

RECORD_FORMAT = "fivesafes.sdc.record/1"
ENGINE_VERSION = "0.1.0"


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(obj: Any) -> str:
    return hashlib.sha256(canonical(obj)).hexdigest()


def _num(v: Any) -> Any:
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if math.isnan(f) or math.isinf(f):
        return None
    if f.is_integer() and abs(f) < 2**53:
        return int(f)
    return f


def table_section(out: CheckedOutput) -> dict[str, Any]:
    stats = out.stats
    if stats is None:
        # outputs that are not cell tables (models, files) carry their table as rows
        frame = out.table.reset_index()
        return {
            "rows": [],
            "columns": [],
            "statistics": [str(c) for c in frame.columns],
            "cells": [
                {
                    "labels": {},
                    "margin": False,
                    "contributors": None,
                    "values": {
                        str(k): _num(v) if not isinstance(v, str) else v for k, v in rec.items()
                    },
                }
                for rec in frame.to_dict(orient="records")
            ],
        }
    frame = stats.frame
    cells = []
    label_cols = [frame[k].astype(str).tolist() for k in stats.keys]
    stat_cols = {f: frame["stat:" + f].tolist() for f in stats.aggfuncs}
    n = frame["n"].tolist()
    margin = frame["_margin"].tolist()
    for i in range(len(frame)):
        cells.append(
            {
                "labels": {d: label_cols[j][i] for j, d in enumerate(stats.dims)},
                "margin": bool(margin[i]),
                "contributors": None if n[i] is None or n[i] != n[i] or n[i] < 0 else int(n[i]),
                "values": {f: _num(stat_cols[f][i]) for f in stats.aggfuncs},
            }
        )
    return {
        "rows": list(stats.rows),
        "columns": list(stats.columns),
        "statistics": list(stats.aggfuncs),
        "cells": cells,
    }


def build_record(out: CheckedOutput) -> dict[str, Any]:
    table = table_section(out)
    findings = [f.as_dict() for f in out.finding_list]
    rules = {
        "name": out.rules.name,
        "version": out.rules.version,
        "parameters": out.rules.as_dict(),
        "sha256": out.rules.digest(),
    }
    request = json.loads(json.dumps(out.request, default=str))
    body: dict[str, Any] = {
        "format": RECORD_FORMAT,
        "engine": {"name": "fivesafes.sdc", "version": ENGINE_VERSION},
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "output_type": out.kind,
        "input": request,
        "table": table,
        "findings": findings,
        "verdict": out.verdict.as_dict(),
        "ruleset": rules,
    }
    body.update(json.loads(json.dumps(out.extra, default=str)) if out.extra else {})
    body["checksums"] = {
        "table_sha256": sha256(table),
        "findings_sha256": sha256(findings),
        "input_sha256": out.request.get("input_sha256"),
    }
    body["checksums"]["record_sha256"] = sha256({k: v for k, v in body.items() if k != "checksums"})
    return body


def schema() -> dict[str, Any]:
    text = resources.files("fivesafes.sdc").joinpath("record.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def validate_record(record: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when the record does not follow the format."""
    import jsonschema

    jsonschema.validate(record, schema())


def verify_checksums(record: dict[str, Any]) -> bool:
    sums = record.get("checksums", {})
    return bool(
        sums.get("table_sha256") == sha256(record["table"])
        and sums.get("findings_sha256") == sha256(record["findings"])
    )
