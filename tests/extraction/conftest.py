"""A small synthetic register base generated once per session (plus a register holding a
directly identifying name), a test key store, helpers to build requests, and one local Spark
session (local[2]) for the whole session, so the JVM starts once."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fivesafes.extraction import (
    Catalogue,
    ExtractionRequest,
    VariableRequest,
    load_catalogue,
)
from fivesafes.metadata.population import from_dict
from fivesafes.pseudonymisation import PseudonymKey, derive_key
from fivesafes.synthetic.generate import generate

PERSONS = 3_000
CHUNK = 1_000
SEED = 11
SECRET = bytes(range(32))


class FixedKeys:
    """A key store over a fixed test secret."""

    def __init__(self, secret: bytes = SECRET) -> None:
        self.secret = secret

    def derive(self, project: str, kind: str, purpose: str = "pseudonym") -> PseudonymKey:
        return derive_key(self.secret, project, kind, purpose)

    def describe(self) -> str:
        return "test key store"


def _add_names_register(root: Path) -> None:
    """NAMES: the person number and a directly identifying full name (no pseudonym possible)."""
    doc = json.loads((root / "metadata" / "population.json").read_text(encoding="utf-8"))
    doc["shortName"] = "NAMES"
    doc["title"] = {"en": "Names of persons", "da": "Navne"}
    name = json.loads(json.dumps(doc["variables"][0]))
    name.update(
        {
            "name": "full_name",
            "label": {"en": "Full name", "da": "Fulde navn"},
            "description": {"en": "The person's name.", "da": "Personens navn."},
            "role": "measure",
            "sensitivity": {"directlyIdentifying": True},
            "valueDomain": {"description": {"en": "Text", "da": "Tekst"}},
        }
    )
    doc["variables"] = [doc["variables"][0], name]
    (root / "metadata" / "names.json").write_text(json.dumps(doc), encoding="utf-8")
    pnr = pq.read_table(root / "POPULATION" / "1.0.0" / "data.parquet", columns=["pnr"])
    names = pa.array([f"Person {i}" for i in range(pnr.num_rows)])
    folder = root / "NAMES" / "1.0.0"
    folder.mkdir(parents=True)
    pq.write_table(
        pa.table({"pnr": pnr.column("pnr"), "full_name": names}), folder / "data.parquet"
    )


@pytest.fixture(scope="session")
def registers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("registers")
    generate(root, PERSONS, SEED, chunk_size=CHUNK)
    _add_names_register(root)
    return root


@pytest.fixture(scope="session")
def catalogue(registers: Path) -> Catalogue:
    return load_catalogue(registers)


@pytest.fixture
def keys() -> FixedKeys:
    return FixedKeys()


RESIDENT_2015 = {"variable": "RESIDENCE.municipality", "operator": "present", "on": "2015-01-01"}
BORN = {
    "variable": "POPULATION.birth_date",
    "operator": "between",
    "values": ["1950-01-01", "1995-12-31"],
}


def make_request(
    variables: list[tuple[Any, ...]],
    criteria: list[dict[str, Any]] | None = None,
    project: str = "P-2026-007",
    **extra: Any,
) -> ExtractionRequest:
    """A request from (label, first, last[, coarsening]) tuples."""
    return ExtractionRequest(
        project=project,
        delivery=extra.pop("delivery", 1),
        variables=tuple(VariableRequest(*v) for v in variables),
        population=from_dict(
            {"criteria": criteria if criteria is not None else [RESIDENT_2015, BORN]}
        ),
        **extra,
    )


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session (local[2]) for every Spark test of the session."""
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("fivesafes-tests")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture
def out(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "data" / "1"
    yield folder
    shutil.rmtree(tmp_path / "data", ignore_errors=True)
