"""`fivesafes audit verify`: recompute the audit log's hash chain and say whether it is intact.

Exits 0 with the number of events when intact; exits 1 naming the first bad event, or what does
not match the anchor file's latest checkpoint (removed newest events, a replaced log, edited or
forged checkpoint lines). Warnings (events not yet covered by a checkpoint, missing triggers)
are printed without failing.
`fivesafes audit checkpoint` writes the chain head to the anchor file now (run it periodically,
for instance before the file is shipped elsewhere) and records the summaries of closed windows
of refused anonymous requests.
`fivesafes audit head` prints the chain head, to note it somewhere outside the database.
`fivesafes audit actions` lists every declared action with its meaning and who declares it.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fivesafes.audit import anchor
from fivesafes.audit.actions import REGISTRY
from fivesafes.audit.chain import verify
from fivesafes.audit.models import AuditChainHead
from fivesafes.audit.services import summarise_closed_windows


class Command(BaseCommand):
    help = (
        "Audit log tools: `verify` checks the hash chain against the anchor, `checkpoint` "
        "anchors the chain head now, `head` prints its last link, `actions` lists the declared "
        "actions in words."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(
            dest="subcommand", required=True, metavar="{verify,checkpoint,head,actions}"
        )
        sub.add_parser(
            "verify",
            help="Recompute the hash chain and compare it with the anchor's latest checkpoint; "
            "exit 1 naming what is wrong.",
        )
        sub.add_parser(
            "checkpoint",
            help="Append the chain head to the anchor file now; record pending refusal summaries.",
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
        if subcommand == "checkpoint":
            self.checkpoint()
            return
        verdict = verify()
        for warning in verdict.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        if not verdict.ok:
            raise CommandError(verdict.message, returncode=1)
        self.stdout.write(self.style.SUCCESS(verdict.message))

    def checkpoint(self) -> None:
        summaries = summarise_closed_windows()
        if summaries:
            self.stdout.write(f"Recorded {summaries} summary event(s) of refused requests.")
        head = AuditChainHead.objects.filter(pk=1).first()
        if head is None or head.sequence == 0:
            self.stdout.write("The audit log is empty: nothing to anchor.")
            return
        if not anchor.write_checkpoint(head.sequence, head.hash, head.genesis):
            raise CommandError(
                f"Could not append to the anchor file {anchor.anchor_path()} (see the log).",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(f"Checkpoint #{head.sequence} appended to {anchor.anchor_path()}.")
        )
