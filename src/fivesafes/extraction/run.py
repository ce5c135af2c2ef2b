"""Running a plan: population, sample, pseudonym mappings, one Parquet file per register, copies,
codebook and manifest, all in a `.partial-*` folder renamed into place at the very end. On any
error the partial folder is removed and nothing exists at the output folder."""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fivesafes.metadata.model import Register, Role
from fivesafes.pseudonymisation import KeyStore, Pseudonymiser

from . import output
from .catalogue import Catalogue, load_catalogue
from .coarsening import SIGNIFICANT_DIGITS, TOP_PERCENTILE
from .engines import Engine, make_engine
from .errors import ExtractionError, PlanError
from .plan import Column, Plan, TablePlan, never_deliverable
from .pseudonyms import as_integers, draw_sample, pseudonymise, verify
from .sql import (
    Joins,
    bucketed_sql,
    empty_sql,
    external_sql,
    ids_sql,
    percentile_sql,
    population_sql,
    table_sql,
)

UNITS = "units"
SORT_BUCKET_ROWS = 5_000_000  # estimated rows per bucket that DuckDB sorts in memory
MAX_BUCKETS = 256


@dataclass(frozen=True)
class Progress:
    stage: str
    done: int
    total: int
    message: str


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
    sample_size: int
    seconds: float
    codebook: dict[str, Any] = field(repr=False)
    manifest: dict[str, Any] = field(repr=False)
    output_dir: Path | None = None
    stage_seconds: dict[str, float] = field(default_factory=dict)


def _recheck(plan: Plan, catalogue: Catalogue) -> dict[str, Register]:
    """The plan against the catalogue again (it may have been stored and edited): every column
    exists, identifiers and links are pseudonymised, nothing directly identifying goes raw."""
    registers: dict[str, Register] = {}
    for t in plan.tables:
        if t.register not in catalogue.registers:
            raise ExtractionError(f"tables:{t.register}", "The register is not in the catalogue.")
        register = catalogue.register(t.register).register
        registers[t.register] = register
        for c in t.columns:
            where = f"variables:{t.register}.{c.variable}"
            try:
                var = register.variable(c.variable)
            except KeyError:
                raise ExtractionError(where, "The variable is not in the register.") from None
            is_id = var.role is Role.IDENTIFIER or var.links_to is not None
            if never_deliverable(register, c.variable):
                raise ExtractionError(
                    where, "The variable is directly identifying and is never delivered."
                )
            if is_id != (c.kind == "pseudonym"):
                raise ExtractionError(
                    where, "Identifiers and links are delivered as pseudonyms and only they are."
                )
    return registers


def _check_written(path: Path, t: TablePlan, register: Register) -> None:
    """The schema as written: exactly the plan's columns; pseudonyms are 64-bit integers; no
    column carries a directly identifying variable."""
    schema = pq.read_schema(path)
    if schema.names != [c.name for c in t.columns]:
        raise ExtractionError(f"tables:{t.register}", "The written columns differ from the plan.")
    for c in t.columns:
        var = register.variable(c.variable)
        if c.kind == "pseudonym" and schema.field(c.name).type != pa.int64():
            raise ExtractionError(f"variables:{t.register}.{c.name}", "A pseudonym is not int64.")
        if var.sensitivity.directly_identifying and c.kind != "pseudonym":
            raise ExtractionError(
                f"variables:{t.register}.{c.name}", "A directly identifying column was written."
            )


def _step(cap: float) -> float:
    if not cap or cap <= 0 or not math.isfinite(cap):
        return 1.0
    digits = math.floor(math.log10(cap)) + 1
    return float(10 ** max(0, digits - SIGNIFICANT_DIGITS))


class _Run:
    def __init__(
        self,
        plan: Plan,
        engine: Engine,
        keys: KeyStore,
        folder: Path,
        progress: Callable[[Progress], None],
    ) -> None:
        self.plan = plan
        self.engine = engine
        self.keys = keys
        self.folder = folder
        self.progress = progress
        self.project = plan.request.project
        self.mapped: dict[str, tuple[list[np.ndarray], list[np.ndarray]]] = {}
        self.views: dict[str, dict[str, str]] = {}
        self.tops: dict[str, dict[str, tuple[float, float]]] = {}
        self.timings: dict[str, float] = {}
        self.replace: dict[str, dict[str, Callable[[Any], pa.Array]]] = {}
        self.population = 0

    def tell(self, stage: str, done: int, total: int, message: str) -> None:
        self.progress(Progress(stage, done, total, message))

    def _timed(self, stage: str, began: float) -> None:
        self.timings[stage] = round(self.timings.get(stage, 0) + time.perf_counter() - began, 3)

    def _remember(self, kind: str, ids: np.ndarray, pseudonyms: np.ndarray) -> None:
        lists = self.mapped.setdefault(kind, ([], []))
        lists[0].append(ids)
        lists[1].append(pseudonyms)

    def units(self) -> int:
        began = time.perf_counter()
        plan = self.plan
        self.tell("population", 0, 1, "Selecting the population")
        found = self.engine.query(population_sql(plan, self.engine.dialect, self.engine.source))
        raw = found.column("id").combine_chunks()
        if pa.types.is_dictionary(raw.type):
            raw = raw.dictionary_decode()
        self.population = len(raw)
        if self.population == 0:
            raise ExtractionError("population", "The population matches nobody.")
        ints = as_integers(raw, f"population:{plan.base_register}.{plan.base_column}")
        size = plan.request.sample_size
        if size is not None and size > self.population:
            raise ExtractionError(
                "sample_size",
                f"The sample of {size:,} is larger than the population of {self.population:,}.",
            )
        self.tell("population", 1, 1, f"{self.population:,} {plan.unit}s in the population")
        self._timed("population", began)
        began = time.perf_counter()
        if size is not None:
            chosen = draw_sample(self.keys, self.project, plan.unit, ints, size)
            raw, ints = raw.take(pa.array(chosen)), ints[chosen]
            self.tell("sample", 1, 1, f"{len(ints):,} {plan.unit}s drawn")
        field = f"population:{plan.base_register}.{plan.base_column}"
        pseudonyms = pseudonymise(self.keys, self.project, plan.unit, ints, field)
        self._remember(plan.unit, ints, pseudonyms)
        self.engine.register(UNITS, pa.table({"id": raw, "p": pa.array(pseudonyms)}))
        self._timed("sample", began)
        return len(ints)

    def mappings(self) -> None:
        """A mapping table for every pseudonym column other than the unit column."""
        began = time.perf_counter()
        d = self.engine.dialect
        wanted = [
            (t, c)
            for t in self.plan.tables
            for c in t.columns
            if c.kind == "pseudonym" and c.variable != t.unit_column
        ]
        inline = hasattr(self.engine, "write_sorted")
        for n, (t, c) in enumerate(wanted, 1):
            where = f"variables:{t.register}.{c.variable}"
            if inline:  # replaced a bucket at a time while writing; verified after the writes
                self.replace.setdefault(t.register, {})[c.name] = self._inline(
                    c.pseudonym_kind, where
                )
                continue
            self.tell("pseudonyms", n - 1, len(wanted), f"Pseudonymising {t.register}.{c.name}")
            raw = self.engine.query(ids_sql(t, c, d, self.engine.source, UNITS)).column("id")
            raw = raw.combine_chunks()
            if pa.types.is_dictionary(raw.type):
                raw = raw.dictionary_decode()
            ints = as_integers(raw, where)
            pseudonyms = pseudonymise(self.keys, self.project, c.pseudonym_kind, ints, where)
            self._remember(c.pseudonym_kind, ints, pseudonyms)
            view = f"map_{t.register.lower()}_{c.name}"
            self.engine.register(view, pa.table({"id": raw, "p": pa.array(pseudonyms)}))
            self.views.setdefault(t.register, {})[c.name] = view
        if not inline:
            self.verify()
        self._timed("pseudonyms", began)

    def _inline(self, kind: str, where: str) -> Callable[[Any], pa.Array]:
        """The pseudonyms of a bucket's identifiers (vectorised over the whole column),
        remembering the pairs for verification; string identifiers keep one width across all
        buckets."""
        pseudonymiser = Pseudonymiser(self.keys.derive(self.project, kind))
        widths: set[int] = set()

        def apply(values: Any) -> pa.Array:
            if isinstance(values, pa.ChunkedArray):
                values = values.combine_chunks()
            if pa.types.is_dictionary(values.type):
                values = values.dictionary_decode()
            present = values.drop_null() if values.null_count else values
            if pa.types.is_string(present.type) and len(present):
                widths.add(int(pc.min(pc.utf8_length(present)).as_py()))
                if len(widths) > 1:
                    raise ExtractionError(where, "The identifiers differ in width.")
            ints = as_integers(present, where)
            try:
                pseudonyms = pseudonymiser.apply(ints)
            except ValueError:
                raise ExtractionError(
                    where, "The identifiers lie outside the range pseudonyms can be made for."
                ) from None
            self._remember(kind, ints, pseudonyms)
            if not values.null_count:
                return pa.array(pseudonyms)
            out = np.zeros(len(values), dtype=np.int64)
            valid = values.is_valid().to_numpy(zero_copy_only=False)
            out[valid] = pseudonyms
            return pa.array(out, mask=~valid)

        return apply

    def verify(self) -> None:
        """Distinct identifiers have distinct pseudonyms, every kind over the whole run."""
        began = time.perf_counter()
        self.tell("verify", 0, 1, "Verifying the pseudonyms are distinct")
        for id_lists, pseudonym_lists in self.mapped.values():
            verify(id_lists, pseudonym_lists)
        self._timed("verify", began)

    def top_codes(self) -> None:
        began = time.perf_counter()
        d = self.engine.dialect
        for t in self.plan.tables:
            columns = [c for c in t.columns if c.how == "top_code"]
            if not columns:
                continue
            sql = percentile_sql(t, columns, d, self.engine.source, UNITS, TOP_PERCENTILE)
            row = self.engine.query(sql).to_pylist()[0]
            self.tops[t.register] = {
                c.name: (float(row[c.name] or 0.0), _step(float(row[c.name] or 0.0)))
                for c in columns
            }
        self._timed("top_codes", began)

    def _write(self, t: TablePlan, path: Path) -> int:
        """One ordered file. On DuckDB a large table, or one with identifiers besides the unit's,
        is written in two passes (`DuckDBEngine.write_sorted`): buckets of the unit's pseudonym
        that each sort in memory instead of one sort that spills, and the other identifiers'
        pseudonyms made a bucket at a time; otherwise one query joins the mappings and sorts."""
        d, tops = self.engine.dialect, self.tops.get(t.register, {})
        replace = self.replace.get(t.register, {})
        buckets = 1
        while t.rows / buckets > SORT_BUCKET_ROWS and buckets < MAX_BUCKETS:
            buckets *= 2
        write_sorted = getattr(self.engine, "write_sorted", None)
        if write_sorted is not None and (buckets > 1 or replace):
            shift = 62 - (buckets.bit_length() - 1)
            joins = Joins(UNITS, self.views.get(t.register, {}), frozenset(replace))
            body, keys, hidden = bucketed_sql(t, d, self.engine.source, joins, tops, shift)
            rows = write_sorted(body, keys, hidden, buckets, path, replace)
            if rows is not None:
                return int(rows)
        joins = Joins(UNITS, self.views.get(t.register, {}))
        if replace:  # no rows: the empty file, with pseudonym columns of pseudonyms' type
            joins = Joins(UNITS, {}, frozenset(replace))
            return self.engine.write(empty_sql(t, d, self.engine.source, joins, tops), path)
        return self.engine.write(table_sql(t, d, self.engine.source, joins, tops), path)

    def tables(self, registers: dict[str, Register]) -> list[tuple[TablePlan, Path, int]]:
        written = []
        d = self.engine.dialect
        total = len(self.plan.tables) + len(self.plan.request.external)
        for n, t in enumerate(self.plan.tables):
            began = time.perf_counter()
            self.tell("tables", n, total, f"Writing {t.file_name}")
            path = self.folder / t.file_name
            rows = self._write(t, path)
            _check_written(path, t, registers[t.register])
            written.append((t, path, rows))
            self._timed(f"write:{t.register}", began)
            self.tell("tables", n + 1, total, f"{t.file_name}: {rows:,} rows")
        for m, e in enumerate(self.plan.request.external, len(self.plan.tables)):
            began = time.perf_counter()
            source = Path(e.path)
            if not source.is_file():
                raise ExtractionError(f"external:{e.name}", "The external file is missing.")
            columns = pq.read_schema(source).names
            if "pnr" not in columns:
                raise ExtractionError(f"external:{e.name}", "The external file has no pnr.")
            self.engine.register_parquet(f"ext_{e.name.lower()}", source)
            path = self.folder / f"{e.name}.parquet"
            rows = self.engine.write(external_sql(e.name, columns, d, UNITS), path)
            self.external_rows[e.name] = rows
            self.external_columns[e.name] = [
                {"name": f.name, "type": str(f.type)} for f in pq.read_schema(path)
            ]
            self._timed(f"write:{e.name}", began)
            self.tell("tables", m + 1, total, f"{e.name}.parquet: {rows:,} rows")
        return written

    external_rows: dict[str, int]
    external_columns: dict[str, list[dict[str, str]]]


def _variable_entry(
    c: Column, t: TablePlan, register: Register, tops: dict[str, tuple[float, float]]
) -> dict[str, Any]:
    var = register.variable(c.variable)
    if c.kind == "pseudonym":
        treatment = f"pseudonym: the project's {c.pseudonym_kind} key"
        typ = "integer (64-bit)"
    else:
        treatment = c.note or "as recorded"
        typ = {"year": "integer (year)", "month": "date (first of the month)"}.get(
            c.how, var.data_type.value
        )
    if c.how == "top_code" and c.name in tops:
        cap, step = tops[c.name]
        treatment += f" (top code {cap:,.0f}, rounded to multiples of {step:,.0f})"
    if c.first_year is not None:
        treatment += f"; only {c.first_year}-{c.last_year}, empty in other years"
    codes = []
    if var.value_domain.code_list is not None and c.kind == "value":
        grouped = dict(c.codes)
        for code in var.value_domain.code_list.codes:
            if code.code in grouped:
                continue
            codes.append(
                {
                    "code": code.code,
                    "label": code.label.en,
                    "valid_from": code.valid_from.isoformat(),
                    "valid_until": code.valid_until.isoformat() if code.valid_until else None,
                }
            )
    return {
        "name": c.name,
        "label": var.label.en,
        "description": var.description.en,
        "source": f"{t.register}.{c.variable}",
        "type": typ,
        "kind": c.kind,
        "treatment": treatment,
        "requested": c.requested,
        "codes": codes,
    }


def _codebook(
    plan: Plan,
    run: _Run,
    registers: dict[str, Register],
    written: list[tuple[TablePlan, Path, int]],
    engine: str,
    delivered: int,
) -> dict[str, Any]:
    files = []
    for t, path, rows in written:
        time_col = next((c for c in t.columns if c.variable == t.start), None)
        files.append(
            {
                "name": t.file_name,
                "register": t.register,
                "version": t.version,
                "description": registers[t.register].title.en,
                "rows": rows,
                "years": [t.first_year, t.last_year] if t.first_year is not None else None,
                "coverage": output.coverage(path, time_col.name if time_col else None),
                "variables": [
                    _variable_entry(c, t, registers[t.register], run.tops.get(t.register, {}))
                    for c in t.columns
                ],
            }
        )
    size = plan.request.sample_size
    how = (
        f"A sample of {size:,} of the {run.population:,} units: those whose value under the "
        "project's sample key (a keyed permutation of the identifier) is smallest; the same "
        "units in every delivery of this project."
        if size
        else "No sample: every unit of the population is delivered."
    )
    return {
        "project": plan.request.project,
        "delivery": plan.request.delivery,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "population": {
            "unit": plan.unit,
            "criteria": [c.words for c in plan.criteria] or [f"every {plan.unit}"],
            "size": run.population,
        },
        "sample": {"size": size, "delivered": delivered, "how": how},
        "pseudonyms": {
            "kinds": sorted(run.mapped),
            "how": "Every identifier and link is replaced by a 64-bit pseudonym from a keyed "
            "permutation with the project's key for its kind of unit: the same unit has the same "
            "pseudonym in every file and delivery of this project, and another in other "
            "projects. In .dta and .sav copies pseudonyms are text.",
        },
        "files": files,
        "external": [
            {
                "name": f"{e.name}.parquet",
                "description": e.description,
                "rows": run.external_rows[e.name],
                "variables": run.external_columns.get(e.name, []),
            }
            for e in plan.request.external
        ],
        "plan": plan.describe(),
    }


def run_plan(
    plan: Plan,
    *,
    registers_dir: Path,
    output_dir: Path,
    keys: KeyStore,
    engine: str = "duckdb",
    progress: Callable[[Progress], None] = lambda p: None,
    memory_limit: str = "2GB",
    spark_master: str = "local[2]",
    threads: int | None = None,
) -> DeliveryResult:
    """Run `plan` into `output_dir` (which must not exist) atomically; see the module doc."""
    began = time.perf_counter()
    output_dir = Path(output_dir)
    if output_dir.exists() or output_dir.is_symlink():
        raise ExtractionError("output_dir", f"The folder {output_dir.name} exists already.")
    if engine not in ("duckdb", "spark"):
        raise PlanError("engine", f"'{engine}' is not an engine (duckdb, spark).")
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    folder = output.partial_folder(output_dir)
    scratch = folder.with_name(folder.name + "-scratch")
    folder.mkdir()
    scratch.mkdir()
    runner: Engine | None = None
    try:
        progress(Progress("plan", 0, 1, "Checking the plan against the catalogue"))
        catalogue = load_catalogue(Path(registers_dir))
        registers = _recheck(plan, catalogue)
        runner = make_engine(
            engine,
            Path(registers_dir),
            memory_limit=memory_limit,
            scratch=scratch,
            spark_master=spark_master,
            threads=threads,
        )
        run = _Run(plan, runner, keys, folder, progress)
        run.external_rows = {}
        run.external_columns = {}
        delivered = run.units()
        run.mappings()
        run.top_codes()
        written = run.tables(registers)
        if run.replace:
            run.verify()
        runner.close()
        runner = None
        stamp = time.perf_counter()
        formats = tuple(f for f in plan.request.formats if f != "parquet")
        if formats:
            progress(Progress("copies", 0, len(written), "Writing the copies"))
            for t, path, _rows in written:
                pseudonyms = [c.name for c in t.columns if c.kind == "pseudonym"]
                output.write_copies(path, formats, pseudonyms)
            for e in plan.request.external:
                output.write_copies(folder / f"{e.name}.parquet", formats, ["pnr"])
        run._timed("copies", stamp)
        stamp = time.perf_counter()
        progress(Progress("codebook", 0, 1, "Writing the codebook"))
        book = _codebook(plan, run, registers, written, engine, delivered)
        output.write_codebook(folder, book)
        progress(Progress("manifest", 0, 1, "Writing the manifest"))
        listing = output.manifest(folder)
        (folder / output.MANIFEST).write_text(
            json.dumps(listing, indent=2) + "\n", encoding="utf-8"
        )
        run._timed("codebook", stamp)
        if output_dir.exists():
            raise ExtractionError("output_dir", f"The folder {output_dir.name} appeared meanwhile.")
        os.rename(folder, output_dir)
    except BaseException:
        if runner is not None:
            with contextlib.suppress(Exception):  # the first error is the one to report
                runner.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows = {t.file_name: n for t, _p, n in written}
    rows.update({f"{e.name}.parquet": run.external_rows[e.name] for e in plan.request.external})
    files = tuple(
        DeliveredFile(f["name"], rows.get(f["name"], 0), f["bytes"], f["sha256"])
        for f in listing["files"]
    )
    seconds = round(time.perf_counter() - began, 3)
    progress(Progress("done", 1, 1, f"Delivered {len(files)} files in {seconds:.1f} s"))
    return DeliveryResult(
        output_dir=output_dir,
        files=files,
        population_size=run.population,
        sample_size=delivered,
        seconds=seconds,
        codebook=book,
        manifest=listing,
        stage_seconds=run.timings,
    )


def population_of(
    plan: Plan,
    *,
    registers_dir: Path,
    keys: KeyStore,
    memory_limit: str = "2GB",
    threads: int | None = None,
) -> pa.Array:
    """The units a run of `plan` delivers (the population, then the project's sample), as the
    base register's identifiers: what a scrambling-key file for distributed linking is issued
    over. On DuckDB; nothing is written but scratch, removed at the end."""
    registers_dir = Path(registers_dir)
    _recheck(plan, load_catalogue(registers_dir))
    scratch = Path(tempfile.mkdtemp(prefix="population-"))
    runner = make_engine(
        "duckdb",
        registers_dir,
        memory_limit=memory_limit,
        scratch=scratch,
        spark_master="",
        threads=threads,
    )
    try:
        _Run(plan, runner, keys, scratch, lambda p: None).units()
        return runner.query(f"SELECT id FROM {UNITS}").column("id").combine_chunks()  # noqa: S608
    finally:
        runner.close()
        shutil.rmtree(scratch, ignore_errors=True)
