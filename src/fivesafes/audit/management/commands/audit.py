"""`fivesafes audit verify`: recompute the audit log's hash chain and say whether it is intact.

Exits 0 with the number of events when intact; exits 1 naming the first bad event otherwise.
`fivesafes audit head` prints the chain head, to note it somewhere outside the database.
`fivesafes audit actions` lists every declared action with its meaning and who declares it.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fivesafes.audit.actions import REGISTRY
from fivesafes.audit.chain import verify
from fivesafes.audit.models import AuditChainHead


class Command(BaseCommand):
    help = (
        "Audit log tools: `verify` checks the hash chain, `head` prints its last link, "
        "`actions` lists the declared actions in words."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{verify,head,actions}"
        )
        sub.add_parser(
            "verify", help="Recompute the hash chain; exit 1 naming the first bad event."
        )
        sub.add_parser("head", help="Print the last sequence number and hash of the chain.")
        sub.add_parser("actions", help="List every declared action, its meaning and its room.")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "actions":
            owners, meanings = REGISTRY.owners(), REGISTRY.declared()
            for action in sorted(meanings):
                self.stdout.write(f"{action:<40} {meanings[action]}  [{owners[action]}]")
            return
        if subcommand == "head":
            head = AuditChainHead.objects.filter(pk=1).first()
            self.stdout.write(f"#{head.sequence} {head.hash}" if head else "#0 (empty)")
            return
        verdict = verify()
        if not verdict.ok:
            raise CommandError(verdict.message, returncode=1)
        self.stdout.write(self.style.SUCCESS(verdict.message))
