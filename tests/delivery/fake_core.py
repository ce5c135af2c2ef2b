"""A small stand-in for the extraction core (`fivesafes.extraction`), written to the contract
(/work/wt/DELIVERY_CONTRACT.md), so the room is tested before the core lands.

It compiles a plan that lists the approved variables, refuses a directly identifying variable
(any name containing "cpr") as the core does, checks a plan against an approved request, and
runs a plan by writing a folder the way the contract says: into a `.partial-` sibling, renamed
into place at the end, one `<REGISTER>.parquet` per register, `codebook.html`,
`codebook.json` and `manifest.json`. `FAIL` makes the next run fail at a chosen point.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Set by a test: "population" (matches nobody), "crash" (an engine error after writing part).
FAIL: dict[str, str] = {}
RUNS: list[dict[str, Any]] = []


@dataclass(frozen=True)
class VariableRequest:
    label: str
    first_year: int
    last_year: int
    coarsening: str = ""


@dataclass(frozen=True)
class ExtractionRequest:
    project: str
    delivery: int
    variables: tuple[VariableRequest, ...]
    population: Any
    sample_size: int | None = None
    formats: tuple[str, ...] = ("parquet",)
    external: tuple[Any, ...] = ()


class PlanError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ExtractionError(PlanError):
    pass


@dataclass(frozen=True)
class Estimate:
    rows: int
    bytes: int
    seconds: float


@dataclass(frozen=True)
class Progress:
    stage: str
    done: int
    total: int
    message: str


@dataclass(frozen=True)
class Plan:
    request: ExtractionRequest
    tables: tuple[str, ...] = ()
    estimate: Estimate = field(default_factory=lambda: Estimate(1000, 64000, 2.5))

    def describe(self) -> list[str]:
        return [
            f"{v.label} {v.first_year}-{v.last_year}"
            + (f", coarsened to {v.coarsening}" if v.coarsening else "")
            for v in self.request.variables
        ] + [f"Sample of {self.request.sample_size}" if self.request.sample_size else "Total"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "project": self.request.project,
            "delivery": self.request.delivery,
            "variables": [
                [v.label, v.first_year, v.last_year, v.coarsening] for v in self.request.variables
            ],
            "sample_size": self.request.sample_size,
            "formats": list(self.request.formats),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Plan:
        request = ExtractionRequest(
            project=d["project"],
            delivery=d["delivery"],
            variables=tuple(VariableRequest(*v) for v in d["variables"]),
            population=None,
            sample_size=d["sample_size"],
            formats=tuple(d["formats"]),
        )
        return cls(request=request, tables=_tables(request))


def _tables(request: ExtractionRequest) -> tuple[str, ...]:
    return tuple(sorted({v.label.split(".")[0].upper() for v in request.variables}))


def load_catalogue(registers_dir: Path) -> dict[str, Any]:
    return {"dir": str(registers_dir)}


def compile_plan(request: ExtractionRequest, catalogue: Any) -> Plan:
    for v in request.variables:
        if "cpr" in v.label:
            raise PlanError(f"variables:{v.label}", "is directly identifying; never delivered.")
    return Plan(request=request, tables=_tables(request))


def check_within(plan: Plan, approved: ExtractionRequest) -> None:
    allowed = {v.label: v for v in approved.variables}
    for v in plan.request.variables:
        a = allowed.get(v.label)
        if a is None:
            raise PlanError(f"variables:{v.label}", "was not approved.")
        if v.first_year < a.first_year or v.last_year > a.last_year:
            raise PlanError(f"variables:{v.label}", "asks years that were not approved.")


@dataclass(frozen=True)
class DeliveredFile:
    name: str
    rows: int
    bytes: int
    sha256: str


@dataclass(frozen=True)
class DeliveryResult:
    files: tuple[DeliveredFile, ...]
    population_size: int
    sample_size: int | None
    seconds: float
    codebook: dict[str, Any]
    manifest: dict[str, Any]


def run_plan(
    plan: Plan,
    *,
    registers_dir: Path,
    output_dir: Path,
    keys: Any,
    engine: str = "duckdb",
    progress: Callable[[Progress], None] = lambda p: None,
    memory_limit: str = "2GB",
    spark_master: str = "local[2]",
    threads: int | None = None,
) -> DeliveryResult:
    RUNS.append({"output_dir": output_dir, "engine": engine, "keys": keys, "threads": threads})
    if output_dir.exists():
        raise ExtractionError("output_dir", f"{output_dir.name} exists already.")
    if FAIL.get("population"):
        raise ExtractionError("population", "The population matches nobody.")
    keys.derive(plan.request.project, "person")  # the key store answers (no key is kept)
    partial = output_dir.parent / f".partial-{uuid.uuid4().hex[:8]}"
    partial.mkdir(parents=True)
    try:
        files = []
        for n, table in enumerate(plan.tables, 1):
            content = f"PAR1 rows of {table}".encode()
            (partial / f"{table}.parquet").write_bytes(content)
            files.append(
                DeliveredFile(
                    f"{table}.parquet", 10 * n, len(content), hashlib.sha256(content).hexdigest()
                )
            )
            progress(Progress("extract", n, len(plan.tables), f"Wrote {table}"))
            if FAIL.get("crash"):
                raise RuntimeError("the engine stopped")
        codebook = {"variables": [v.label for v in plan.request.variables]}
        (partial / "codebook.json").write_text(json.dumps(codebook))
        (partial / "codebook.html").write_text("<h1>Codebook</h1><p>persons.income</p>")
        manifest = {f.name: {"sha256": f.sha256, "bytes": f.bytes} for f in files}
        (partial / "manifest.json").write_text(json.dumps(manifest))
        partial.rename(output_dir)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return DeliveryResult(
        files=tuple(files),
        population_size=100,
        sample_size=plan.request.sample_size,
        seconds=0.1,
        codebook=codebook,
        manifest=manifest,
    )


def remove_partials(parent: Path) -> None:
    for leftover in parent.glob(".partial-*"):
        shutil.rmtree(leftover, ignore_errors=True)


# The population a run of any plan delivers, for scrambling-key files (distributed linking).
POPULATION = ["0101800001", "0202810002", "0303820003", "0404830004"]


def population_of(plan: Plan, *, registers_dir: Path, keys: Any, **_settings: Any) -> list[str]:
    keys.derive(plan.request.project, "person")
    if FAIL.get("population"):
        raise ExtractionError("population", "The population matches nobody.")
    return list(POPULATION)
