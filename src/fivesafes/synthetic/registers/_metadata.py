"""The registers' metadata, declared as data: each module's TOML file beside it, read by `declare`.

A register file holds the register's texts (English, Danish), its subject area, unit type and
temporality, its quality declaration and its variables. A variable names a `kind` (a row of
KINDS) and states what differs from it; code lists and sentinels are Python objects the module
passes to `declare`, named in the file by their name and code. All texts are [English, Danish].

    name = "EDUCATION"
    title = ["Highest completed education", "Højeste fuldførte uddannelse"]
    ...
    [[variables]]
    kind = "code"
    name = "isced"
    code_list = "isced_level"
    sentinels = ["99"]
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fivesafes.metadata import model as m

VERSION = "1.0.0"
FIRST_YEAR, LAST_YEAR = 1980, 2025
OWNERS = {
    "office": m.DataOwner(m.Text("Statistics office", "Statistikkontoret"), True),
    "health_authority": m.DataOwner(
        m.Text("Health data authority", "Sundhedsdatamyndigheden"), False
    ),
}
SYNTHETIC_NOTE = m.Text(
    "Synthetic data drawn by the fivesafes generator; no real person or enterprise is described.",
    "Syntetiske data dannet af fivesafes-generatoren; ingen virkelige personer eller virksomheder er beskrevet.",
)
PNR_PATTERN = "^[0-9]{10}$"
ENTERPRISE_PATTERN = "^[1-9][0-9]{7}$"
_DATE = {"type": "date", "domain": ["A calendar date", "En kalenderdato"]}

# What each kind of variable is unless its entry says otherwise. A variable with `links_to`
# is a measure (a link to that unit) unless its entry names another role.
KINDS: dict[str, dict[str, Any]] = {
    "person_number": {
        "name": "pnr",
        "label": ["Person number", "Personnummer"],
        "description": [
            "CPR-like person number: birth date (DDMMYY), a century digit and a serial whose last digit is odd for men.",
            "CPR-lignende personnummer: fødselsdato (DDMMÅÅ), et århundredeciffer og et løbenummer, hvis sidste ciffer er ulige for mænd.",
        ],
        "type": "string",
        "domain": ["Ten digits", "Ti cifre"],
        "pattern": PNR_PATTERN,
        "role": "identifier",
        "directly": True,
    },
    "enterprise_number": {
        "name": "enterprise_no",
        "label": ["Enterprise number", "Virksomhedsnummer"],
        "type": "string",
        "domain": [
            "Eight digits with a modulus-11 check digit",
            "Otte cifre med modulus-11-kontrolciffer",
        ],
        "pattern": ENTERPRISE_PATTERN,
        "business": True,
    },
    "id": {
        "type": "integer",
        "domain": ["Positive integer", "Positivt heltal"],
        "minimum": 1,
        "role": "identifier",
    },
    "date": _DATE,
    "reference_date": {
        **_DATE,
        "name": "ref_date",
        "label": ["Reference date", "Opgørelsesdato"],
        "role": "start",
    },
    "code": {"type": "string"},
    "amount": {
        "type": "decimal",
        "domain": ["Amount in Danish kroner, current prices", "Beløb i kroner, løbende priser"],
        "unit": ["DKK", "kr."],
    },
    "count": {"type": "integer"},
    "decimal": {"type": "decimal"},
    "boolean": {"type": "boolean", "domain": ["True or false", "Sand eller falsk"]},
}
FLAGS = ("directly", "particularly", "special", "business")


def declare(
    module_file: str, code_lists: Sequence[m.CodeList] = (), sentinels: Sequence[m.Sentinel] = ()
) -> m.Register:
    """The metadata of the register module at `module_file`, read from the TOML file beside it."""
    path = Path(module_file).with_suffix(".toml")
    return register_from(
        tomllib.loads(path.read_text(encoding="utf-8")),
        {c.name: c for c in code_lists},
        {s.code: s for s in sentinels},
    )


def register_from(
    doc: dict[str, Any], code_lists: dict[str, m.CodeList], sentinels: dict[str, m.Sentinel]
) -> m.Register:
    q = doc["quality"]
    return m.Register(
        short_name=doc["name"],
        version=VERSION,
        title=m.Text(*doc["title"]),
        description=m.Text(*doc["description"]),
        subject_area=m.SubjectArea(doc["subject_area"]),
        data_owner=OWNERS[doc.get("data_owner", "office")],
        unit_type=doc["unit_type"],
        temporality=m.Temporality(doc["temporality"]),
        time_coverage=m.TimeCoverage(doc.get("first_year", FIRST_YEAR), LAST_YEAR),
        update_frequency=m.UpdateFrequency(doc.get("update_frequency", "yearly")),
        quality=m.QualityDeclaration(
            m.Text(*q["purpose"]),
            m.Text(*map(_then_synthetic, q["history"], (SYNTHETIC_NOTE.en, SYNTHETIC_NOTE.da))),
            m.Text(*q["collection_method"]),
            m.Text(*q["accuracy"]),
            m.Text(*q["reference_period"]),
            m.Text(*q["comparability"]),
        ),
        variables=tuple(variable_from(v, code_lists, sentinels) for v in doc["variables"]),
    )


def _then_synthetic(history: str, note: str) -> str:
    """The history followed by the note that the data are synthetic (after a space when the
    history ends a sentence, after "; " when it does not)."""
    return history + (" " if history.endswith(".") else "; ") + note


def variable_from(
    entry: dict[str, Any], code_lists: dict[str, m.CodeList], sentinels: dict[str, m.Sentinel]
) -> m.Variable:
    v = KINDS[entry["kind"]] | entry
    role = v.get("role", "measure")
    if "links_to" in entry and "role" not in entry:
        role = "measure"
    domain = v.get("domain")
    return m.Variable(
        name=v["name"],
        label=m.Text(*v["label"]),
        description=m.Text(*v["description"]),
        data_type=m.DataType(v["type"]),
        value_domain=m.ValueDomain(
            description=None if domain is None else m.Text(*domain),
            code_list=code_lists[v["code_list"]] if "code_list" in v else None,
            sentinels=tuple(sentinels[s] for s in v.get("sentinels", ())),
            minimum=v.get("minimum"),
            maximum=v.get("maximum"),
            pattern=v.get("pattern"),
        ),
        role=m.Role(role),
        unit_of_measure=m.Text(*v["unit"]) if "unit" in v else None,
        links_to=v.get("links_to"),
        nullable=v.get("nullable", False),
        sensitivity=m.Sensitivity(*(v.get(flag, False) for flag in FLAGS)),
    )
