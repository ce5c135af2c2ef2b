"""`fivesafes projects_sweep`: run the daily sweep of safe projects now (for cron or by hand)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Close projects past their end date and remind researchers of projects ending soon."

    def handle(self, *args: Any, **options: Any) -> None:
        from fivesafes.projects.tasks import run_daily_sweep

        result = run_daily_sweep()
        self.stdout.write(f"{result['closed']} closed, {result['reminded']} reminded")
