"""A small valid register document and helpers to write (broken) metadata files for tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any


def text(en: str) -> dict[str, str]:
    return {"en": en, "da": f"{en} (da)"}


def code(
    c: str, valid_from: str = "1970-01-01", valid_until: str | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "code": c,
        "label": text(f"code {c}"),
        "validFrom": valid_from,
        "validUntil": valid_until,
        **extra,
    }


def visits_doc() -> dict[str, Any]:
    """An EVENT register of clinic visits: id, person, start, stop, a coded reason and an amount."""
    return copy.deepcopy(
        {
            "formatVersion": 1,
            "shortName": "VISITS",
            "version": "1.0.0",
            "title": text("Clinic visits"),
            "description": text("Visits to clinics"),
            "subjectArea": "health",
            "dataOwner": {"name": text("Health authority"), "isStatisticsOffice": False},
            "unitType": "hospital_contact",
            "temporality": "EVENT",
            "timeCoverage": {"firstYear": 2020, "lastYear": 2022},
            "updateFrequency": "monthly",
            "qualityDeclaration": {
                k: text(k)
                for k in (
                    "purpose",
                    "history",
                    "collectionMethod",
                    "accuracy",
                    "referencePeriod",
                    "comparability",
                )
            },
            "variables": [
                {
                    "name": "visit_id",
                    "label": text("Visit"),
                    "description": text("Visit id"),
                    "dataType": "integer",
                    "role": "identifier",
                    "valueDomain": {"description": text("id"), "minimum": 1},
                },
                {
                    "name": "pnr",
                    "label": text("Person"),
                    "description": text("Person number"),
                    "dataType": "string",
                    "linksTo": "person",
                    "sensitivity": {"directlyIdentifying": True},
                    "valueDomain": {"description": text("ten digits"), "pattern": "^[0-9]{10}$"},
                },
                {
                    "name": "start_date",
                    "label": text("Start"),
                    "description": text("Start"),
                    "dataType": "date",
                    "role": "start",
                    "valueDomain": {"description": text("date")},
                },
                {
                    "name": "stop_date",
                    "label": text("Stop"),
                    "description": text("Stop"),
                    "dataType": "date",
                    "role": "stop",
                    "nullable": True,
                    "valueDomain": {"description": text("date")},
                },
                {
                    "name": "reason",
                    "label": text("Reason"),
                    "description": text("Reason for the visit"),
                    "dataType": "string",
                    "sensitivity": {"specialCategory": True},
                    "valueDomain": {
                        "codeList": {
                            "name": "reason",
                            "codes": [
                                code("A"),
                                code("B"),
                                code("OLD", valid_until="2020-12-31"),
                                code("NEW", valid_from="2021-01-01"),
                            ],
                        },
                        "sentinels": [{"code": "99", "label": text("unknown")}],
                    },
                },
                {
                    "name": "amount",
                    "label": text("Amount"),
                    "description": text("Amount paid"),
                    "dataType": "decimal",
                    "unitOfMeasure": {"en": "DKK", "da": "kr."},
                    "nullable": True,
                    "valueDomain": {"description": text("money"), "minimum": 0},
                },
            ],
        }
    )


def write(folder: Path, name: str, doc: Any) -> Path:
    path = folder / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=2), encoding="utf-8")
    return path
