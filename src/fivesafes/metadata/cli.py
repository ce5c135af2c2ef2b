"""Framework-free commands behind `fivesafes catalogue validate|verify` (to be wired by the Django layer).

    python -m fivesafes.metadata.cli validate PATH...                 metadata files or folders
    python -m fivesafes.metadata.cli verify --data ROOT PATH... [--json] [--register NAME]

`verify` loads the metadata, then checks ROOT/SHORTNAME/VERSION/ of each register. Exit status 0
when everything is valid, 1 when a file or the data break a rule, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys

from fivesafes.metadata.loader import MetadataError, load_registers
from fivesafes.metadata.verify import register_data_dir, verify_register


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="fivesafes catalogue", description="Validate metadata files and verify register data."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check metadata files; print every error")
    validate.add_argument("paths", nargs="+")
    verify = sub.add_parser("verify", help="check register data against their metadata")
    verify.add_argument("paths", nargs="+", help="metadata files or folders")
    verify.add_argument(
        "--data", required=True, help="data root holding SHORTNAME/VERSION/ folders"
    )
    verify.add_argument("--register", action="append", help="only this register (repeatable)")
    verify.add_argument("--json", action="store_true", help="print the reports as JSON")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        registers = load_registers(args.paths)
    except MetadataError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.command == "validate":
        for r in registers:
            print(f"{r.short_name} {r.version}: valid ({len(r.variables)} variables)")
        return 0
    chosen = [r for r in registers if not args.register or r.short_name in args.register]
    reports = [verify_register(r, register_data_dir(args.data, r)) for r in chosen]
    if args.json:
        print(json.dumps([rep.to_dict() for rep in reports], ensure_ascii=False, indent=2))
    else:
        print("\n".join(rep.to_text() for rep in reports))
    return 0 if all(rep.ok for rep in reports) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
