"""`fivesafes demo`: prepare the embedded defaults and run the web server and a job worker."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from fivesafes.accounts.demo_users import DEMO_USERS, ensure_demo_users
from fivesafes.delivery.demo import ensure_demo_delivery
from fivesafes.people.demo import ensure_demo_people
from fivesafes.projects.demo import ensure_demo_projects
from fivesafes.release.demo import ensure_demo_releases
from fivesafes.web.demo_cases import ensure_demo_cases
from fivesafes.web.demo_data import DEMO_PERSONS, prepare_demo_data
from fivesafes.web.management.commands.serve import add_address_arguments
from fivesafes.web.supervisor import Child, Supervisor
from fivesafes.workspace.demo import ensure_demo_workspace


class Command(BaseCommand):
    help = "Set up the demo (database, demo users, synthetic registers) and run server and worker."

    def add_arguments(self, parser: Any) -> None:
        add_address_arguments(parser)
        parser.add_argument(
            "--persons",
            type=int,
            default=DEMO_PERSONS,
            help="persons in the synthetic registers, when they are generated the first time",
        )
        parser.add_argument(
            "--setup-only",
            action="store_true",
            help="prepare everything, then exit without serving",
        )

    def handle(
        self, *args: Any, port: int, host: str, persons: int, setup_only: bool, **options: Any
    ) -> None:
        if settings.ENV == "production":
            raise CommandError("demo is refused in production; run migrate and `fivesafes serve`.")
        self.stdout.write("== preparing the database")
        call_command("migrate", interactive=False, verbosity=0)
        ensure_demo_users()
        ensure_demo_people()
        prepare_demo_data(self.stdout, persons)
        if ensure_demo_projects():
            self.stdout.write("== a draft application for the demo researcher")
        if ensure_demo_cases():
            self.stdout.write(
                "== work waiting for the office: an authorisation case with a question for the "
                "manager, a submitted application, a recommended one"
            )
        if ensure_demo_delivery():
            self.stdout.write(
                "== delivery 1 of the demo project P-2026-001, for its researcher's workspace"
            )
        if ensure_demo_releases():
            self.stdout.write(
                "== a release request of the demo researcher waiting for the two checkers"
            )
        if ensure_demo_workspace():
            self.stdout.write("== a generated Parquet file in the demo project's data folder")
        if setup_only:
            self.stdout.write("Set-up done.")
            return
        self._print_logins(host, port)
        command = [sys.executable, "-m", "fivesafes.cli"]
        supervisor = Supervisor(
            [
                Child(
                    "web server",
                    [*command, "serve", "--host", host, "--port", str(port)],
                    essential=True,
                ),
                Child("job worker", [*command, "worker"]),
                # Batch runs of the workspace have their own queue and worker (issue 13).
                Child("workspace worker", [*command, "worker", "--queue-name", "workspace"]),
            ],
            say=self.stdout.write,
        )
        status = supervisor.run()
        if status:
            raise CommandError(f"The demo stopped: the web server ended with status {status}.")

    def _print_logins(self, host: str, port: int) -> None:
        out = self.stdout.write
        out("")
        out(f"fivesafes demo: http://{host}:{port}/")
        out("Demo logins (password, then the code printed by `.venv/bin/fivesafes totp USERNAME`):")
        for demo in DEMO_USERS:
            roles = ", ".join(role.label for role in demo.roles)
            out(f"  {demo.username:<12} {demo.password:<26} {roles}")
        out("Two-factor sign-in stays on for every user. Stop with Ctrl+C.")
        out("")
