"""`python -m fivesafes.analysis`: the library from the command line inside the sandbox.

    python -m fivesafes.analysis import-acro <folder> [--outputs DIR]
    python -m fivesafes.analysis run crosstab --data d.parquet --index region --columns sex
    python -m fivesafes.analysis comment|exception <output name> "text"

`run` is what the R wrapper (R/fivesafes.R) calls: the data as a CSV or Parquet file, the
call's arguments as options, the checked table written back with `--table-out` for R to read.
It exits 0 when the output was recorded (whatever its verdict), 2 when it could not be made.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fivesafes.sdc.errors import SdcInputError

from .acro_import import import_acro
from .area import OutputsAreaError
from .session import Session

FUNCTIONS = ("crosstab", "pivot_table", "ols", "logit", "probit", "hist", "survival_table")


def _names(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [t.strip() for t in text.split(",") if t.strip()]


def _read(path: str) -> Any:
    import pandas as pd

    p = Path(path)
    if p.suffix.lower() == ".parquet":
        return pd.read_parquet(p)
    if p.suffix.lower() in (".csv", ".txt"):
        return pd.read_csv(p)
    raise SdcInputError("give the data as a .csv or .parquet file", field="--data")


def _call(session: Session, args: argparse.Namespace) -> Any:
    data = _read(args.data)
    common: dict[str, Any] = {"name": args.name}
    aggfunc = _names(args.aggfunc)
    agg: Any = aggfunc[0] if aggfunc and len(aggfunc) == 1 else aggfunc
    fn = args.function
    if fn == "crosstab":
        return session.crosstab(
            _names(args.index),
            _names(args.columns),
            data=data,
            values=args.values,
            aggfunc=agg,
            margins=args.margins,
            **common,
        )
    if fn == "pivot_table":
        return session.pivot_table(
            data,
            values=args.values,
            index=_names(args.index),
            columns=_names(args.columns),
            aggfunc=agg or "mean",
            margins=args.margins,
            **common,
        )
    if fn in ("ols", "logit", "probit"):
        if not args.formula:
            raise SdcInputError("a model needs --formula", field="--formula")
        method = getattr(session, f"{fn}r")
        return method(args.formula, data, **common)
    if fn == "hist":
        if not args.column:
            raise SdcInputError("a histogram needs --column", field="--column")
        return session.hist(data, args.column, bins=args.bins, **common)
    if not (args.time and args.event):
        raise SdcInputError("a survival table needs --time and --event", field="--time")
    return session.survival_table(data, args.time, args.event, interval=args.interval, **common)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m fivesafes.analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    acro = sub.add_parser("import-acro", help="record an ACRO session's results")
    acro.add_argument("folder", help="the folder ACRO's finalise wrote (with results.json)")
    acro.add_argument("--outputs", help="the outputs area (default: $FIVESAFES_OUTPUTS)")
    note = sub.add_parser("comment", help="add a comment for the checker to an output")
    note.add_argument("output", help="the output's name (its files' name without extension)")
    note.add_argument("text")
    note.add_argument("--outputs", help="the outputs area (default: $FIVESAFES_OUTPUTS)")
    exception = sub.add_parser("exception", help="ask for a failing output to be released")
    exception.add_argument("output", help="the output's name (its files' name without extension)")
    exception.add_argument("text", help="why it is safe")
    exception.add_argument("--outputs", help="the outputs area (default: $FIVESAFES_OUTPUTS)")
    run = sub.add_parser("run", help="make, check and record one output")
    run.add_argument("function", choices=FUNCTIONS)
    run.add_argument("--data", required=True, help="a .csv or .parquet file")
    run.add_argument("--index", help="row variables, comma-separated")
    run.add_argument("--columns", help="column variables, comma-separated")
    run.add_argument("--values", help="the variable summarised")
    run.add_argument("--aggfunc", help="statistics, comma-separated (count, mean, sum, ...)")
    run.add_argument("--margins", action="store_true", help="add totals")
    run.add_argument("--formula", help="a model's formula, e.g. 'income ~ age + C(region)'")
    run.add_argument("--column", help="the variable of a histogram")
    run.add_argument("--bins", type=int, default=10, help="a histogram's number of bins")
    run.add_argument("--time", help="a survival table's time variable")
    run.add_argument("--event", help="a survival table's event indicator (0/1)")
    run.add_argument("--interval", type=float, help="group survival times in steps of this")
    run.add_argument("--name", help="the name of the output's files")
    run.add_argument("--table-out", help="also copy the recorded table file here")
    run.add_argument("--outputs", help="the outputs area (default: $FIVESAFES_OUTPUTS)")
    args = parser.parse_args(argv)
    try:
        if args.command == "import-acro":
            import_acro(args.folder, args.outputs)
            return 0
        if args.command in ("comment", "exception"):
            session = Session(args.outputs, show=False)
            if args.command == "comment":
                session.add_comments(args.output, args.text)
            else:
                session.add_exception(args.output, args.text)
            print(f"{args.output}: {args.command} recorded in {args.output}.json")
            return 0
        output = _call(Session(args.outputs), args)
    except (SdcInputError, OutputsAreaError, FileNotFoundError, KeyError, ValueError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"Not recorded: {message}", file=sys.stderr)
        return 2
    if args.table_out:  # the recorded table, in its long layout (one line a cell)
        Path(args.table_out).write_bytes(output.paths["table"].read_bytes())
    return 0
