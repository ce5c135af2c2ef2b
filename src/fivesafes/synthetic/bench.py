"""The generator half of `fivesafes bench catalogue`: rows/s per register and in total, wall time,
peak memory and disk size of one generator run at a given number of persons.

The generator runs as a child process (`python -m fivesafes.synthetic.cli`), so its peak
resident memory is measured on its own (`resource.getrusage(RUSAGE_CHILDREN)`), and it writes
into a temporary folder that is removed afterwards unless --keep is given. Per-register rows/s
are rows divided by the time spent drawing that register (Parquet encoding runs on a background
thread and is included where the writer queue made the drawing wait).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def _disk_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def run_generator_bench(
    persons: int,
    seed: int,
    *,
    out: str | Path | None = None,
    keep: bool = False,
    chunk_size: int | None = None,
    echo: bool = True,
) -> dict[str, Any]:
    """Generate `persons` persons in a child process; print and return the figures."""
    folder = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="fivesafes-bench-"))
    cmd = [
        sys.executable,
        "-m",
        "fivesafes.synthetic.cli",
        "--persons",
        str(persons),
        "--seed",
        str(seed),
        "--out",
        str(folder),
    ]
    if chunk_size is not None:
        cmd += ["--chunk-size", str(chunk_size)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    began = time.perf_counter()
    try:
        proc = subprocess.run(  # noqa: S603 (our own interpreter and module, no shell)
            cmd,
            check=True,
            stdout=subprocess.PIPE,
            stderr=None if echo else subprocess.DEVNULL,
            text=True,
        )
        wall = time.perf_counter() - began
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        info = json.loads((folder / "generation.json").read_text(encoding="utf-8"))
        disk = _disk_bytes(folder)
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    del proc
    rows: dict[str, int] = info["rows"]
    spent: dict[str, float] = info["register_seconds"]
    total = sum(rows.values())
    figures: dict[str, Any] = {
        "persons": persons,
        "seed": seed,
        "wall_seconds": round(wall, 1),
        "generator_seconds": info["seconds"],
        "total_rows": total,
        "rows_per_second": round(total / wall),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "peak_rss_note": "max RSS of the generator child"
        if peak_kib > before
        else "max RSS over this process's children",
        "disk_mib": round(disk / 2**20, 1),
        "cpus": os.cpu_count(),
        "registers": {
            name: {
                "rows": rows[name],
                "seconds": spent.get(name),
                "rows_per_second": round(rows[name] / spent[name]) if spent.get(name) else None,
            }
            for name in sorted(rows)
        },
    }
    if echo:
        print(format_figures(figures))
    return figures


def format_figures(f: dict[str, Any]) -> str:
    lines = [
        f"generator: {f['persons']:,} persons, seed {f['seed']}, {f['cpus']} CPU(s)",
        f"  {'register':<16} {'rows':>14} {'draw s':>8} {'rows/s':>14}",
    ]
    for name, r in f["registers"].items():
        rps = f"{r['rows_per_second']:,}" if r["rows_per_second"] else "-"
        lines.append(f"  {name:<16} {r['rows']:>14,} {r['seconds'] or 0:>8.1f} {rps:>14}")
    lines.append(
        f"  {'total':<16} {f['total_rows']:>14,} {f['wall_seconds']:>8.1f} {f['rows_per_second']:>14,}"
    )
    lines.append(
        f"  wall time {f['wall_seconds']:.1f} s, peak memory {f['peak_rss_mib']:,.0f} MiB, on disk {f['disk_mib']:,.0f} MiB"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fivesafes.synthetic.bench", description="Benchmark the register generator."
    )
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="folder to generate into (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument("--chunk-size", type=int)
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    figures = run_generator_bench(
        args.persons,
        args.seed,
        out=args.out,
        keep=args.keep or args.out is not None,
        chunk_size=args.chunk_size,
    )
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
