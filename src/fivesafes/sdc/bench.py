"""`fivesafes bench sdc`: ACRO vs fivesafes.sdc on the same data, and secondary suppression.

Prints, from one run on the same synthetic data: ACRO's and our times for crosstabs and
pivot tables at each size (default 1 and 10 million rows), the per-cell agreement rate, and
the time of secondary suppression with its audit for hierarchical 2- and 3-dimensional
tables of about 1,000, 15,000 and 100,000 cells.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from typing import Any

import pandas as pd

from .acro_compare import Case, compare_case, standard_cases

BENCH_CASES = (
    "count municipality x age",
    "count municipality x education + margins",
    "mean earnings region x industry",
    "sum earnings industry x region (pivot)",
    "mean earnings region,sex x education (pivot)",
    "median years education x age (pivot)",
)


def bench_cases() -> list[Case]:
    return [c for c in standard_cases() if c.name in BENCH_CASES]


def _as_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical label columns as plain Python strings, as pandas reads Parquet by default."""
    out = frame.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(str).astype(object)
    return out


def _warm_up(acro: Any, strings: bool) -> None:
    """Run every request once on a small frame, untimed, so that neither tool's first timed
    request pays for imports, DuckDB's connection or pandas' first-call caches."""
    from .bench_data import persons

    small = persons(5_000, seed=3)
    if strings:
        small = _as_strings(small)
    for case in bench_cases():
        compare_case(acro, small, case)
    acro.results.results.clear()


def run_acro_comparison(sizes: list[int], strings: bool, stream: Any) -> dict[str, Any]:
    from .acro_compare import _acro_instance
    from .bench_data import persons

    results: dict[str, Any] = {"sizes": {}}
    acro = _acro_instance()
    _warm_up(acro, strings)
    total_cells = total_agree = 0
    for n in sizes:
        data = persons(n, seed=7)
        if strings:
            data = _as_strings(data)
        rows: list[dict[str, Any]] = []
        print(f"\n{n:,} rows ({'string' if strings else 'categorical'} label columns)", file=stream)
        print(
            f"  {'request':48} {'cells':>6} {'ACRO s':>8} {'ours s':>8} {'speed-up':>8} {'agree':>7}",
            file=stream,
        )
        for case in bench_cases():
            r = compare_case(acro, data, case)
            total_cells += r.cells
            total_agree += r.agreeing
            speed = r.acro_seconds / r.our_seconds if r.our_seconds else float("inf")
            print(
                f"  {case.name:48} {r.cells:6d} {r.acro_seconds:8.3f} {r.our_seconds:8.3f} "
                f"{speed:7.1f}x {r.rate:7.1%}",
                file=stream,
            )
            rows.append(
                {
                    "case": case.name,
                    "cells": r.cells,
                    "acro_s": r.acro_seconds,
                    "ours_s": r.our_seconds,
                    "speedup": speed,
                    "agreement": r.rate,
                    "acro_failing": r.acro_failing,
                    "our_failing": r.our_failing,
                }
            )
        acro_sum = float(sum(float(x["acro_s"]) for x in rows))
        our_sum = float(sum(float(x["ours_s"]) for x in rows))
        print(
            f"  {'all requests':48} {'':6} {acro_sum:8.3f} {our_sum:8.3f} {acro_sum / our_sum:7.1f}x",
            file=stream,
        )
        results["sizes"][str(n)] = rows
        del data
        gc.collect()
        acro.results.results.clear()
    results["agreement_rate"] = total_agree / total_cells if total_cells else 1.0
    print(
        f"\nper-cell agreement with ACRO: {total_agree}/{total_cells} = {results['agreement_rate']:.2%}",
        file=stream,
    )
    return results


def run_suppression(sizes: list[int], stream: Any) -> list[dict[str, Any]]:
    from .audit import audit
    from .bench_tables import hierarchical_table
    from .suppression import suppress

    out = []
    print(
        "\nsecondary suppression (LP per primary on sub-tables, HiGHS) and independent audit "
        "(LP) of the whole table; block = cells of the largest sub-table used",
        file=stream,
    )
    print(
        f"  {'table':28} {'cells':>8} {'primary':>8} {'second.':>8} {'block':>7} "
        f"{'suppr. s':>9} {'audit s':>8} {'audit':>6}",
        file=stream,
    )
    for dims in (2, 3):
        for size in sizes:
            table = hierarchical_table(size, dims, seed=size + dims)
            t0 = time.perf_counter()
            result = suppress(table)
            t1 = time.perf_counter()
            report = audit(table, result.suppressed, result.protection)
            t2 = time.perf_counter()
            row = {
                "dims": dims,
                "cells": table.n_cells,
                "primary": int(result.primary.sum()),
                "secondary": int(result.secondary.sum()),
                "largest_block": result.largest_block,
                "suppress_s": t1 - t0,
                "audit_s": t2 - t1,
                "audit_passed": report.passed,
            }
            out.append(row)
            print(
                f"  {f'{dims}-D hierarchical ~{size:,}':28} {table.n_cells:8d} {row['primary']:8d} "
                f"{row['secondary']:8d} {result.largest_block:7d} "
                f"{row['suppress_s']:9.2f} {row['audit_s']:8.2f} "
                f"{'pass' if report.passed else 'FAIL':>6}",
                file=stream,
            )
    return out


def dominated_firms(seed: int, n: int = 700) -> pd.DataFrame:
    """Turnover of `n` firms by industry and region, power-law sized: dominated cells."""
    import numpy as np

    rng = np.random.default_rng(seed)
    d = pd.DataFrame(
        {"industry": rng.choice(list("ABCDEF"), n), "region": rng.choice(list("wxyz"), n)}
    )
    d["turnover"] = rng.pareto(1.0, n) * 100 + 1
    return d


def run_magnitude_protection(seeds: list[int], stream: Any) -> list[dict[str, Any]]:
    """Suppression of dominated magnitude tables (sum of turnover, 6 x 4 with margins):
    cells and share of the inner cells' value suppressed."""
    from .api import crosstab
    from .protect import protect_by_suppression

    print(
        "\nprotection of dominated magnitude tables (sum of turnover, 6 x 4 + margins = 35 "
        "cells); value = share of the inner cells' total suppressed",
        file=stream,
    )
    print(
        f"  {'table':28} {'cells':>8} {'primary':>8} {'second.':>8} {'value':>7} {'audit':>6}",
        file=stream,
    )
    out = []
    for seed in seeds:
        d = dominated_firms(seed)
        checked = crosstab(d.industry, d.region, values=d.turnover, aggfunc="sum", margins=True)
        p = protect_by_suppression(checked)
        loss = p.information_loss()
        assert p.suppression is not None
        row = {
            "seed": seed,
            "cells": loss["cells"],
            "primary": int(p.suppression.primary.sum()),
            "secondary": int(p.suppression.secondary.sum()),
            "value_share": loss["value_share"],
            "audit_passed": p.passed,
        }
        out.append(row)
        print(
            f"  {f'dominated turnover, seed {seed}':28} {row['cells']:8d} {row['primary']:8d} "
            f"{row['secondary']:8d} {row['value_share']:7.1%} "
            f"{'pass' if p.passed else 'FAIL':>6}",
            file=stream,
        )
    return out


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="fivesafes bench sdc", description=__doc__)
    p.add_argument("--rows", default="1000000,10000000", help="comma-separated sizes")
    p.add_argument("--categorical", action="store_true", help="keep label columns categorical")
    p.add_argument("--cells", default="1000,15000,100000", help="suppression table sizes")
    p.add_argument("--skip-acro", action="store_true")
    p.add_argument("--skip-suppression", action="store_true")
    p.add_argument("--json", help="also write the figures to this file")
    args = p.parse_args(argv)
    figures: dict[str, Any] = {}
    if not args.skip_acro:
        try:
            import acro  # noqa: F401
        except ImportError:
            print("ACRO is not installed here (it is a development dependency): no comparison")
        else:
            sizes = [int(x) for x in args.rows.split(",") if x]
            figures["acro"] = run_acro_comparison(sizes, not args.categorical, sys.stdout)
    if not args.skip_suppression:
        cells = [int(x) for x in args.cells.split(",") if x]
        figures["suppression"] = run_suppression(cells, sys.stdout)
        figures["magnitude_protection"] = run_magnitude_protection(list(range(5)), sys.stdout)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(figures, fh, indent=2)
    ok = all(
        r["audit_passed"]
        for r in [*figures.get("suppression", []), *figures.get("magnitude_protection", [])]
    )
    return 0 if ok else 1
