"""Demo data beyond users: synthetic registers (once), written under the data folder."""

from __future__ import annotations

import importlib.util
from typing import Any, TextIO

from django.conf import settings

DEMO_PERSONS = 100_000
DEMO_SEED = 2026


def prepare_demo_data(out: TextIO | Any) -> None:
    registers = settings.DATA_DIR / "registers"
    if importlib.util.find_spec("fivesafes.synthetic.cli") is None:
        return
    if (registers / ".complete").exists():
        return
    out.write(f"== generating synthetic registers for {DEMO_PERSONS:,} persons (once)")
    from fivesafes.synthetic.cli import main as generate

    code = generate(
        ["--persons", str(DEMO_PERSONS), "--seed", str(DEMO_SEED), "--out", str(registers)]
    )
    if code == 0:
        (registers / ".complete").write_text("ok\n")
