"""`fivesafes catalogue import PATH... [--by USERNAME]` and `fivesafes catalogue verify [REGISTER...]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fivesafes.data.catalogue.importing import data_root
from fivesafes.data.models import CatalogueRegister
from fivesafes.data.services.catalogue import import_registers
from fivesafes.metadata import MetadataError, register_data_dir, verify_register


class Command(BaseCommand):
    help = "Import register metadata into the catalogue, or verify register data against it."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="validate and import metadata files, all or nothing")
        imp.add_argument("paths", nargs="+", help="metadata JSON files or folders holding them")
        imp.add_argument(
            "--by",
            metavar="USERNAME",
            help="the staff member importing: named as the actor in the audit log",
        )
        ver = sub.add_parser("verify", help="check register data against the catalogue's metadata")
        ver.add_argument("registers", nargs="*", help="short names (default: every register)")
        ver.add_argument("--data", help="data root (default: DATA_DIR/registers)")
        ver.add_argument("--json", action="store_true", help="print the reports as JSON")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "import":
            self._import(options["paths"], options.get("by"))
        else:
            self._verify(options["registers"], options.get("data"), options["json"])

    def _import(self, paths: list[str], by: str | None) -> None:
        actor = None
        if by is not None:
            from fivesafes.accounts.models import User

            actor = User.objects.filter(username=by, is_active=True).first()
            if actor is None:
                raise CommandError(f"--by: no active user is called '{by}'; nothing was imported.")
        try:
            result = import_registers(paths, actor=actor)
        except MetadataError as error:
            for issue in error.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"{len(error.issues)} problem(s); nothing was imported.") from None
        for label, names in (
            ("new register", result.created),
            ("new version", result.new_versions),
            ("unchanged", result.unchanged),
            ("rows re-read", result.coverage_refreshed),
        ):
            for name in names:
                self.stdout.write(f"{label:<13} {name}")
        self.stdout.write(
            f"{len(result.created)} new, {len(result.new_versions)} new versions, "
            f"{len(result.unchanged)} unchanged"
            + (
                f" ({len(result.coverage_refreshed)} with new row counts)."
                if result.coverage_refreshed
                else "."
            )
        )

    def _verify(self, names: list[str], data: str | None, as_json: bool) -> None:
        registers = CatalogueRegister.objects.filter(current__isnull=False).select_related(
            "current"
        )
        if names:
            registers = registers.filter(short_name__in=names)
            missing = set(names) - set(registers.values_list("short_name", flat=True))
            if missing:
                raise CommandError(f"not in the catalogue: {', '.join(sorted(missing))}")
        root = data or data_root()
        failed, reports = 0, []
        for register in registers:
            model = register.current.model()
            report = verify_register(model, register_data_dir(root, model))
            failed += 0 if report.ok else 1
            if as_json:
                reports.append(json.loads(report.to_json()))
            else:
                self.stdout.write(report.to_text())
        if as_json:
            self.stdout.write(json.dumps(reports, indent=2))
        if failed:
            raise CommandError(f"{failed} register(s) do not agree with their metadata.")
