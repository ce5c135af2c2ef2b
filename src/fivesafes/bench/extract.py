"""`fivesafes bench extract`: the realistic extract on generated registers, against a
hand-written DuckDB query producing the same rows without pseudonyms and a plain Parquet copy.

The extract: persons resident (so alive) on 1 January 2015 and born 1950-1990, with their birth
year and sex, 10 years of income (wage income top-coded and rounded) and all their prescriptions;
every identifier pseudonymised, written to Parquet. Each of the three runs happens in a child
process on the same registers; its peak memory is the larger of the child's own maximum resident
set (wait4) and the sampled resident memory of the child and its descendants (Spark's JVM).
Prints one JSON line.
"""

# ruff: noqa: S608 (benchmark SQL over our own generated files)
from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ON = "2015-01-01"
BORN = ("1950-01-01", "1990-12-31")
INCOME_YEARS = (2014, 2023)
PROJECT = "BENCH-0001"


def registers(cache: Path, persons: int, seed: int) -> Path:
    """The cached register base for `persons` (generated once)."""
    folder = cache / f"registers-{persons}"
    info = folder / "generation.json"
    if info.exists():
        done = json.loads(info.read_text())
        if done.get("persons") == persons and done.get("seed") == seed:
            return folder
    from fivesafes.synthetic.generate import generate

    print(f"generating {persons:,} persons into {folder} ...", file=sys.stderr)
    generate(folder, persons, seed)
    return folder


def request() -> Any:
    from fivesafes.extraction import ExtractionRequest, VariableRequest
    from fivesafes.metadata.population import from_dict

    population = from_dict(
        {
            "criteria": [
                {"variable": "RESIDENCE.municipality", "operator": "present", "on": ON},
                {"variable": "POPULATION.birth_date", "operator": "between", "values": BORN},
            ]
        }
    )
    first, last = INCOME_YEARS
    return ExtractionRequest(
        project=PROJECT,
        delivery=1,
        variables=(
            VariableRequest("POPULATION.birth_date", 1980, 2025, "year"),
            VariableRequest("POPULATION.sex", 1980, 2025),
            VariableRequest("INCOME.wage_income", first, last, "groups"),
            VariableRequest("INCOME.disposable_income", first, last),
            VariableRequest("PRESCRIPTIONS.atc", 1995, 2025),
            VariableRequest("PRESCRIPTIONS.ddd", 1995, 2025),
        ),
        population=population,
    )


class _BenchKeys:
    """A fixed throw-away secret: the benchmark's pseudonyms protect nothing."""

    def derive(self, project: str, kind: str, purpose: str = "pseudonym") -> Any:
        from fivesafes.pseudonymisation import derive_key

        return derive_key(b"fivesafes-benchmark-secret-0000!", project, kind, purpose)

    def describe(self) -> str:
        return "benchmark key store"


def child_extract(args: argparse.Namespace) -> dict[str, Any]:
    # pyarrow.compute imports pandas on first use: seconds when no bytecode is cached (as with
    # PYTHONDONTWRITEBYTECODE), once per worker process, not per delivery; loaded before the clock.
    import pandas  # noqa: F401

    from fivesafes.extraction import compile_plan, load_catalogue, run_plan

    root = Path(args.registers)
    plan = compile_plan(request(), load_catalogue(root))
    began = time.perf_counter()
    result = run_plan(
        plan,
        registers_dir=root,
        output_dir=Path(args.out),
        keys=_BenchKeys(),
        engine=args.engine,
        memory_limit=args.memory_limit,
        threads=args.threads,
    )
    seconds = time.perf_counter() - began
    rows = {f.name: f.rows for f in result.files if f.name.endswith(".parquet")}
    return {
        "seconds": seconds,
        "rows": sum(rows.values()),
        "files": rows,
        "population": result.population_size,
        "stages": result.stage_seconds,
    }


def _files(root: Path, register: str, years: tuple[int, int] | None = None) -> str:
    folder = root / register / "1.0.0"
    if years is None:
        paths = [folder / "data.parquet"]
    else:
        paths = [
            folder / f"year={y}" / "data.parquet"
            for y in range(years[0], years[1] + 1)
            if (folder / f"year={y}" / "data.parquet").exists()
        ]
    listed = ", ".join(f"'{p}'" for p in paths)
    return f"read_parquet([{listed}])"


def child_handwritten(args: argparse.Namespace) -> dict[str, Any]:
    """The same rows as the extract, written by hand in DuckDB SQL, without pseudonyms (ordered
    by the raw person number and time instead)."""
    import duckdb

    root = Path(args.registers)
    out = Path(args.out)
    out.mkdir(parents=True)
    config: dict[str, Any] = {"memory_limit": args.memory_limit}
    if args.threads:
        config["threads"] = args.threads
    con = duckdb.connect(config=config)
    began = time.perf_counter()
    residence = _files(root, "RESIDENCE", (2014, 2015))
    population = _files(root, "POPULATION")
    con.execute(
        f"""CREATE TEMP TABLE pop AS SELECT p.pnr, p.birth_date, p.sex FROM {population} p
        WHERE p.birth_date BETWEEN DATE '{BORN[0]}' AND DATE '{BORN[1]}'
        AND p.pnr IN (SELECT pnr FROM {residence} WHERE ref_date = DATE '{ON}')"""  # noqa: S608
    )
    copy = "(FORMAT parquet, COMPRESSION zstd)"
    con.execute(
        f"COPY (SELECT pnr, CAST(year(birth_date) AS INTEGER) AS birth_date, sex FROM pop "
        f"ORDER BY pnr) TO '{out}/POPULATION.parquet' {copy}"
    )
    income = _files(root, "INCOME", INCOME_YEARS)
    cap = con.execute(
        f"SELECT quantile_disc(wage_income, 0.99) FROM {income} i JOIN pop USING (pnr)"  # noqa: S608
    ).fetchone()[0]  # type: ignore[index]
    con.execute(
        f"""COPY (SELECT i.pnr, i.period_start, i.period_stop,
        round(least(i.wage_income, {cap}), -4) AS wage_income, i.disposable_income
        FROM {income} i JOIN pop USING (pnr) ORDER BY i.pnr, i.period_start)
        TO '{out}/INCOME.parquet' {copy}"""  # noqa: S608
    )
    prescriptions = _files(root, "PRESCRIPTIONS", (1995, 2025))
    con.execute(
        f"""COPY (SELECT r.pnr, r.prescription_id, r.dispensing_date, r.atc, r.ddd
        FROM {prescriptions} r JOIN pop USING (pnr)
        ORDER BY r.pnr, r.dispensing_date, r.prescription_id)
        TO '{out}/PRESCRIPTIONS.parquet' {copy}"""  # noqa: S608
    )
    seconds = time.perf_counter() - began
    rows = sum(
        con.execute(f"SELECT count(*) FROM '{out}/{name}.parquet'").fetchone()[0]  # type: ignore[index]
        for name in ("POPULATION", "INCOME", "PRESCRIPTIONS")
    )
    return {"seconds": seconds, "rows": rows}


def child_copy(args: argparse.Namespace) -> dict[str, Any]:
    """A plain copy of the extract's rows to Parquet: the floor of writing that many rows."""
    import duckdb

    source, out = Path(args.registers), Path(args.out)
    out.mkdir(parents=True)
    config: dict[str, Any] = {"memory_limit": args.memory_limit}
    if args.threads:
        config["threads"] = args.threads
    con = duckdb.connect(config=config)
    began = time.perf_counter()
    rows = 0
    for name in ("POPULATION", "INCOME", "PRESCRIPTIONS"):
        con.execute(
            f"COPY (SELECT * FROM '{source}/{name}.parquet') TO '{out}/{name}.parquet' "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
        rows += con.execute(f"SELECT count(*) FROM '{out}/{name}.parquet'").fetchone()[0]  # type: ignore[index]
    return {"seconds": time.perf_counter() - began, "rows": rows}


CHILDREN = {"extract": child_extract, "handwritten": child_handwritten, "copy": child_copy}


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        proc = psutil.Process(pid)
        total = proc.memory_info().rss
        for sub in proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += sub.memory_info().rss
        return int(total)
    except psutil.Error:
        return 0


def in_child(what: str, args: argparse.Namespace, registers_dir: Path, out: Path) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "fivesafes.bench.extract",
        "--child",
        what,
        "--registers",
        str(registers_dir),
        "--out",
        str(out),
        "--engine",
        args.engine,
        "--memory-limit",
        args.memory_limit,
    ]
    if args.threads:
        command += ["--threads", str(args.threads)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE)  # noqa: S603 (our interpreter)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stdout is not None
    text = proc.stdout.read().decode()
    _pid, status, usage = os.wait4(proc.pid, 0)
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"bench extract: the {what} run failed ({proc.returncode})")
    result: dict[str, Any] = json.loads(text.strip().splitlines()[-1])
    result["peak_rss_mib"] = round(max(usage.ru_maxrss * 1024, peak[0]) / 2**20)
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fivesafes bench extract", description=__doc__)
    parser.add_argument("--persons", type=int, default=6_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=Path("var/bench"))
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the output folders")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--registers", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(CHILDREN[args.child](args)))
        return 0
    root = registers(args.cache, args.persons, args.seed)
    work = args.cache / f"extract-{args.engine}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        ours = in_child("extract", args, root, work / "delivery")
        hand = in_child("handwritten", args, root, work / "handwritten")
        plain = in_child("copy", args, work / "delivery", work / "copy")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    line = {
        "benchmark": "extract",
        "engine": args.engine,
        "persons": args.persons,
        "population": ours["population"],
        "output_rows": ours["rows"],
        "files": ours["files"],
        "seconds": round(ours["seconds"], 2),
        "output_rows_per_s": round(ours["rows"] / ours["seconds"]),
        "peak_rss_mib": ours["peak_rss_mib"],
        "stages": ours["stages"],
        "handwritten_sql": {
            "rows": hand["rows"],
            "seconds": round(hand["seconds"], 2),
            "peak_rss_mib": hand["peak_rss_mib"],
        },
        "plain_copy": {
            "rows": plain["rows"],
            "seconds": round(plain["seconds"], 2),
            "peak_rss_mib": plain["peak_rss_mib"],
        },
        "ratio_to_handwritten": round(ours["seconds"] / hand["seconds"], 2),
        "ratio_to_plain_copy": round(ours["seconds"] / plain["seconds"], 2),
        "same_rows_as_handwritten": hand["rows"] == ours["rows"],
        "targets": {"output_rows_per_s": 10_000_000, "ratio_to_handwritten": 1.3, "peak_mib": 4096},
        "cpus": os.cpu_count(),
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
