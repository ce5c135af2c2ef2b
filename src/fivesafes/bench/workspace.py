"""`fivesafes bench workspace`: the research server's figures (issue 13).

For now: sandbox start-to-exit of a trivial Python run, from `LocalBubblewrapSpawner.start()`
(preflight included) to the result being known, over --runs runs, beside the same interpreter
started without a sandbox for comparison. Prints one JSON line. Target: p50 under 300 ms.
With --lab, also JupyterLab sessions (`fivesafes.bench.lab`): ready from click, the proxy's
overhead on a contents request and on a websocket kernel round trip, and --concurrent sessions
at once (targets: under 10 s, under 20 ms added, 20 without errors).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_P50_MS = 300


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _figures(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(_percentile(values, 0.50), 1),
        "p95_ms": round(_percentile(values, 0.95), 1),
        "max_ms": round(max(values), 1),
    }


def sandbox_start_to_exit(runs: int) -> dict[str, Any]:
    from fivesafes.sandbox import (
        Limits,
        LocalBubblewrapSpawner,
        ProjectAreas,
        SandboxSpec,
        batch_command,
    )

    spawner = LocalBubblewrapSpawner.from_environment()
    root = Path(tempfile.mkdtemp(prefix="fivesafes-bench-workspace-"))
    root.chmod(0o755)
    try:
        areas = ProjectAreas.under(root, "P-BENCH-001", "bench")
        (areas.data / "d1").mkdir(parents=True)
        areas.files.mkdir(parents=True)
        script = areas.files / "hello.py"
        script.write_text("print('hello from the sandbox')\n")
        script.chmod(0o644)
        spec = SandboxSpec(areas, batch_command("python", "/project/files/hello.py"), Limits())
        sandboxed: list[float] = []
        for i in range(runs + 2):
            began = time.perf_counter()
            handle = spawner.start(spec)
            result = handle.wait(timeout=60)
            elapsed = (time.perf_counter() - began) * 1000
            if result is None or not result.ok:
                raise SystemExit(f"bench workspace: run {i} did not finish: {result}")
            if i >= 2:  # the first two warm the page cache
                sandboxed.append(elapsed)
        interpreter = str(spawner.python.interpreter)
        bare: list[float] = []
        for _ in range(runs):
            began = time.perf_counter()
            subprocess.run(  # noqa: S603 - a fixed argument list
                [interpreter, "-s", "-u", str(script)], check=True, capture_output=True
            )
            bare.append((time.perf_counter() - began) * 1000)
        return {
            "runs": runs,
            **_figures(sandboxed),
            "target_p50_ms": TARGET_P50_MS,
            "meets_target": _percentile(sandboxed, 0.5) < TARGET_P50_MS,
            "unsandboxed_same_python": _figures(bare),
            "python": interpreter,
            "run_as": spawner.run_as,
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fivesafes bench workspace", description=__doc__)
    parser.add_argument("--runs", type=int, default=50, help="sandboxed runs to time (50)")
    parser.add_argument("--lab", action="store_true", help="also time JupyterLab sessions")
    parser.add_argument("--lab-starts", type=int, default=3, help="sessions started one by one")
    parser.add_argument("--lab-rounds", type=int, default=100, help="requests timed per path")
    parser.add_argument("--concurrent", type=int, default=20, help="sessions at once (20)")
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {"sandbox_start_to_exit": sandbox_start_to_exit(max(1, args.runs))}
    if args.lab:
        from fivesafes.bench.lab import run

        figures["jupyterlab"] = run(
            starts=max(1, args.lab_starts),
            rounds=max(5, args.lab_rounds),
            concurrent=max(1, args.concurrent),
        )
    print(json.dumps(figures))
    return 0
