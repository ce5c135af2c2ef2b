"""`fivesafes create_administrator USERNAME --email E --full-name N`: the first administrator of
a new installation, with a one-time password printed once; the first sign-in enrols an
authenticator (two factors are never optional). Refused once an administrator exists."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fivesafes.accounts.services import create_administrator
from fivesafes.shared.refusals import RuleViolation


class Command(BaseCommand):
    help = "Create the first administrator (prints a one-time password)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--full-name", required=True)

    def handle(self, *args: Any, username: str, email: str, full_name: str, **options: Any) -> None:
        try:
            user, password = create_administrator(
                username=username, email=email, full_name=full_name
            )
        except RuleViolation as refusal:
            raise CommandError(f"{refusal.finding.message} ({refusal.field})") from None
        self.stdout.write(f"Administrator '{user.username}' created.")
        self.stdout.write(f"One-time password (shown only now): {password}")
        self.stdout.write(
            "Sign in with it; the service then asks to enrol an authenticator app before "
            "anything else."
        )
