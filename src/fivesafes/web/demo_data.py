"""Demo data beyond users: synthetic registers (generated once) imported into the catalogue."""

from __future__ import annotations

from typing import Any, TextIO

from django.conf import settings

DEMO_PERSONS = 100_000
DEMO_SEED = 2026


def prepare_demo_data(out: TextIO | Any, persons: int = DEMO_PERSONS) -> None:
    from fivesafes.data.services.catalogue import import_registers
    from fivesafes.synthetic.cli import main as generate

    registers = settings.DATA_DIR / "registers"
    if not (registers / ".complete").exists():
        out.write(f"== generating synthetic registers for {persons:,} persons (once)")
        code = generate(
            ["--persons", str(persons), "--seed", str(DEMO_SEED), "--out", str(registers)]
        )
        if code != 0:
            raise RuntimeError("generating the synthetic registers failed; see the lines above")
        (registers / ".complete").write_text("ok\n")
    result = import_registers([registers / "metadata"])
    if result.created or result.new_versions:
        out.write(
            f"== catalogue: {len(result.created)} registers imported, "
            f"{len(result.new_versions)} new versions"
        )
