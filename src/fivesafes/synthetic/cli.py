"""`fivesafes generate-registers --persons N --seed S --out DIR`: write the synthetic register base."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fivesafes.synthetic.generate import DEFAULT_CHUNK, generate


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="fivesafes generate-registers",
        description="Write synthetic registers (Parquet data, zstd) and their metadata JSON files. "
        "The output is the same for the same --persons, --seed and --chunk-size.",
    )
    parser.add_argument(
        "--persons",
        type=int,
        default=100_000,
        help="persons ever resident 1980-2025 (default 100,000)",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--out",
        required=True,
        help="output folder; OUT/REGISTER/VERSION/ and OUT/metadata/ are written",
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=DEFAULT_CHUNK,
        help=f"persons per chunk (default {DEFAULT_CHUNK:,})",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    if args.persons < 1 or args.chunk_size < 1:
        parser.error("--persons and --chunk-size must be positive")
    if Path(args.out).exists() and not Path(args.out).is_dir():
        parser.error(f"--out {args.out} is a file; give a folder (it is created if missing)")

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        result = generate(
            args.out,
            args.persons,
            args.seed,
            chunk_size=args.chunk_size,
            progress=None if args.quiet else say,
        )
    except OSError as exc:  # a full disk, a folder one may not write to, ...
        say(
            f"fivesafes generate-registers: cannot write {exc.filename or args.out}: {exc.strerror}"
        )
        return 1
    for name, rows in sorted(result.rows.items()):
        print(f"{name:<16} {rows:>14,} rows")
    print(
        f"{'total':<16} {result.total_rows:>14,} rows in {result.seconds:.1f} s "
        f"({result.total_rows / max(result.seconds, 1e-9):,.0f} rows/s); metadata in {result.out}/metadata/"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
