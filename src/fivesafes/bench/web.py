"""`fivesafes bench web`: fifty signed-in people using the service at once (issue 15).

For each database asked for (SQLite, and PostgreSQL when it answers), the benchmark prepares
a fresh demo in a temporary folder (`fivesafes demo --setup-only`: demo people, a small
synthetic register set, cases and applications), signs in the demo researcher and the demo
case handler (`web_world`), starts `fivesafes serve` (uvicorn) on a free loopback port, and
lets `--users` simulated people work for `--seconds`: half of them researchers, half case
handlers, each opening a page of their navigation or an API read, then thinking for
`--think` seconds (drawn from an exponential distribution with that mean, so they do not
march in step). The load client runs on the same machine, so the figures include its cost.

Printed per database: requests/s, errors (any answer other than 200, or a failed
connection), client-side latency p50/p95/p99 and the server's own time per request
(`Server-Timing`), overall and for the five slowest routes. The target (issue 15): no errors,
p95 under 300 ms with think time on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_DATABASE = "fivesafes_bench_web"


@dataclass
class Sample:
    route: str
    status: int
    seconds: float
    server_ms: float | None


@dataclass
class Run:
    database: str
    samples: list[Sample] = field(default_factory=list)
    wall: float = 0.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _pg_url(base: str) -> str | None:
    """A fresh benchmark database on the PostgreSQL server of `base`, or None when none answers."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return None
    try:
        with psycopg.connect(base.replace("postgres://", "postgresql://"), autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    except psycopg.OperationalError as error:
        print(f"   PostgreSQL does not answer at {base} ({error}); it is left out.")
        return None
    return base.rsplit("/", 1)[0] + f"/{BENCH_DATABASE}"


def _environment(folder: Path, database_url: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FIVESAFES_") and key != "DATABASE_URL"
    }
    env.update(
        {"FIVESAFES_ENV": "demo", "FIVESAFES_DATA_DIR": str(folder), "PYTHONUNBUFFERED": "1"}
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _prepare(env: dict[str, str], persons: int) -> dict[str, Any]:
    command = [sys.executable, "-m", "fivesafes.cli"]
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own command line
        [*command, "demo", "--setup-only", "--persons", str(persons)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"   demo prepared in {time.perf_counter() - started:.0f} s")
    made = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "fivesafes.bench.web_world"],
        env={**env, "DJANGO_SETTINGS_MODULE": "fivesafes.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(made.stdout))


def _serve(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "fivesafes.cli", "serve", "--port", str(port)]
            + ["--workers", str(workers)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            # Any answer will do: /healthz says 503 while no job worker runs, as here.
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise RuntimeError("the web server did not answer within two minutes")


async def _person(
    client: httpx.AsyncClient,
    who: dict[str, Any],
    until: float,
    think: float,
    seed: int,
    samples: list[Sample],
) -> None:
    chance = random.Random(seed)  # noqa: S311 - a load pattern, not a secret
    cookies = {"sessionid": who["session"]}
    bearer = {"Authorization": f"Bearer {who['token']}"}
    await asyncio.sleep(chance.uniform(0, think))
    while time.monotonic() < until:
        api = chance.random() < 0.3
        route = chance.choice(who["api"] if api else who["pages"])
        started = time.perf_counter()
        try:
            answer = await client.get(
                route, headers=bearer if api else None, cookies=None if api else cookies
            )
            status = answer.status_code
            timing = answer.headers.get("server-timing", "")
            server_ms = float(timing.split("dur=")[1]) if "dur=" in timing else None
        except httpx.HTTPError:
            status, server_ms = 0, None
        samples.append(Sample(route, status, time.perf_counter() - started, server_ms))
        await asyncio.sleep(chance.expovariate(1 / think) if think > 0 else 0)


async def _load(port: int, world: dict[str, Any], users: int, seconds: float, think: float) -> Run:
    run = Run(database="")
    people = [world["researcher"], world["casehandler"]]
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30, follow_redirects=False
    ) as client:
        started = time.monotonic()
        until = started + seconds
        await asyncio.gather(
            *(_person(client, people[i % 2], until, think, i, run.samples) for i in range(users))
        )
        run.wall = time.monotonic() - started
    return run


def _report(run: Run) -> None:
    samples = run.samples
    errors = [s for s in samples if s.status != 200]
    latency = [s.seconds * 1000 for s in samples]
    server = [s.server_ms for s in samples if s.server_ms is not None]
    print(
        f"   {len(samples):,} requests in {run.wall:.0f} s = {len(samples) / run.wall:.1f}/s; "
        f"errors {len(errors)}"
        + (
            f" ({', '.join(sorted({f'{e.status} {e.route}' for e in errors})[:5])})"
            if errors
            else ""
        )
    )
    print(
        f"   latency p50 {_percentile(latency, 0.5):.0f} ms, p95 {_percentile(latency, 0.95):.0f} ms, "
        f"p99 {_percentile(latency, 0.99):.0f} ms; server time mean "
        f"{statistics.fmean(server) if server else float('nan'):.0f} ms, "
        f"p95 {_percentile(server, 0.95):.0f} ms"
    )
    by_route: dict[str, list[float]] = defaultdict(list)
    for sample in samples:
        by_route[sample.route].append(sample.seconds * 1000)
    slowest = sorted(by_route.items(), key=lambda item: -_percentile(item[1], 0.95))[:5]
    print(
        "   slowest routes (p95): "
        + "; ".join(f"{route} {_percentile(values, 0.95):.0f} ms" for route, values in slowest)
    )


def _server_errors(log: Path) -> None:
    """The server's most frequent error lines, so a failed run says why."""
    counts: dict[str, int] = defaultdict(int)
    for line in log.read_text(errors="replace").splitlines():
        if "Error" in line and not line.startswith(("INFO", "Traceback", " ")):
            counts[line.strip()[:160]] += 1
    for line, count in sorted(counts.items(), key=lambda item: -item[1])[:3]:
        print(f"   server: {count} x {line}")


def bench_one(name: str, database_url: str | None, args: argparse.Namespace) -> Run:
    folder = Path(tempfile.mkdtemp(prefix=f"fivesafes-bench-web-{name}-"))
    try:
        env = _environment(folder, database_url)
        world = _prepare(env, args.persons)
        port = _free_port()
        log = folder / "server.log"
        server = _serve(env, port, args.workers, log)
        try:
            run = asyncio.run(_load(port, world, args.users, args.seconds, args.think))
        finally:
            server.terminate()
            server.wait(timeout=30)
        run.database = name
        if any(sample.status != 200 for sample in run.samples):
            _server_errors(log)
        return run
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fivesafes bench web", description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=1.0, help="mean think time, seconds")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--persons", type=int, default=5_000, help="persons in the registers")
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    parser.add_argument("--postgresql", default=os.environ.get("FIVESAFES_BENCH_PG", DEFAULT_PG))
    args = parser.parse_args(argv)
    print(
        f"web: {args.users} signed-in people, think time {args.think} s, {args.seconds:.0f} s, "
        f"{args.workers} server processes, load client on the same machine"
    )
    for name in [part.strip() for part in args.databases.split(",") if part.strip()]:
        print(f"== {name}")
        url = None
        if name == "postgresql":
            url = _pg_url(args.postgresql)
            if url is None:
                continue
        _report(bench_one(name, url, args))
    return 0
