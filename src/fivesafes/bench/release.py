"""`fivesafes bench release`: the automatic checks of a release request of many outputs.

Issue 14's first figure: a request of `--outputs` files (default 50, target under 5 s) is
checked file by file as the check job does (`fivesafes.release.services.checks.check_file`,
framework-free): a third plain CSV tables with declared column roles (some with a small cell),
a third check records with their table files (re-verified cell by cell), the rest figures
that need review; each table is also compared with the earlier ones for differencing. Prints
one JSON line: files, seconds, files/s, the verdicts and whether the target was met.

With --path, the issue's second figure: the time from submission of a request that passes
every check to its release and mail, on the real path (target: within the next five-minute
batch). A fresh demo database in a temporary folder (sampling and after-the-fact review set to
none, so the request passes automatically), a real `fivesafes worker` (its heartbeat enqueues
the batch of each five-minute slot), and the request submitted through the services
(`fivesafes.bench.release_path`); the times are read back from the database: submission to
checked and routed, to the next slot, to released, to mailed. It waits for the next slot, so
it takes up to six minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_SECONDS = 5.0
ROLES = {"region": "label", "sex": "label", "n": "frequency"}


def _outputs(folder: Path, count: int, seed: int) -> list[tuple[str, dict[str, str]]]:
    """Write `count` outputs into `folder`; (relative path, declarations) for each."""
    import numpy as np
    import pandas as pd

    from fivesafes import sdc

    rng = np.random.default_rng(seed)
    made: list[tuple[str, dict[str, str]]] = []
    i = 0
    while len(made) < count:
        kind = i % 3
        if kind == 0:
            counts = rng.integers(2 if i % 6 == 0 else 10, 400, size=8)
            regions = [f"R{k}" for k in range(4)]
            lines = ["region,sex,n"]
            for k, n in enumerate(counts):
                lines.append(f"{regions[k // 2]},{'FM'[k % 2]},{n}")
            (folder / f"table{i}.csv").write_text("\n".join(lines) + "\n")
            made.append((f"table{i}.csv", ROLES))
        elif kind == 1 and len(made) + 2 <= count:
            n = int(rng.integers(300, 3000))
            frame = pd.DataFrame(
                {"region": rng.choice(["N", "S", "E", "W"], n), "sex": rng.choice(["F", "M"], n)}
            )
            record = sdc.crosstab(frame.region, frame.sex).record()
            lines = ["region,sex,count"]
            for cell in record["table"]["cells"]:
                labels, values = cell["labels"], cell["values"]
                lines.append(f"{labels['region']},{labels['sex']},{values['count']}")
            (folder / f"record{i}.csv").write_text("\n".join(lines) + "\n")
            (folder / f"record{i}.json").write_text(json.dumps(record))
            made += [(f"record{i}.csv", {}), (f"record{i}.json", {})]
        else:
            (folder / f"figure{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
            made.append((f"figure{i}.png", {}))
        i += 1
    return made


def run(count: int, seed: int = 14) -> dict[str, Any]:
    from fivesafes.release.services.checks import check_file

    with tempfile.TemporaryDirectory() as workdir:
        folder = Path(workdir)
        made = _outputs(folder, count, seed)
        paths = [p for p, _ in made]
        frozen_of = {p: folder / p for p in paths}
        verdicts: dict[str, int] = {}
        earlier: list[dict[str, Any]] = []
        start = time.perf_counter()
        for path, declarations in made:
            result = check_file(
                folder / path,
                path,
                declarations=declarations,
                request_paths=paths,
                frozen_of=frozen_of,
                earlier=earlier,
            )
            verdicts[result.verdict] = verdicts.get(result.verdict, 0) + 1
            if result.record is not None and not result.is_evidence and declarations:
                earlier.append(result.record)
        seconds = time.perf_counter() - start
    return {
        "benchmark": "release",
        "files": len(made),
        "seconds": round(seconds, 3),
        "files_per_s": round(len(made) / seconds, 1) if seconds else None,
        "verdicts": verdicts,
        "target_seconds": TARGET_SECONDS,
        "target_met": seconds < TARGET_SECONDS,
    }


def _environment(folder: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FIVESAFES_") and key != "DATABASE_URL"
    }
    env.update(
        {
            "FIVESAFES_ENV": "demo",
            "FIVESAFES_DATA_DIR": str(folder),
            "FIVESAFES_RELEASE_SAMPLE_RATE": "0",
            "FIVESAFES_RELEASE_RISK_SAMPLE_RATE": "0",
            "FIVESAFES_RELEASE_AFTER_REVIEW_RATE": "0",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def submission_to_release(persons: int, timeout: float) -> dict[str, Any]:
    """Submit an automatically passing request on a fresh demo database with a real worker
    running, and read back when it was checked, released and mailed."""
    folder = Path(tempfile.mkdtemp(prefix="fivesafes-bench-release-"))
    command = [sys.executable, "-m", "fivesafes.cli"]
    try:
        env = _environment(folder)
        subprocess.run(  # noqa: S603 - our own command line
            [*command, "demo", "--setup-only", "--persons", str(persons)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with (folder / "worker.log").open("wb") as log:
            worker = subprocess.Popen(  # noqa: S603
                [*command, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
            )
        try:
            measured = subprocess.run(  # noqa: S603
                [sys.executable, "-m", "fivesafes.bench.release_path", str(timeout)],
                env={**env, "DJANGO_SETTINGS_MODULE": "fivesafes.settings"},
                check=False,
                capture_output=True,
                text=True,
            )
        finally:
            worker.terminate()
            worker.wait(timeout=60)
        if measured.returncode != 0:
            raise RuntimeError("the release request could not be made:\n" + measured.stderr[-2000:])
        figures: dict[str, Any] = json.loads(measured.stdout)
        if figures.get("mailed_s") is None:
            tail = (folder / "worker.log").read_text(errors="replace").splitlines()[-5:]
            figures["worker_log"] = tail
        return {"benchmark": "release submission to release", **figures}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fivesafes bench release", description=__doc__)
    parser.add_argument("--outputs", type=int, default=50, help="files in the request")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--path",
        action="store_true",
        help="also submission to release on the real path (waits for the next batch)",
    )
    parser.add_argument(
        "--persons", type=int, default=1000, help="persons in the demo registers (--path)"
    )
    parser.add_argument(
        "--timeout", type=float, default=420.0, help="seconds to wait for the mail (--path)"
    )
    args = parser.parse_args(argv)
    print(json.dumps(run(args.outputs, args.seed)), flush=True)
    if args.path:
        print(json.dumps(submission_to_release(args.persons, args.timeout)))
    return 0
