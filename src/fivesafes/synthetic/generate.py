"""Run the generator: enterprises first, then persons chunk by chunk, then the business registers.

Output is deterministic for (persons, seed, chunk size): each chunk draws from its own generator
seeded by (seed, chunk number), and the few things shared across chunks (serial numbers of
person numbers, event ids, employee counts) are updated in chunk order.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from fivesafes.metadata.codec import register_to_json
from fivesafes.synthetic.enterprises import make_enterprises
from fivesafes.synthetic.people import make_people
from fivesafes.synthetic.pnr import SerialAllocator
from fivesafes.synthetic.registers import PERSON_REGISTERS, all_metadata, business, workplaces
from fivesafes.synthetic.registers._common import Chunk
from fivesafes.synthetic.writer import RegisterSink

DEFAULT_CHUNK = 100_000
METADATA_DIR = "metadata"


@dataclass
class RunResult:
    out: Path
    persons: int
    seed: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    register_seconds: dict[str, float] = field(default_factory=dict)  # time drawing each register

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def write_metadata(out: Path) -> list[Path]:
    """Write the metadata JSON file of every register into OUT/metadata/."""
    folder = out / METADATA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, register in all_metadata().items():
        path = folder / f"{name.lower()}.json"
        path.write_text(register_to_json(register), encoding="utf-8")
        paths.append(path)
    return paths


def generate(
    out: str | Path,
    persons: int,
    seed: int,
    *,
    chunk_size: int = DEFAULT_CHUNK,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Write all registers for `persons` persons into `out` (replacing the registers' folders there)."""
    if persons < 1:
        raise ValueError("persons must be at least 1")
    out = Path(out)
    metadata = all_metadata()
    for register in metadata.values():
        shutil.rmtree(out / register.short_name, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    write_metadata(out)
    began = time.perf_counter()
    enterprises = make_enterprises(np.random.default_rng([seed, 0xE17]), persons)
    sink = RegisterSink(out, metadata)
    serials = SerialAllocator()
    ids: dict[str, int] = {}
    spent: dict[str, float] = {}
    chunks = (persons + chunk_size - 1) // chunk_size
    try:
        for i in range(chunks):
            t0 = time.perf_counter()
            rows_before = sum(sink.rows.values())
            first = i * chunk_size
            n = min(chunk_size, persons - first)
            rng = np.random.default_rng([seed, i])
            people = make_people(rng, first, n, serials)
            chunk = Chunk(
                rng=rng,
                people=people,
                enterprises=enterprises,
                sink=sink,
                persons_total=persons,
                ids=ids,
            )
            for module in PERSON_REGISTERS:
                t1 = time.perf_counter()
                module.generate(chunk)
                spent[module.NAME] = spent.get(module.NAME, 0.0) + time.perf_counter() - t1
            if progress is not None:
                dt = time.perf_counter() - t0
                rows = sum(sink.rows.values()) - rows_before
                elapsed = time.perf_counter() - began
                eta = elapsed / (i + 1) * (chunks - i - 1)
                progress(
                    f"chunk {i + 1}/{chunks}: {n:,} persons, {rows:,} rows in {dt:.1f} s "
                    f"({rows / max(dt, 1e-9):,.0f} rows/s); total {sum(sink.rows.values()):,} rows, "
                    f"{elapsed:.0f} s elapsed, about {eta:.0f} s to go"
                )
        t1 = time.perf_counter()
        business.generate(np.random.default_rng([seed, 0xB5]), enterprises, sink)
        spent[business.NAME] = time.perf_counter() - t1
        t1 = time.perf_counter()
        workplaces.generate(enterprises, sink)
        spent[workplaces.NAME] = time.perf_counter() - t1
        t1 = time.perf_counter()
    finally:
        sink.close()
    flush = time.perf_counter() - t1
    result = RunResult(out, persons, seed, time.perf_counter() - began, dict(sink.rows), spent)
    (out / "generation.json").write_text(
        json.dumps(
            {
                "persons": persons,
                "seed": seed,
                "chunk_size": chunk_size,
                "seconds": round(result.seconds, 1),
                "final_flush_seconds": round(flush, 1),
                "rows": result.rows,
                "register_seconds": {k: round(v, 2) for k, v in spent.items()},
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return result
