"""`fivesafes people_sweep`: run the daily sweep of safe people now (for cron or by hand)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Expire authorisations, end withdrawal periods, send certification reminders."

    def handle(self, *args: Any, **options: Any) -> None:
        from fivesafes.people.tasks import run_daily_sweep

        result = run_daily_sweep()
        self.stdout.write(
            f"{result['expired']} expired, {result['reinstated']} reinstated, "
            f"{result['reminded']} reminded"
        )
