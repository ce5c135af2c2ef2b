"""`fivesafes sdc suppress` and `fivesafes sdc round`: write the protected table and a report.

Exit codes: 0 when the audit passes (suppression) or the rounded table is additive and the
check left nothing else to resolve; 1 when the audit fails, the totals do not add up or a
failure remains that the method does not cure (rounding leaves zeros and class disclosures
visible); 2 when the check asked for review (e.g. dominance in a plain magnitude table, or
no contributor counts), which protection does not settle; 3 for bad input.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from .cli import BAD_INPUT, EXIT, declaration_from, rules_from
from .errors import SdcInputError
from .hierarchy import Hierarchy, hierarchy_from_pairs
from .plain import check_plain_table
from .protect import protect_by_rounding, protect_by_suppression, protected_record


def read_hierarchies(items: list[str], total_labels: tuple[str, ...]) -> dict[str, Hierarchy]:
    out: dict[str, Hierarchy] = {}
    for item in items:
        if "=" not in item:
            raise SdcInputError("write hierarchies as VARIABLE=FILE", field=item)
        name, path = item.split("=", 1)
        try:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                rows = [r for r in csv.reader(fh) if r and any(c.strip() for c in r)]
        except OSError as exc:
            raise SdcInputError(f"cannot read hierarchy: {exc.strerror}", field=path) from exc
        if rows and [c.strip().lower() for c in rows[0][:2]] == ["parent", "child"]:
            rows = rows[1:]
        pairs = []
        for i, r in enumerate(rows):
            if len(r) < 2:
                raise SdcInputError(f"line {i + 1} needs parent,child", field=path)
            pairs.append((r[0].strip(), r[1].strip()))
        parents = {p for p, _ in pairs}
        children = {c for _, c in pairs}
        roots = sorted(parents - children)
        root = roots[0] if len(roots) == 1 else total_labels[0]
        out[name] = hierarchy_from_pairs(name, pairs, root)
    return out


def cell_text(value: float) -> str:
    """A cell as written to the protected table: empty when suppressed, whole numbers without
    a decimal point, any other number exactly (never rounded to a few significant digits)."""
    if value != value:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def protect(args: argparse.Namespace) -> int:
    rules = rules_from(args)
    if getattr(args, "method", None):
        rules = rules.with_overrides({"suppression": {"method": args.method}})
    decl = declaration_from(args)
    hierarchies = read_hierarchies(args.hierarchy, decl.total_labels)
    out = check_plain_table(
        Path(args.file),
        decl,
        rules,
        delimiter=args.delimiter,
        encoding=args.encoding,
        sheet=args.sheet,
        hierarchies=hierarchies,
    )
    if args.command == "suppress":
        protected = protect_by_suppression(out, hierarchies, rules, decl.total_labels)
        report_path = args.report or f"{args.output}.audit.json"
    else:
        protected = protect_by_rounding(out, hierarchies, args.base, rules, decl.total_labels)
        report_path = args.report or f"{args.output}.report.json"
    frame = protected.frame.copy()
    value = protected.value_column
    frame[value] = frame[value].map(cell_text)
    frame.to_csv(args.output, index=False)
    record = protected_record(out, protected)
    Path(report_path).write_text(json.dumps(record, indent=2, ensure_ascii=False), "utf-8")
    section = record["protection"]
    if args.json:
        print(json.dumps(section, indent=2))
    else:
        if protected.suppression is not None:
            print(
                f"suppressed {section['primary']} primary and {section['secondary']} secondary "
                f"cells; audit {'passed' if protected.passed else 'FAILED'}"
            )
            if protected.audit is not None:
                for c in protected.audit.failures[:20]:
                    print(f"  audit failure at {c.cell}: interval [{c.low:g}, {c.high:g}]")
        else:
            r = protected.rounding
            assert r is not None
            print(
                f"rounded to base {r.base}; largest change {r.max_deviation:g}; totals "
                f"{'add up' if r.additive else 'DO NOT add up'}"
            )
        loss = section["information_loss"]
        hidden = loss.get("cells_suppressed", loss.get("cells_changed", 0))
        print(
            f"information loss: {hidden} of {loss['cells']} cells "
            f"{'suppressed' if 'cells_suppressed' in loss else 'changed'} "
            f"({loss['cell_share']:.1%}), {loss['value_share']:.1%} of the inner cells' value"
        )
        for f in protected.remaining:
            where = " at " + ", ".join(f"{k}={v}" for k, v in f.cell.items()) if f.cell else ""
            print(f"  still {f.severity.upper()} {f.rule}{where}: {f.reason}")
        print(f"wrote {args.output} and {report_path}")
    return EXIT[protected.status]


__all__ = ["BAD_INPUT", "protect"]
