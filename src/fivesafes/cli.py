"""The `fivesafes` console command.

Framework-free commands (disclosure control, register generation, benchmarks) run without
starting Django; everything else is handed to Django's management machinery, so
`fivesafes migrate`, `fivesafes serve` (uvicorn) and the project's own management commands all work.
"""

from __future__ import annotations

import importlib
import os
import sys

# name -> (module whose main(argv) -> int runs it, one-line help)
CORE_COMMANDS: dict[str, tuple[str, str]] = {
    "sdc": ("fivesafes.sdc.cli", "Disclosure control of tables: check, suppress, round"),
    "generate-registers": (
        "fivesafes.synthetic.cli",
        "Write synthetic registers (Parquet data and metadata) for a number of persons",
    ),
    "bench": ("fivesafes.bench", "Run a benchmark and print its figures (bench --help)"),
}

# Django's own commands worth listing in `fivesafes --help`; the project's are found by app.
DJANGO_COMMANDS = ("migrate", "createsuperuser", "shell", "check", "collectstatic")


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fivesafes.settings")


def _project_commands() -> dict[str, str]:
    """Management commands defined by fivesafes' own apps, with their app label."""
    _django_setup()
    import django
    from django.core.management import get_commands

    django.setup()
    return {
        name: app.rsplit(".", 1)[-1]
        for name, app in get_commands().items()
        if app.startswith("fivesafes.")
    }


def print_help() -> None:
    print("usage: fivesafes COMMAND [options]\n")
    print("Framework-free commands:")
    for name, (_module, text) in sorted(CORE_COMMANDS.items()):
        print(f"  {name:<22} {text}")
    print("\nService commands:")
    for name, app in sorted(_project_commands().items()):
        print(f"  {name:<22} ({app})")
    print("\nDjango commands, among others:")
    print("  " + ", ".join(DJANGO_COMMANDS))
    print("\n`fivesafes COMMAND --help` describes one command.")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print_help()
        return 0
    name = args[0]
    if name in CORE_COMMANDS:
        module = importlib.import_module(CORE_COMMANDS[name][0])
        return int(module.main(args[1:]) or 0)
    _django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fivesafes", *args])
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
