"""Conversion between register objects and the JSON metadata format (camelCase keys).

`register_from_dict` expects a document that already passed the JSON Schema (the loader sees to
that); `register_to_dict` writes the canonical form, which `fingerprint` hashes so that an
unchanged file can be recognised on re-import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from fivesafes.metadata import model as m

FORMAT_VERSION = 1

_QUALITY_KEYS = (
    ("purpose", "purpose"),
    ("history", "history"),
    ("collection_method", "collectionMethod"),
    ("accuracy", "accuracy"),
    ("reference_period", "referencePeriod"),
    ("comparability", "comparability"),
)


def _text(d: dict[str, Any]) -> m.Text:
    return m.Text(en=d["en"], da=d["da"])


def _text_dict(t: m.Text) -> dict[str, str]:
    return {"en": t.en, "da": t.da}


def _date(s: str | None) -> dt.date | None:
    return None if s is None else dt.date.fromisoformat(s)


def _code(d: dict[str, Any]) -> m.Code:
    valid_from = dt.date.fromisoformat(d["validFrom"])
    return m.Code(
        code=d["code"],
        label=_text(d["label"]),
        valid_from=valid_from,
        valid_until=_date(d.get("validUntil")),
        level=d.get("level"),
        parent=d.get("parent"),
    )


def _value_domain(d: dict[str, Any]) -> m.ValueDomain:
    code_list = None
    if "codeList" in d:
        cl = d["codeList"]
        code_list = m.CodeList(name=cl["name"], codes=tuple(_code(c) for c in cl["codes"]))
    return m.ValueDomain(
        description=_text(d["description"]) if "description" in d else None,
        code_list=code_list,
        sentinels=tuple(m.Sentinel(s["code"], _text(s["label"])) for s in d.get("sentinels", ())),
        minimum=d.get("minimum"),
        maximum=d.get("maximum"),
        pattern=d.get("pattern"),
    )


def _variable(d: dict[str, Any]) -> m.Variable:
    s = d.get("sensitivity", {})
    return m.Variable(
        name=d["name"],
        label=_text(d["label"]),
        description=_text(d["description"]),
        data_type=m.DataType(d["dataType"]),
        value_domain=_value_domain(d["valueDomain"]),
        role=m.Role(d.get("role", "measure")),
        unit_of_measure=_text(d["unitOfMeasure"]) if "unitOfMeasure" in d else None,
        links_to=d.get("linksTo"),
        nullable=d.get("nullable", False),
        sensitivity=m.Sensitivity(
            directly_identifying=s.get("directlyIdentifying", False),
            particularly_identifying=s.get("particularlyIdentifying", False),
            special_category=s.get("specialCategory", False),
            business_data=s.get("businessData", False),
        ),
    )


def register_from_dict(d: dict[str, Any]) -> m.Register:
    """Build a Register from a schema-valid JSON document."""
    q = d["qualityDeclaration"]
    return m.Register(
        short_name=d["shortName"],
        version=d["version"],
        title=_text(d["title"]),
        description=_text(d["description"]),
        subject_area=m.SubjectArea(d["subjectArea"]),
        data_owner=m.DataOwner(_text(d["dataOwner"]["name"]), d["dataOwner"]["isStatisticsOffice"]),
        unit_type=d["unitType"],
        temporality=m.Temporality(d["temporality"]),
        time_coverage=m.TimeCoverage(d["timeCoverage"]["firstYear"], d["timeCoverage"]["lastYear"]),
        update_frequency=m.UpdateFrequency(d["updateFrequency"]),
        quality=m.QualityDeclaration(**{attr: _text(q[key]) for attr, key in _QUALITY_KEYS}),
        variables=tuple(_variable(v) for v in d["variables"]),
    )


def _code_dict(c: m.Code) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": c.code,
        "label": _text_dict(c.label),
        "validFrom": c.valid_from.isoformat(),
        "validUntil": None if c.valid_until is None else c.valid_until.isoformat(),
    }
    if c.level is not None:
        out["level"] = c.level
    if c.parent is not None:
        out["parent"] = c.parent
    return out


def _value_domain_dict(vd: m.ValueDomain) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if vd.description is not None:
        out["description"] = _text_dict(vd.description)
    for key, value in (("minimum", vd.minimum), ("maximum", vd.maximum), ("pattern", vd.pattern)):
        if value is not None:
            out[key] = value
    if vd.code_list is not None:
        out["codeList"] = {
            "name": vd.code_list.name,
            "codes": [_code_dict(c) for c in vd.code_list.codes],
        }
    if vd.sentinels:
        out["sentinels"] = [{"code": s.code, "label": _text_dict(s.label)} for s in vd.sentinels]
    return out


def _variable_dict(v: m.Variable) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": v.name,
        "label": _text_dict(v.label),
        "description": _text_dict(v.description),
        "dataType": v.data_type.value,
        "role": v.role.value,
        "nullable": v.nullable,
    }
    if v.unit_of_measure is not None:
        out["unitOfMeasure"] = _text_dict(v.unit_of_measure)
    if v.links_to is not None:
        out["linksTo"] = v.links_to
    flags = v.sensitivity.flags()
    if flags:
        out["sensitivity"] = {flag: True for flag in flags}
    out["valueDomain"] = _value_domain_dict(v.value_domain)
    return out


def register_to_dict(r: m.Register) -> dict[str, Any]:
    """The JSON document for a register, in the canonical key order."""
    return {
        "formatVersion": FORMAT_VERSION,
        "shortName": r.short_name,
        "version": r.version,
        "title": _text_dict(r.title),
        "description": _text_dict(r.description),
        "subjectArea": r.subject_area.value,
        "dataOwner": {
            "name": _text_dict(r.data_owner.name),
            "isStatisticsOffice": r.data_owner.is_statistics_office,
        },
        "unitType": r.unit_type,
        "temporality": r.temporality.value,
        "timeCoverage": {
            "firstYear": r.time_coverage.first_year,
            "lastYear": r.time_coverage.last_year,
        },
        "updateFrequency": r.update_frequency.value,
        "qualityDeclaration": {
            key: _text_dict(getattr(r.quality, attr)) for attr, key in _QUALITY_KEYS
        },
        "variables": [_variable_dict(v) for v in r.variables],
    }


def register_to_json(r: m.Register) -> str:
    return json.dumps(register_to_dict(r), ensure_ascii=False, indent=2) + "\n"


def fingerprint(r: m.Register) -> str:
    """A hash of the register's canonical content: equal for equal metadata, whatever the layout."""
    canonical = json.dumps(
        register_to_dict(r), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
