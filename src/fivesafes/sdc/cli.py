"""`fivesafes sdc check|suppress|round`: disclosure control from the command line.

Exit codes: 0 pass, 1 fail, 2 review, 3 bad input (file, declaration or configuration).
`--json` prints the JSON record (docs/sdc/record-format.md) instead of text.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .config import RuleSet, load_rules
from .errors import FileTooLargeError, SdcInputError
from .findings import Finding
from .output import CheckedOutput
from .plain import Declaration, check_plain_table, parse_declarations

EXIT = {"pass": 0, "fail": 1, "review": 2}
BAD_INPUT = 3
TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the table (CSV or XLSX) or any other output file")
    p.add_argument(
        "--declare",
        action="append",
        default=[],
        metavar="COLUMN=ROLE",
        help="role of a column: label, frequency, magnitude, mean, median, min, max, std, "
        "contributors, ignore (repeat; or give a .json/.toml file of them)",
    )
    p.add_argument("--layout", choices=("long", "wide"), default="long")
    p.add_argument("--cells", help="wide layout: role of every cell (frequency, magnitude, ...)")
    p.add_argument(
        "--column-variable", default="column", help="wide layout: name of the header variable"
    )
    p.add_argument(
        "--total-label", action="append", help="label marking totals (default Total, All)"
    )
    p.add_argument("--structural-zero", action="append", default=[], metavar="VAR=LABEL,...")
    p.add_argument("--delimiter", help="CSV delimiter (sniffed when not given)")
    p.add_argument("--encoding", default="utf-8-sig")
    p.add_argument("--sheet", help="XLSX sheet (the first when not given)")
    p.add_argument("--config", help="rule configuration (TOML or YAML)")
    p.add_argument("--environment", help="environment section of the configuration")
    p.add_argument("--project-type", help="project-type section of the configuration")
    p.add_argument("--json", action="store_true", help="print the JSON record")
    p.add_argument(
        "--population",
        action="append",
        default=[],
        metavar="VAR=LABEL|LABEL...",
        help="how the table's population was restricted (recorded; used for differencing)",
    )
    p.add_argument(
        "--earlier",
        action="append",
        default=[],
        metavar="RECORD.json",
        help="an earlier checked table of the project (its JSON record), for differencing",
    )
    p.add_argument(
        "--hierarchy",
        action="append",
        default=[],
        metavar="VAR=FILE",
        help="parent,child pairs (CSV) of a label variable's hierarchy",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fivesafes sdc", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser(
        "check", help="check a table or file; exit 0 pass, 1 fail, 2 review, 3 bad input"
    )
    _common(check)
    supp = sub.add_parser("suppress", help="suppress primary and secondary cells, then audit")
    _common(supp)
    supp.add_argument("--output", "-o", required=True, help="protected table (CSV)")
    supp.add_argument(
        "--method",
        choices=("lp", "exact"),
        help="lp: LP per primary cell on sub-tables (default); exact: one MILP, small tables",
    )
    supp.add_argument("--report", help="audit report (JSON); default OUTPUT.audit.json")
    rnd = sub.add_parser("round", help="controlled rounding keeping totals additive")
    _common(rnd)
    rnd.add_argument("--base", type=int, help="rounding base (default from the rules: 5)")
    rnd.add_argument("--output", "-o", required=True, help="rounded table (CSV)")
    rnd.add_argument("--report", help="report (JSON); default OUTPUT.report.json")
    return parser


def _declarations(items: list[str]) -> dict[str, str]:
    roles: dict[str, str] = {}
    plain: list[str] = []
    for item in items:
        if "=" not in item and Path(item).suffix.lower() in (".json", ".toml"):
            roles.update(_declaration_file(Path(item)))
        else:
            plain.append(item)
    roles.update(parse_declarations(plain))
    return roles


def _declaration_file(path: Path) -> dict[str, str]:
    import tomllib

    try:
        text = path.read_text("utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as exc:
        raise SdcInputError(f"cannot read declarations: {exc}", field=str(path)) from exc
    if not isinstance(data, dict):
        raise SdcInputError("declarations must map columns to roles", field=str(path))
    return parse_declarations([f"{k}={v}" for k, v in data.items()])


def _structural(items: list[str]) -> list[dict[str, str]]:
    cells = []
    for item in items:
        cell: dict[str, str] = {}
        for part in item.split(","):
            if "=" not in part:
                raise SdcInputError("write structural zeros as VAR=LABEL,VAR=LABEL", field=item)
            k, v = part.split("=", 1)
            cell[k.strip()] = v.strip()
        cells.append(cell)
    return cells


def declaration_from(args: argparse.Namespace) -> Declaration:
    return Declaration(
        roles=_declarations(args.declare),
        layout=args.layout,
        cells=args.cells,
        column_variable=args.column_variable,
        total_labels=tuple(args.total_label) if args.total_label else ("Total", "All"),
        totals_declared=bool(args.total_label),
        structural_zeros=_structural(args.structural_zero),
    )


def rules_from(args: argparse.Namespace) -> RuleSet:
    return load_rules(args.config, environment=args.environment, project_type=args.project_type)


def manual_review(path: Path, rules: RuleSet) -> CheckedOutput:
    """Anything that is not a table: text, images, logs, unknown formats."""
    import hashlib

    import pandas as pd

    if not path.is_file():
        raise SdcInputError("no such file", field=str(path))
    size = path.stat().st_size
    limit = rules.limits.max_input_bytes
    if size > limit:
        raise FileTooLargeError(
            f"the file is {size / 1e6:.1f} MB, over the limit of {limit / 1e6:.1f} MB for an "
            "output; split it or ask the office",
            field=str(path),
        )
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            sha.update(chunk)
    digest = sha.hexdigest()
    finding = Finding(
        rule="manual_review",
        severity="review",
        reason=(
            f"{path.suffix or 'this'} files (text, images, logs, unknown formats) cannot be "
            "checked automatically; two checkers must look at it"
        ),
        values={"bytes": path.stat().st_size},
    )
    request = {"method": "file", "path": str(path), "input_sha256": digest}
    return CheckedOutput.judged("file", pd.DataFrame(), pd.DataFrame(), [finding], rules, request)


def print_text(out: CheckedOutput, stream: Any = None) -> None:
    stream = stream or sys.stdout
    print(f"verdict: {out.status}", file=stream)
    order = {"fail": 0, "review": 1, "info": 2}
    for f in sorted(out.finding_list, key=lambda f: order[f.severity]):
        where = ""
        if f.cell:
            where = " at " + ", ".join(f"{k}={v}" for k, v in f.cell.items())
        stat = f" [{f.statistic}]" if f.statistic else ""
        print(f"  {f.severity.upper():6} {f.rule}{where}{stat}: {f.reason}", file=stream)


def check(args: argparse.Namespace) -> int:
    rules = rules_from(args)
    path = Path(args.file)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES or (suffix == ".txt" and not args.declare):
        # a .txt is a table only when its columns are declared; otherwise it is text
        out = manual_review(path, rules)
    else:
        from .protect_cli import read_hierarchies

        decl = declaration_from(args)
        out = check_plain_table(
            path,
            decl,
            rules,
            delimiter=args.delimiter,
            encoding=args.encoding,
            sheet=args.sheet,
            hierarchies=read_hierarchies(args.hierarchy, decl.total_labels),
        )
    population = _population(args.population)
    if args.earlier or population:
        from .differencing import check_against

        out = check_against(out, [_read_record(p) for p in args.earlier], population or {})
    if args.json:
        print(json.dumps(out.record(), indent=2, ensure_ascii=False))
    else:
        print_text(out)
    return EXIT[out.status]


def _population(items: list[str]) -> dict[str, list[str]]:
    pop: dict[str, list[str]] = {}
    for item in items:
        if "=" not in item:
            raise SdcInputError("write populations as VAR=LABEL|LABEL", field=item)
        var, labels = item.split("=", 1)
        pop[var.strip()] = [x.strip() for x in labels.split("|") if x.strip()]
    return pop


def _read_record(path: str) -> dict[str, Any]:
    from .record import validate_record

    try:
        record = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise SdcInputError(f"cannot read the earlier record: {exc}", field=path) from exc
    try:
        validate_record(record)
    except Exception as exc:  # jsonschema.ValidationError
        raise SdcInputError(f"not a check record: {exc}".splitlines()[0], field=path) from exc
    return dict(record)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help gives 0, a usage error 2
        return 0 if exc.code == 0 else BAD_INPUT
    try:
        if args.command == "check":
            return check(args)
        from .protect_cli import protect

        return protect(args)
    except OSError as exc:  # a file that cannot be read or written: bad input, not a verdict
        where = exc.filename if exc.filename is not None else "file"
        error = SdcInputError(f"cannot read or write it: {exc.strerror or exc}", field=str(where))
        if getattr(args, "json", False):
            print(json.dumps(error.as_dict(), indent=2))
        else:
            print(f"bad input: {error}", file=sys.stderr)
        return BAD_INPUT
    except SdcInputError as exc:
        if getattr(args, "json", False):
            print(json.dumps(exc.as_dict(), indent=2))
        else:
            print(f"bad input: {exc}", file=sys.stderr)
        return BAD_INPUT
