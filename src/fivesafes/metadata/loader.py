"""Load and validate register metadata files: all or nothing, every error named precisely.

`load_registers(paths)` reads every file, checks it against the JSON Schema and then against the
rules a schema cannot express (temporality and time variables, code lists, unit types, unique
names). It collects the errors of all files; if there is any, it raises `MetadataError` and
returns nothing, so a caller importing the result in one transaction never half-imports.
Each error carries the file, a JSON path (`$.variables[2].valueDomain.codeList.codes[5]`) and
a reason.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from fivesafes.metadata.codec import register_from_dict
from fivesafes.metadata.model import Register, UnitType
from fivesafes.metadata.unittypes import UNIT_TYPES


@dataclass(frozen=True)
class MetadataIssue:
    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.reason}"


class MetadataError(Exception):
    """One or more metadata files are invalid; `issues` lists every problem found."""

    def __init__(self, issues: list[MetadataIssue]):
        self.issues = issues
        lines = "\n".join(f"  {issue}" for issue in issues)
        super().__init__(f"{len(issues)} metadata error(s):\n{lines}")


@cache
def register_schema() -> dict[str, Any]:
    """The JSON Schema of a register metadata file."""
    text = (
        resources.files("fivesafes.metadata")
        .joinpath("schema/register.schema.json")
        .read_text("utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


def _json_path(parts: Iterable[str | int]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _schema_issues(file: str, doc: Any) -> list[MetadataIssue]:
    validator = jsonschema.Draft202012Validator(register_schema())
    issues: list[MetadataIssue] = []
    for err in sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path]):
        parts = list(err.absolute_path)
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = set(err.schema.get("properties", {}))
            for key in sorted(set(err.instance) - allowed):
                known = ", ".join(sorted(allowed))
                issues.append(
                    MetadataIssue(
                        file,
                        _json_path([*parts, key]),
                        f"unknown key {key!r} (allowed here: {known})",
                    )
                )
            continue
        if err.validator == "oneOf" and parts and parts[-1] == "valueDomain":
            reason = "a value domain has either a description (with optional minimum, maximum, pattern) or a codeList, not both and not neither"
        elif err.validator == "oneOf" and parts and parts[-1] == "validUntil":
            reason = f"{err.instance!r} is neither a date (YYYY-MM-DD) nor null"
        elif err.validator == "maxLength":
            reason = f"too long: {len(err.instance)} characters, at most {err.validator_value}"
        elif err.validator == "type":
            reason = f"wrong type: {err.instance!r} is not of type {err.validator_value!r}"
        elif err.validator == "required":
            reason = err.message.replace("is a required property", "is required but missing")
        else:
            reason = err.message
        issues.append(MetadataIssue(file, _json_path(parts), reason))
    return issues


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _code_list_issues(
    file: str, base: str, doc: Mapping[str, Any], data_type: str
) -> list[MetadataIssue]:
    issues: list[MetadataIssue] = []
    codes = doc["codeList"]["codes"]
    periods: dict[str, list[tuple[dt.date, dt.date, int]]] = {}
    levels: dict[str, int | None] = {}
    for i, code in enumerate(codes):
        path = f"{base}.codeList.codes[{i}]"
        levels.setdefault(code["code"], code.get("level"))  # it exists, whatever its dates
        start = _parse_date(code["validFrom"])
        until = code.get("validUntil")
        end = dt.date.max if until is None else _parse_date(until)
        if start is None:
            issues.append(
                MetadataIssue(
                    file, f"{path}.validFrom", f"{code['validFrom']!r} is not a valid date"
                )
            )
            continue
        if end is None:
            issues.append(
                MetadataIssue(file, f"{path}.validUntil", f"{until!r} is not a valid date")
            )
            continue
        if end < start:
            issues.append(
                MetadataIssue(
                    file,
                    path,
                    f"code {code['code']!r} is valid until {until} before it is valid from {code['validFrom']}",
                )
            )
            continue
        if data_type == "integer" and not re.fullmatch(r"0|-?[1-9][0-9]*", code["code"]):
            issues.append(
                MetadataIssue(
                    file,
                    f"{path}.code",
                    f"code {code['code']!r} is not an integer as the data hold it (no leading "
                    "zeros or signs), but the variable's dataType is integer",
                )
            )
        for other_start, other_end, j in periods.get(code["code"], []):
            if start <= other_end and other_start <= end:
                issues.append(
                    MetadataIssue(
                        file,
                        path,
                        f"code {code['code']!r} has a validity period overlapping the one at codes[{j}]",
                    )
                )
        periods.setdefault(code["code"], []).append((start, end, i))
    for i, code in enumerate(codes):
        parent = code.get("parent")
        if parent is None:
            continue
        path = f"{base}.codeList.codes[{i}].parent"
        if parent not in levels:
            issues.append(
                MetadataIssue(
                    file,
                    path,
                    f"parent {parent!r} of code {code['code']!r} is not in the code list",
                )
            )
        elif (
            code.get("level") is not None
            and levels[parent] is not None
            and levels[parent] != code["level"] - 1
        ):
            issues.append(
                MetadataIssue(
                    file,
                    path,
                    f"parent {parent!r} is at level {levels[parent]}, code {code['code']!r} at level {code['level']}",
                )
            )
    for i, sentinel in enumerate(doc.get("sentinels", [])):
        if sentinel["code"] in levels:
            issues.append(
                MetadataIssue(
                    file,
                    f"{base}.sentinels[{i}]",
                    f"sentinel {sentinel['code']!r} is also a code of the code list",
                )
            )
    return issues


def _pattern_problem(pattern: str) -> str | None:
    """Why `pattern` cannot be used: data verification runs it in DuckDB (RE2 syntax), which
    has no lookaround or backreferences."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"not a regular expression: {exc}"
    import duckdb  # only when a file has a pattern

    try:
        duckdb.execute("SELECT regexp_full_match('', ?)", [pattern]).fetchall()
    except duckdb.Error as exc:
        detail = str(exc).split("Error: ", 1)[-1]
        return f"a regular expression the data check cannot run (RE2 syntax: no lookaround or backreferences): {detail}"
    return None


_TIME_ROLES: dict[str, tuple[bool, bool]] = {  # temporality -> (start required, stop allowed)
    "FIXED": (False, False),
    "STATUS": (True, False),
    "ACCUMULATED": (True, True),
    "EVENT": (True, True),
}


def _semantic_issues(
    file: str, doc: Mapping[str, Any], unit_types: Mapping[str, UnitType]
) -> list[MetadataIssue]:
    """Rules the schema cannot express; `doc` is schema-valid."""
    issues: list[MetadataIssue] = []
    known = ", ".join(sorted(unit_types))
    if doc["unitType"] not in unit_types:
        issues.append(
            MetadataIssue(
                file, "$.unitType", f"unknown unit type {doc['unitType']!r} (known: {known})"
            )
        )
    cov = doc["timeCoverage"]
    if cov["firstYear"] > cov["lastYear"]:
        issues.append(
            MetadataIssue(
                file,
                "$.timeCoverage",
                f"firstYear {cov['firstYear']} is after lastYear {cov['lastYear']}",
            )
        )
    temporality = doc["temporality"]
    seen: dict[str, int] = {}
    by_role: dict[str, list[int]] = {}
    for i, var in enumerate(doc["variables"]):
        base = f"$.variables[{i}]"
        name = var["name"]
        if name in seen:
            issues.append(
                MetadataIssue(
                    file,
                    f"{base}.name",
                    f"variable {name!r} is already defined at variables[{seen[name]}]",
                )
            )
        seen.setdefault(name, i)
        role = var.get("role", "measure")
        by_role.setdefault(role, []).append(i)
        links = var.get("linksTo")
        if links is not None and links not in unit_types:
            issues.append(
                MetadataIssue(
                    file, f"{base}.linksTo", f"unknown unit type {links!r} (known: {known})"
                )
            )
        if links is not None and role != "measure":
            issues.append(
                MetadataIssue(
                    file,
                    f"{base}.linksTo",
                    f"only measure variables link to other units; this one is {role}",
                )
            )
        if role in ("start", "stop") and var["dataType"] != "date":
            issues.append(
                MetadataIssue(
                    file,
                    f"{base}.dataType",
                    f"the {role} variable must be a date, not {var['dataType']}",
                )
            )
        if role in ("identifier", "start") and var.get("nullable", False):
            issues.append(
                MetadataIssue(file, f"{base}.nullable", f"the {role} variable cannot be nullable")
            )
        if role == "stop" and temporality == "ACCUMULATED" and var.get("nullable", False):
            issues.append(
                MetadataIssue(
                    file, f"{base}.nullable", "an ACCUMULATED period needs a stop date in every row"
                )
            )
        vd = var["valueDomain"]
        if "codeList" in vd:
            issues.extend(_code_list_issues(file, f"{base}.valueDomain", vd, var["dataType"]))
            if var["dataType"] not in ("string", "integer"):
                issues.append(
                    MetadataIssue(
                        file,
                        f"{base}.dataType",
                        f"a code list needs dataType string or integer, not {var['dataType']}",
                    )
                )
        if "pattern" in vd:
            problem = _pattern_problem(vd["pattern"])
            if problem:
                issues.append(MetadataIssue(file, f"{base}.valueDomain.pattern", problem))
        for bound in ("minimum", "maximum"):
            if bound in vd and var["dataType"] not in ("integer", "decimal"):
                issues.append(
                    MetadataIssue(
                        file,
                        f"{base}.valueDomain.{bound}",
                        f"a {bound} needs dataType integer or decimal, not {var['dataType']}",
                    )
                )
        if "minimum" in vd and "maximum" in vd and vd["minimum"] > vd["maximum"]:
            issues.append(
                MetadataIssue(file, f"{base}.valueDomain", "minimum is larger than maximum")
            )
    identifiers = by_role.get("identifier", [])
    if len(identifiers) != 1:
        issues.append(
            MetadataIssue(
                file,
                "$.variables",
                f"a register has exactly one identifier variable, this one has {len(identifiers)}",
            )
        )
    start_required, stop_allowed = _TIME_ROLES[temporality]
    starts, stops = by_role.get("start", []), by_role.get("stop", [])
    if start_required and len(starts) != 1:
        issues.append(
            MetadataIssue(
                file,
                "$.variables",
                f"a {temporality} register has exactly one start variable, this one has {len(starts)}",
            )
        )
    if not start_required and starts:
        issues.append(
            MetadataIssue(
                file,
                f"$.variables[{starts[0]}].role",
                f"a {temporality} register has no start variable",
            )
        )
    if not stop_allowed and stops:
        issues.append(
            MetadataIssue(
                file,
                f"$.variables[{stops[0]}].role",
                f"a {temporality} register has no stop variable",
            )
        )
    if len(stops) > 1:
        issues.append(
            MetadataIssue(
                file,
                "$.variables",
                f"a register has at most one stop variable, this one has {len(stops)}",
            )
        )
    if temporality == "ACCUMULATED" and not stops:
        issues.append(
            MetadataIssue(
                file,
                "$.variables",
                "an ACCUMULATED register needs a stop variable (the end of each period)",
            )
        )
    return issues


class _Object(dict[str, Any]):
    """A JSON object as parsed, remembering keys that occurred more than once in it."""

    duplicates: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) < len(pairs):
        seen: set[str] = set()
        duplicates: list[str] = []
        for key, _value in pairs:
            if key in seen and key not in duplicates:
                duplicates.append(key)
            seen.add(key)
        obj.duplicates = tuple(duplicates)
    return obj


def _duplicate_key_issues(file: str, value: Any, parts: list[str | int]) -> list[MetadataIssue]:
    """A key given twice in one object: JSON keeps the last silently, the office would not."""
    issues: list[MetadataIssue] = []
    if isinstance(value, dict):
        for key in getattr(value, "duplicates", ()):
            issues.append(
                MetadataIssue(
                    file,
                    _json_path([*parts, key]),
                    f"key {key!r} occurs more than once in this object",
                )
            )
        for key, item in value.items():
            issues.extend(_duplicate_key_issues(file, item, [*parts, key]))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            issues.extend(_duplicate_key_issues(file, item, [*parts, i]))
    return issues


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number")
    return value


def _read(path: Path) -> tuple[bool, Any, list[MetadataIssue]]:
    """(parsed, document, issues): a parsed document may still have duplicate keys."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return False, None, [MetadataIssue(file, "$", f"cannot read the file: {exc.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text: {exc.reason} at byte {exc.start}"
        return False, None, [MetadataIssue(file, "$", reason)]
    try:
        doc = json.loads(
            text, object_pairs_hook=_object, parse_constant=_no_constant, parse_float=_finite
        )
    except json.JSONDecodeError as exc:
        reason = f"malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        return False, None, [MetadataIssue(file, "$", reason)]
    except ValueError as exc:  # from the two hooks
        return False, None, [MetadataIssue(file, "$", f"malformed JSON: {exc}")]
    return True, doc, _duplicate_key_issues(file, doc, [])


def check_document(
    file: str, doc: Any, unit_types: Mapping[str, UnitType] = UNIT_TYPES
) -> list[MetadataIssue]:
    """All problems of one parsed metadata document (schema first, then the semantic rules)."""
    issues = _schema_issues(file, doc)
    if issues:
        return issues
    return _semantic_issues(file, doc, unit_types)


def load_registers(
    paths: Iterable[str | Path], unit_types: Mapping[str, UnitType] = UNIT_TYPES
) -> list[Register]:
    """Read, validate and return the registers of `paths`, or raise MetadataError with every issue.

    A directory stands for the `*.json` files directly inside it. Two files may not describe the
    same register short name.
    """
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.glob("*.json")) if p.is_dir() else [p])
    issues: list[MetadataIssue] = []
    docs: list[tuple[str, Any]] = []
    owners: dict[str, str] = {}
    for path in files:
        parsed, doc, read_issues = _read(path)
        issues.extend(read_issues)
        if not parsed:
            continue
        doc_issues = check_document(str(path), doc, unit_types)
        issues.extend(doc_issues)
        if doc_issues or read_issues:
            continue
        name = doc["shortName"]
        if name in owners:
            issues.append(
                MetadataIssue(
                    str(path),
                    "$.shortName",
                    f"register {name!r} is also described by {owners[name]}",
                )
            )
            continue
        owners[name] = str(path)
        docs.append((str(path), doc))
    if not files:
        issues.append(MetadataIssue("-", "$", "no metadata files given"))
    if issues:
        raise MetadataError(issues)
    return [register_from_dict(doc) for _file, doc in docs]


def load_register(path: str | Path, unit_types: Mapping[str, UnitType] = UNIT_TYPES) -> Register:
    """The one register of a single file (MetadataError if it is invalid)."""
    return load_registers([path], unit_types)[0]
