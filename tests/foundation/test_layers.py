"""Every module of a room has its tier in the layers contract (pyproject.toml).

import-linter checks only the modules a layer names; it can check that every module is named
(`exhaustive`) only for layers inside one container, and our tiers cut across the rooms
(`people.models` low, `people.views` high). So this test does it: a new module in a room, or a
new `policy/<topic>.py`, fails here until it is given its tier, instead of going unchecked.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
# The packages whose modules the layers contract places one by one.
PLACED = ("people", "projects", "data", "policy", "api", "delivery", "workspace", "release")
# A room's modules outside the tiers: start-up, demo data, scheduled tasks, commands, schema.
OUTSIDE = {"apps", "demo", "tasks", "management", "migrations", "admin", "templatetags"}


def named_in_layers() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(
        c for c in config["tool"]["importlinter"]["contracts"] if c.get("id") == "layers"
    )
    return {
        name.strip().strip("()").strip()
        for layer in contract["layers"]
        for name in re.split(r"[|:]", layer)
    }


def without_tier(modules: set[str], named: set[str]) -> list[str]:
    """The modules of PLACED packages that no layer names (nor any package above them)."""
    missing = []
    for module in sorted(modules):
        parts = module.split(".")
        if len(parts) < 3 or parts[1] not in PLACED or parts[2] in OUTSIDE:
            continue
        ancestors = {".".join(parts[:n]) for n in range(2, len(parts) + 1)}
        if not ancestors & named:
            missing.append(module)
    return missing


def test_the_check_finds_a_module_without_a_tier() -> None:
    named = {"fivesafes.people.models", "fivesafes.policy.quotes"}
    modules = {
        "fivesafes.people",
        "fivesafes.people.models.institution",
        "fivesafes.people.apps",
        "fivesafes.people.helpers",
        "fivesafes.policy.quotes",
        "fivesafes.policy.invoices",
        "fivesafes.sdc.rounding",
    }
    assert without_tier(modules, named) == ["fivesafes.people.helpers", "fivesafes.policy.invoices"]


def test_every_module_of_a_room_has_a_tier() -> None:
    graph = grimp.build_graph("fivesafes", cache_dir=None)
    missing = without_tier(set(graph.modules), named_in_layers())
    assert not missing, (
        "these modules have no tier: name them (or their package) in the `layers` contract in "
        "pyproject.toml, see docs/decisions/0005-layers.md:\n" + "\n".join(missing)
    )
