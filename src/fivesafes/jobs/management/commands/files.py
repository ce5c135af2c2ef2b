"""`fivesafes files orphans`: files in the file store that no record refers to, and removing them.

Refused or failed changes remove their files at once (fivesafes.files.kept_if_committed); what
a crash between writing a file and committing its record leaves behind is listed here.
`--delete` removes those older than `--older-than` hours (default 24, so no write in progress
is touched) and audits each removal with the file's name, size and SHA-256.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fivesafes import files
from fivesafes.jobs.services import remove_orphan


class Command(BaseCommand):
    help = "List the files no record refers to; --delete removes those older than --older-than."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["orphans"], help="what to do")
        parser.add_argument("--delete", action="store_true", help="remove the orphans listed")
        parser.add_argument(
            "--older-than",
            type=float,
            default=24.0,
            metavar="HOURS",
            help="only files at least this many hours old (default 24)",
        )

    def handle(self, *args: Any, delete: bool, older_than: float, **options: Any) -> None:
        if older_than < 0:
            raise CommandError("--older-than: give a number of hours, 0 or more.")
        found = files.orphans(min_age_hours=older_than)
        if not found:
            self.stdout.write(f"No orphaned files at least {older_than:g} hours old.")
            return
        for orphan in found:
            self.stdout.write(
                f"{orphan.name}  {orphan.size} bytes  {orphan.age_hours:.1f} hours old"
            )
        if not delete:
            self.stdout.write(f"{len(found)} orphaned files; --delete removes them.")
            return
        for orphan in found:
            remove_orphan(orphan)
        self.stdout.write(f"Removed {len(found)} orphaned files.")
