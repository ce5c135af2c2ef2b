"""Bring an ACRO session's outputs into the outputs area as fivesafes records.

ACRO 1.0.x's `finalise(folder, "json")` leaves `results.json` (one entry per output: its
uid, status, type, properties, files with their per-check cell positions, command, summary,
comments and exception), the output files, `config.json` (the rules it applied) and
`checksums/<file>.txt`. Each output file becomes a table file plus record (CSV tables and
coefficient tables) or a copied file with a file record (figures and anything else), with
ACRO's own evidence kept under the record's `acro` key.

The verdict fails closed: ACRO's `fail` stays `fail`; ACRO's `review` and anything that
cannot be read (a missing or changed file, an unknown status, a table that cannot be parsed)
is `review`; and ACRO's `pass` becomes `review` too, because fivesafes' own rules (contributor
counts, class disclosure and more, docs/sdc/acro-differences.md) cannot be applied without the
microdata: an output checker confirms it. Made again with fivesafes.analysis, it can pass on
its own.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from fivesafes.sdc.record import ENGINE_VERSION, RECORD_FORMAT, sha256

from .area import free_stem, safe_name, write_new
from .display import Output
from .records import LIBRARY, file_record, now, record_bytes, seal, table_csv
from .session import Session

RULE_OF_CHECK = {
    "MinimumThresholdCheck": "frequency",
    "PresenceOfZeroCheck": "zeros",
    "RequiredZeroCheck": "zeros",
    "NKCheck": "dominance_nk",
    "PPercentCheck": "dominance_p",
    "MinimumDoFCheck": "model_dof",
}
OUTPUT_TYPE = {"table": "table", "regression": "model", "histogram": "histogram"}
NOT_FOR_RELEASE = "DONT_RELEASE"  # ACRO's own session summaries, for checkers only
PASSED_BY_ACRO_ONLY = (
    "ACRO passed it, but fivesafes' own rules (contributor counts, class disclosure and "
    "others) cannot be applied without the microdata, so an output checker confirms it; "
    "made again with fivesafes.analysis it can pass on its own"
)


@dataclass
class AcroImport:
    """What an import brought in (`outputs`) and what it could not (`problems`, in words)."""

    outputs: list[Output] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        counts = {s: sum(o.status == s for o in self.outputs) for s in ("pass", "fail", "review")}
        lines = [
            f"{len(self.outputs)} ACRO outputs recorded: {counts['fail']} would fail, "
            f"{counts['review']} need review, {counts['pass']} would pass."
        ]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def _number(text: str) -> Any:
    text = text.strip()
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    if math.isnan(value) or math.isinf(value):
        return None
    if value.is_integer() and abs(value) < 2**53 and "." not in text and "e" not in text:
        return int(value)
    return value


def _parse_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    text = path.read_text("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise ValueError("it has no rows under its header")
    header = [h.strip() for h in rows[0]]
    width = len(header)
    if any(len(r) != width for r in rows[1:]):
        raise ValueError("its lines do not all have as many fields as its header")
    return header, rows[1:]


def _table_section(header: list[str], body: list[list[str]], acro_type: str) -> dict[str, Any]:
    """ACRO's wide CSV as a record's table: the first column labels the rows (when its labels
    are unique), every other column is a statistic; a model's table is kept in order."""
    if header[0] == "":
        header = ["term" if acro_type == "regression" else "row", *header[1:]]
    if any(h == "" for h in header) or len(set(header)) != len(header):
        raise ValueError("its header has empty or repeated column names")
    labels = [r[0].strip() for r in body]
    keyed = acro_type != "regression" and len(set(labels)) == len(labels)
    rows = [header[0]] if keyed else []
    stats = header[1:] if keyed else header
    cells = []
    for r in body:
        values = r[1:] if keyed else r
        cells.append(
            {
                "labels": {header[0]: r[0].strip()} if keyed else {},
                "margin": r[0].strip() == "All",
                "contributors": None,
                "values": {s: _number(v) for s, v in zip(stats, values, strict=True)},
            }
        )
    return {"rows": rows, "columns": [], "statistics": stats, "cells": cells}


def _findings(entry: dict[str, Any], sdc: dict[str, Any], table: dict[str, Any] | None) -> list:
    """ACRO's flagged cells (positions in its table) as findings naming row and column."""
    severity = "fail" if entry.get("status") == "fail" else "review"
    found: list[dict[str, Any]] = []
    for check, positions in (sdc.get("cells") or {}).items():
        for pos in positions or []:
            cell, stat = None, None
            try:
                r, c = int(pos[0]), int(pos[1])
                if table is not None and table["rows"] and r >= 0 and c >= 0:
                    cell = dict(table["cells"][r]["labels"])
                    stat = table["statistics"][c]
            except (IndexError, TypeError, ValueError, KeyError):
                pass
            where = f"row {pos[0]}, column {pos[1]} of its table"
            if cell:
                where = ", ".join(f"{k}={v}" for k, v in cell.items()) + f", column {stat}"
            found.append(
                {
                    "rule": RULE_OF_CHECK.get(check, "manual_review"),
                    "severity": severity,
                    "cell": cell,
                    "statistic": stat,
                    "values": {"acro_check": check, "position": str(pos)},
                    "reason": f"ACRO's {check} flagged the cell {where}",
                }
            )
    dof = (entry.get("properties") or {}).get("dof")
    if dof is not None:
        found.append(
            {
                "rule": "model_dof",
                "severity": "info" if entry.get("status") == "pass" else severity,
                "cell": None,
                "statistic": None,
                "values": {"residual_dof": dof},
                "reason": f"ACRO reports {dof} residual degrees of freedom",
            }
        )
    return found


def _verdict(entry: dict[str, Any], found: list[dict[str, Any]], extra: list[str]) -> dict:
    status = entry.get("status")
    reasons = [f"{f['rule']}: {f['reason']}" for f in found if f["severity"] != "info"]
    if status == "fail" and not extra:
        return {"status": "fail", "reasons": reasons or ["ACRO failed this output"]}
    if status == "pass" and not extra:
        return {"status": "review", "reasons": [f"manual_review: {PASSED_BY_ACRO_ONLY}"]}
    why = [f"manual_review: {e}" for e in extra]
    if status not in ("pass", "fail", "review"):
        why.append(f"manual_review: ACRO's status {status!r} is not one this import knows")
    if status == "fail":
        return {"status": "fail", "reasons": reasons + why}
    return {
        "status": "review",
        "reasons": why + reasons or [f"manual_review: {entry.get('summary')}"],
    }


class _Importer:
    def __init__(self, folder: Path, session: Session) -> None:
        self.folder = folder
        self.session = session
        self.result = AcroImport()
        self.version = ""
        self.ruleset: dict[str, Any] = {}

    def run(self) -> AcroImport:
        try:
            data = json.loads((self.folder / "results.json").read_text("utf-8"))
            results = data["results"]
            if not isinstance(results, dict):
                raise ValueError("'results' is not an object")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return self._unreadable(f"results.json could not be read ({exc})")
        self.version = str(data.get("version", ""))
        if not self.version.startswith("1."):
            self.result.problems.append(
                f"results.json is from ACRO {self.version or 'of an unknown version'}; this "
                "import knows 1.0.x, so every output needs review"
            )
        self.ruleset = self._rules()
        for uid, entry in results.items():
            if NOT_FOR_RELEASE in str(uid):
                continue  # ACRO's summaries for checkers, never an output
            if not isinstance(entry, dict):
                self.result.problems.append(f"output {uid} is not readable and was left out")
                continue
            for i, item in enumerate(entry.get("files") or []):
                self._file(str(uid), i, entry, item if isinstance(item, dict) else {})
        return self.result

    def _rules(self) -> dict[str, Any]:
        try:
            params = json.loads((self.folder / "config.json").read_text("utf-8"))
        except (OSError, ValueError):
            params = {}
        return {
            "name": "acro",
            "version": self.version or "unknown",
            "parameters": params if isinstance(params, dict) else {},
            "sha256": sha256(params if isinstance(params, dict) else {}),
        }

    def _unreadable(self, why: str) -> AcroImport:
        """Without results.json every file of the folder is an output for review."""
        self.result.problems.append(why + "; each file is recorded for review")
        for path in sorted(self.folder.iterdir()):
            if path.is_file() and path.name not in ("results.json", "config.json"):
                self._copy(path, {"uid": None}, {}, [why], str(path.name))
        return self.result

    def _file(self, uid: str, index: int, entry: dict[str, Any], item: dict[str, Any]) -> None:
        name = str(item.get("name", ""))
        if not name or PurePath(name).name != name or name.startswith("."):
            self.result.problems.append(f"output {uid} names a file {name!r} that is not safe")
            return
        path = self.folder / name
        if not path.is_file() or path.is_symlink():
            self.result.problems.append(f"output {uid}: its file {name} is not in the folder")
            return
        doubts = self._checksum(path)
        if not self.version.startswith("1."):
            doubts.append("results.json is not from ACRO 1.0.x")
        acro_type = str(entry.get("type", ""))
        if path.suffix.lower() == ".csv" and acro_type in ("table", "regression"):
            try:
                header, body = _parse_csv(path)
                table = _table_section(header, body, acro_type)
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                doubts.append(f"its table could not be read ({exc})")
            else:
                self._table(uid, entry, item, table, doubts, name)
                return
        self._copy(path, entry, item, doubts, name)

    def _checksum(self, path: Path) -> list[str]:
        sums = self.folder / "checksums" / f"{path.name}.txt"
        if not sums.is_file():
            return []
        wanted = sums.read_text("utf-8").split()[:1]
        got = hashlib.sha256(path.read_bytes()).hexdigest()
        return [] if wanted == [got] else [f"{path.name} changed after ACRO checked it"]

    def _evidence(self, entry: dict[str, Any], item: dict[str, Any], name: str) -> dict:
        keep = ("uid", "status", "type", "properties", "command", "summary", "timestamp")
        evidence = {k: entry.get(k) for k in keep}
        evidence.update({"version": self.version, "file": name, "sdc": item.get("sdc") or {}})
        evidence["outcome"] = entry.get("outcome") or {}
        return json.loads(json.dumps(evidence, default=str))

    def _analysis(self, entry: dict[str, Any]) -> dict[str, Any]:
        comments = entry.get("comments") or []
        return {
            "library": LIBRARY,
            "command": str(entry.get("command") or ""),
            "comments": [str(c) for c in comments] if isinstance(comments, list) else [],
            "exception": str(entry.get("exception") or ""),
            "imported_from": "acro",
        }

    def _table(
        self,
        uid: str,
        entry: dict[str, Any],
        item: dict[str, Any],
        table: dict[str, Any],
        doubts: list[str],
        name: str,
    ) -> None:
        sdc = item.get("sdc") if isinstance(item.get("sdc"), dict) else {}
        found = _findings(entry, sdc or {}, table)
        props = entry.get("properties") or {}
        record: dict[str, Any] = {
            "format": RECORD_FORMAT,
            "engine": {"name": f"{LIBRARY} (ACRO import)", "version": ENGINE_VERSION},
            "created": now(),
            "output_type": OUTPUT_TYPE.get(str(entry.get("type")), "table"),
            "input": {
                "method": str(props.get("method") or entry.get("type") or "acro"),
                "acro_uid": uid,
                "path": name,
            },
            "table": table,
            "findings": found,
            "verdict": _verdict(entry, found, doubts),
            "ruleset": self.ruleset,
            "checksums": {"input_sha256": None},
            "acro": self._evidence(entry, item, name),
            "analysis": self._analysis(entry),
        }
        seal(record)
        stem = safe_name(f"acro_{PurePath(name).stem}")
        paths = self.session_write(stem, {".csv": table_csv(record), ".json": record_bytes(record)})
        self._keep(
            Output(
                name=paths[".csv"].stem,
                method=record["input"]["method"],
                command=record["analysis"]["command"],
                record=record,
                paths={"table": paths[".csv"], "record": paths[".json"]},
            )
        )

    def _copy(
        self, path: Path, entry: dict[str, Any], item: dict[str, Any], doubts: list[str], name: str
    ) -> None:
        suffix = path.suffix.lower()
        record = file_record(path)
        sdc = item.get("sdc") if isinstance(item.get("sdc"), dict) else {}
        found = _findings(entry, sdc or {}, None) + record["findings"]
        record["findings"] = found
        verdict = _verdict(entry, found, doubts)
        if verdict["status"] == "pass":  # never for a file: a person looks at it
            verdict = {"status": "review", "reasons": record["verdict"]["reasons"]}
        record["verdict"] = verdict
        record["engine"]["name"] = f"{LIBRARY} (ACRO import)"
        record["ruleset"] = self.ruleset or record["ruleset"]
        record["acro"] = self._evidence(entry, item, name)
        record["analysis"] = self._analysis(entry)
        stem = safe_name(f"acro_{path.stem}")
        stem = free_stem(self.session.folder, stem, (suffix, f"{suffix}.json"))
        record["input"]["path"] = f"{stem}{suffix}"
        seal(record)
        paths = self.session_write(
            stem, {suffix: path.read_bytes(), f"{suffix}.json": record_bytes(record)}
        )
        self._keep(
            Output(
                name=paths[suffix].name,
                method="custom_output",
                command=record["analysis"]["command"],
                record=record,
                paths={"file": paths[suffix], "record": paths[f"{suffix}.json"]},
            )
        )

    def session_write(self, stem: str, files: dict[str, bytes]) -> dict[str, Path]:
        return write_new(self.session.folder, stem, files)

    def _keep(self, output: Output) -> None:
        self.session.results[output.name] = output
        self.result.outputs.append(output)


def import_acro(
    folder: str | Path, outputs: str | Path | None = None, *, show: bool = True
) -> AcroImport:
    """Record every output of the ACRO results in `folder` (see the module docstring) into
    the outputs area (`outputs`, else $FIVESAFES_OUTPUTS, else /project/outputs)."""
    source = Path(folder)
    if not source.is_dir():
        raise FileNotFoundError(f"no folder {folder}: give the folder ACRO's finalise wrote")
    session = Session(outputs, show=False)
    result = _Importer(source, session).run()
    if show:
        print(result.summary())
        for output in result.outputs:
            print(output.summary())
    return result
