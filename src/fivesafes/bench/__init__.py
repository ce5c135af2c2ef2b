"""`fivesafes bench NAME`: benchmarks that print their figures.

Each benchmark is a module with `main(argv) -> int`; register it in BENCHMARKS. Performance
targets live here, never in timed unit tests.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS: dict[str, tuple[str, str]] = {
    "sdc": ("fivesafes.sdc.bench", "disclosure control vs ACRO; secondary suppression"),
    "catalogue": ("fivesafes.bench.catalogue", "catalogue search latency; register generator"),
    "release": (
        "fivesafes.bench.release",
        "automatic checks of a release request of 50 outputs (target under 5 s)",
    ),
    "pseudonymise": (
        "fivesafes.bench.pseudonymise",
        "pseudonym mapping ids/s; identifier replacement in a register, rows/s",
    ),
    "workspace": (
        "fivesafes.bench.workspace",
        "sandbox start-to-exit of a trivial Python run; --lab: JupyterLab sessions and proxy",
    ),
    "web": (
        "fivesafes.bench.web",
        "50 signed-in people with think time on SQLite and PostgreSQL: requests/s, errors, p95",
    ),
    "extract": ("fivesafes.bench.extract", "extraction: the realistic extract vs hand-written SQL"),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: fivesafes bench NAME [options]\n\nbenchmarks:")
        for name, (_module, text) in sorted(BENCHMARKS.items()):
            print(f"  {name:<12} {text}")
        return 0
    if argv[0] not in BENCHMARKS:
        print(f"fivesafes bench: unknown benchmark {argv[0]!r}", file=sys.stderr)
        return 2
    module = importlib.import_module(BENCHMARKS[argv[0]][0])
    return int(module.main(argv[1:]) or 0)
