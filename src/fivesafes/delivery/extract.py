"""The one place that talks to the extraction core (`fivesafes.extraction`), so that its
integration is this file (see /work/wt/DELIVERY_CONTRACT.md for the core's interface).

The room hands the core an `ExtractionRequest` built from the project's approved `Scope`, and
gets back a `Plan` (stored as `Plan.as_dict()`, shown with `describe()` and `estimate`) or the
`DeliveryResult` of a run. The core's refusals (`PlanError`, `ExtractionError`, with `.field`
and `.message`) become the room's `RuleViolation` naming the field, so services, pages and the
API report them like any other refusal. The core is imported when first used, so the room
loads while the core is being written; tests replace `core()` with a small fake.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from fivesafes.delivery.keys import key_store
from fivesafes.metadata.population import PopulationError
from fivesafes.metadata.population import from_dict as population_from_dict
from fivesafes.projects.scope import Scope
from fivesafes.shared.refusals import RuleViolation

ENGINES = ("duckdb", "spark")
FORMATS = ("parquet", "csv", "dta", "sav")


def core() -> Any:
    """The extraction core module (replaced by a fake in tests)."""
    import fivesafes.extraction as extraction

    return extraction


def registers_dir() -> Path:
    return Path(settings.DATA_DIR) / "registers"


@dataclass(frozen=True)
class Estimate:
    rows: int | None
    bytes: int | None
    seconds: float | None


@dataclass(frozen=True)
class Compiled:
    """A compiled plan, as the room keeps it."""

    plan: dict[str, Any]
    description: list[str]
    estimate: Estimate


@dataclass(frozen=True)
class Result:
    """What a run wrote, as the room keeps it."""

    files: list[dict[str, Any]]
    population_size: int | None
    sample_size: int | None
    seconds: float | None
    manifest: dict[str, Any]


@dataclass(frozen=True)
class Progress:
    stage: str
    done: int
    total: int
    message: str


class DeliveryFailed(Exception):
    """A run failed for a reason that is not a refusal of the plan (the engine, the disk, the
    keys); the message names it and never carries a key or a row."""


@contextmanager
def refusals(rule: str = "R11") -> Iterator[None]:
    """The core's PlanError/ExtractionError as a RuleViolation naming its field."""
    extraction = core()
    try:
        yield
    except extraction.PlanError as error:
        field = getattr(error, "field", "") or "plan"
        message = getattr(error, "message", "") or str(error)
        raise RuleViolation(rule, field, message) from None


@dataclass(frozen=True)
class External:
    """A checked external file to link into a delivery (R15): its short name (the table
    `<name>.parquet`), the Parquet keyed by person number, and the source in words."""

    name: str
    path: Path
    description: str = ""


def request_for(
    project_number: str,
    delivery: int,
    scope: Scope,
    formats: tuple[str, ...] = ("parquet",),
    external: tuple[External, ...] = (),
) -> Any:
    """The core's `ExtractionRequest` for the approved scope (R11: only what was approved),
    with the checked external files the delivery links in on the person number (R15); the
    core replaces the person number by the project's pseudonym and keeps only the rows of
    the population."""
    from fivesafes.linkage import ExternalTable

    extraction = core()
    try:
        population = population_from_dict(
            {"unit": scope.population.unit, "criteria": list(scope.population.criteria)}
        )
    except PopulationError as error:
        raise RuleViolation("R11", f"population:{error.field}", str(error)) from None
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise RuleViolation(
            "R11", "formats", _("Unknown format: %(formats)s.") % {"formats": ", ".join(unknown)}
        )
    return extraction.ExtractionRequest(
        project=project_number,
        delivery=delivery,
        variables=tuple(
            extraction.VariableRequest(
                label=v.label,
                first_year=v.first_year,
                last_year=v.last_year,
                coarsening=v.coarsening,
            )
            for v in scope.variables
        ),
        population=population,
        sample_size=None if scope.population.total else scope.population.sample_size,
        formats=tuple(dict.fromkeys(("parquet", *formats))),
        external=tuple(ExternalTable(e.name, Path(e.path), e.description) for e in external),
    )


@functools.lru_cache(maxsize=4)
def _catalogue(path: str, stamp: float) -> Any:
    return core().load_catalogue(Path(path))


def catalogue() -> Any:
    """The registers' catalogue, read again when the metadata folder changes."""
    path = registers_dir()
    metadata = path / "metadata"
    stamp = metadata.stat().st_mtime if metadata.exists() else 0.0
    return _catalogue(str(path), stamp)


def _estimate(plan: Any) -> Estimate:
    estimate = getattr(plan, "estimate", None)

    def number(name: str) -> Any:
        value = getattr(estimate, name, None)
        return value if isinstance(value, int | float) else None

    rows, size, seconds = number("rows"), number("bytes"), number("seconds")
    return Estimate(
        rows=int(rows) if rows is not None else None,
        bytes=int(size) if size is not None else None,
        seconds=float(seconds) if seconds is not None else None,
    )


def compile_plan(request: Any) -> Compiled:
    """Compile the request against the catalogue; a refusal names the field (R11, R14)."""
    with refusals():
        plan = core().compile_plan(request, catalogue())
    return Compiled(
        plan=plan.as_dict(), description=list(plan.describe()), estimate=_estimate(plan)
    )


def check_within(stored_plan: dict[str, Any], approved: Any) -> Any:
    """The stored plan, read back and checked to ask no more than `approved` (R11)."""
    with refusals():
        plan = core().Plan.from_dict(stored_plan)
        core().check_within(plan, approved)
    # The core checks the names of external tables; their files must be the checked ones too.
    wanted = {e.name: str(e.path) for e in getattr(approved, "external", ())}
    asked = {e.name: str(e.path) for e in getattr(plan.request, "external", ())}
    if asked != wanted:
        raise RuleViolation(
            "R15",
            "external_data",
            _(
                "The plan's external files are not the checked uploads of this delivery; "
                "plan the delivery again."
            ),
        )
    return plan


def population(stored_plan: dict[str, Any]) -> Any:
    """The person numbers a delivery of the stored plan delivers (population, then sample):
    what a scrambling-key file is issued over (R15, distributed linking)."""
    with refusals("R15"):
        plan = core().Plan.from_dict(stored_plan)
        return core().population_of(
            plan,
            registers_dir=registers_dir(),
            keys=key_store(),
            memory_limit=str(settings.FIVESAFES_EXTRACTION_MEMORY),
            threads=int(getattr(settings, "FIVESAFES_EXTRACTION_THREADS", 0)) or None,
        )


def engine() -> str:
    chosen = str(getattr(settings, "FIVESAFES_EXTRACTION_ENGINE", "duckdb") or "duckdb")
    if chosen not in ENGINES:
        raise DeliveryFailed(
            f"FIVESAFES_EXTRACTION_ENGINE is '{chosen}'; it is one of {', '.join(ENGINES)}."
        )
    return chosen


def run(plan: Any, output_dir: Path, progress: Callable[[Progress], None]) -> Result:
    """Run the plan into `output_dir` (written atomically by the core)."""
    extraction = core()

    def report(p: Any) -> None:
        progress(Progress(str(p.stage), int(p.done), int(p.total), str(p.message)))

    with refusals():
        result = extraction.run_plan(
            plan,
            registers_dir=registers_dir(),
            output_dir=output_dir,
            keys=key_store(),
            engine=engine(),
            progress=report,
            memory_limit=str(settings.FIVESAFES_EXTRACTION_MEMORY),
            threads=int(getattr(settings, "FIVESAFES_EXTRACTION_THREADS", 0)) or None,
            spark_master=str(settings.FIVESAFES_SPARK_MASTER),
        )
    return Result(
        files=[
            {
                "name": str(_part(f, "name")),
                "rows": int(_part(f, "rows") or 0),
                "bytes": int(_part(f, "bytes") or 0),
                "sha256": str(_part(f, "sha256")),
            }
            for f in result.files
        ],
        population_size=result.population_size,
        sample_size=result.sample_size,
        seconds=result.seconds,
        manifest=dict(result.manifest),
    )


def _part(item: Any, name: str) -> Any:
    """A field of a file entry, whether the core gives objects or mappings."""
    return item.get(name) if isinstance(item, dict) else getattr(item, name)


def remove_partials(parent: Path) -> None:
    """Remove what a killed run left beside the delivery folders (`.partial-*`)."""
    if parent.exists():
        core().remove_partials(parent)
