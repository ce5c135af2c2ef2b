"""`fivesafes bench catalogue`: search latency with 5,000 variables, and the register generator.

The search half builds a throw-away catalogue (its own SQLite file, or the database named by
--database-url) from the synthetic registers' metadata, copied under new names until it holds the
requested number of variables, then times searches through the web view (the whole request) and
the search function alone. The generator half runs `generate-registers` in a child process at
--persons and reports rows/s and peak memory (fivesafes.synthetic.bench).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

QUERIES = (
    "income",
    "birth",
    "diagnosis",
    "fødsel",
    "municipality",
    "atc",
    "wage",
    "enterprise turnover",
    "date of death",
    "education level",
    "kommune",
    "hospital admission",
    "disposable income",
    "industry",
    "drug",
    "sex",
    "family",
    "prescription amount",
)
FILTERED = (
    {"q": "income", "temporality": "ACCUMULATED"},
    {"q": "date", "sensitivity": "particularly_identifying"},
    {"unit_type": "person", "year": "2010"},
    {"q": "code", "subject_area": "health"},
)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _setup_django(workdir: Path, database_url: str | None) -> None:
    os.environ["FIVESAFES_ENV"] = "demo"
    os.environ["FIVESAFES_DATA_DIR"] = str(workdir)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fivesafes.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _metadata_copies(source: Path, target: Path, variables: int) -> int:
    """Copy register metadata under new short names until `variables` variables exist."""
    docs = [json.loads(p.read_text()) for p in sorted(source.glob("*.json"))]
    target.mkdir(parents=True, exist_ok=True)
    total, copy = 0, 0
    while total < variables:
        for doc in docs:
            if total >= variables:
                break
            clone = json.loads(json.dumps(doc))
            clone["shortName"] = f"{doc['shortName']}_{copy:03d}"[:64]
            (target / f"{clone['shortName'].lower()}.json").write_text(json.dumps(clone))
            total += len(clone["variables"])
        copy += 1
    return total


def search_bench(variables: int, repeats: int, database_url: str | None) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="fivesafes-bench-catalogue-"))
    _setup_django(workdir, database_url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from fivesafes.data.models import CatalogueVariable
    from fivesafes.data.queries import Filters, search_variables
    from fivesafes.data.services.catalogue import import_registers
    from fivesafes.synthetic.cli import main as generate

    setup_test_environment()
    source = workdir / "source"
    generate(["--persons", "200", "--seed", "1", "--out", str(source), "--quiet"])
    began = time.perf_counter()
    copies = workdir / "metadata"
    _metadata_copies(source / "metadata", copies, variables)
    import_registers([copies])
    loaded = CatalogueVariable.objects.count()
    import_seconds = time.perf_counter() - began

    client = Client()
    requests = [{"q": q} for q in QUERIES] + list(FILTERED)
    for params in requests:  # warm caches once, as a running server would be
        client.get("/data/catalogue/", params)
    view_ms: list[float] = []
    partial_ms: list[float] = []
    core_ms: list[float] = []
    for _ in range(repeats):
        for params in requests:
            t0 = time.perf_counter()
            response = client.get("/data/catalogue/", params)
            view_ms.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
            t0 = time.perf_counter()
            client.get("/data/catalogue/", params, HTTP_HX_REQUEST="true")
            partial_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            list(search_variables(Filters.parse(**params)))
            core_ms.append((time.perf_counter() - t0) * 1000)
    connection.close()
    shutil.rmtree(workdir, ignore_errors=True)  # the throw-away catalogue and its metadata
    return {
        "database": connection.vendor,
        "variables": loaded,
        "import_seconds": round(import_seconds, 1),
        "searches": len(view_ms),
        "view_p50_ms": round(_percentile(view_ms, 0.5), 1),
        "view_p95_ms": round(_percentile(view_ms, 0.95), 1),
        "htmx_p50_ms": round(_percentile(partial_ms, 0.5), 1),
        "htmx_p95_ms": round(_percentile(partial_ms, 0.95), 1),
        "search_p50_ms": round(_percentile(core_ms, 0.5), 1),
        "search_p95_ms": round(_percentile(core_ms, 0.95), 1),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fivesafes bench catalogue", description=__doc__)
    parser.add_argument("--variables", type=int, default=5000, help="variables in the catalogue")
    parser.add_argument("--repeats", type=int, default=10, help="rounds over the query set")
    parser.add_argument(
        "--persons", type=int, default=100_000, help="persons for the generator half (0 skips it)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url", help="benchmark search on this database instead of SQLite"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    figures: dict[str, Any] = {
        "search": search_bench(args.variables, args.repeats, args.database_url)
    }
    s = figures["search"]
    if not args.json:
        print(
            f"catalogue search on {s['database']} with {s['variables']:,} variables "
            f"({s['searches']} searches; import took {s['import_seconds']} s)"
        )
        print(
            f"  whole request: p50 {s['view_p50_ms']} ms, p95 {s['view_p95_ms']} ms (target p95 < 50 ms)"
        )
        print(f"  live search (htmx results): p50 {s['htmx_p50_ms']} ms, p95 {s['htmx_p95_ms']} ms")
        print(f"  search query : p50 {s['search_p50_ms']} ms, p95 {s['search_p95_ms']} ms")
    if args.persons > 0:
        from fivesafes.synthetic.bench import run_generator_bench

        figures["generator"] = run_generator_bench(args.persons, args.seed, echo=not args.json)
    if args.json:
        print(json.dumps(figures, indent=2, default=str))
    return 0
