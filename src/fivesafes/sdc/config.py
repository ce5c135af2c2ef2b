"""Rule parameters: built-in defaults an office overrides per environment and project type.

A configuration file (TOML, or YAML when PyYAML is installed) has this shape::

    name = "office-rules"
    version = "2026.1"
    [defaults.frequency]
    threshold = 10
    [environments.production.dominance]
    p = 0.15
    [project_types.business.frequency]
    threshold = 20

`load_rules(path, environment=..., project_type=...)` merges defaults, then the environment's
overrides, then the project type's, and returns a frozen `RuleSet`. Unknown keys and values
of the wrong type are refused (`ConfigError`), so a typo never silently loosens a rule.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigError

Severity = Literal["fail", "review", "info"]
SEVERITIES = ("fail", "review", "info")


@dataclass(frozen=True)
class FrequencyRule:
    threshold: int = 10
    severity: Severity = "fail"


@dataclass(frozen=True)
class ZerosRule:
    # "all": flag every zero (ACRO's zeros_are_disclosive, the default: ACRO is the floor);
    # "revealing": flag only zeros that leave one non-zero cell in a row/column (an option an
    # office may choose, documented with its risk); "none": never flag zeros.
    mode: Literal["revealing", "all", "none"] = "all"
    severity: Severity = "fail"


@dataclass(frozen=True)
class ClassDisclosureRule:
    enabled: bool = True
    severity: Severity = "fail"


@dataclass(frozen=True)
class ValueColumnsRule:
    """What a values column counts. The mean of a 0/1 indicator is a share and its sum a
    count: the people with and without the attribute are two cells of a frequency table,
    each held to the frequency rule, and a share of 0 % or 100 % is class disclosure. The
    sum of a count column (whole numbers 0..`max_count`) is a count of events held to the
    frequency rule. In any values column, a cell whose contributors all have one value
    discloses that value of each of them (`uniform_values`)."""

    enabled: bool = True
    max_count: int = 100
    severity: Severity = "fail"


@dataclass(frozen=True)
class DegreesOfFreedomRule:
    # a standard deviation or variance of n values has n - 1 degrees of freedom; ACRO fails
    # a cell with fewer than its safe_dof_threshold (10)
    min_dof: int = 10
    severity: Severity = "fail"


@dataclass(frozen=True)
class DominanceRule:
    nk_n: int = 2
    nk_k: float = 0.90
    p: float = 0.10
    severity: Severity = "fail"
    # contributions below zero: rules are applied to absolute values and the cell is flagged
    negative_severity: Severity = "review"


@dataclass(frozen=True)
class MissingValuesRule:
    severity: Severity = "info"


@dataclass(frozen=True)
class ExtremesRule:
    # a minimum or maximum is one contributor's own value
    severity: Severity = "review"


@dataclass(frozen=True)
class ModelRule:
    min_dof: int = 10
    severity: Severity = "fail"


@dataclass(frozen=True)
class HistogramRule:
    extreme_bins_severity: Severity = "review"


@dataclass(frozen=True)
class SurvivalRule:
    threshold: int = 10
    severity: Severity = "fail"


@dataclass(frozen=True)
class SuppressionSettings:
    # required protection as a share of a frequency-primary cell's value (at least 1 unit)
    frequency_protection: float = 0.30
    # "value": minimise the suppressed total; "cells": minimise the number of suppressed cells
    cost: Literal["value", "cells"] = "value"
    # totals are made dearer to suppress by this factor
    total_cost_factor: float = 5.0
    # "lp": LP per primary on HiTaS-style blocks (any size); "exact": one MILP (small tables)
    method: Literal["lp", "exact"] = "lp"
    exact_time_limit: float = 60.0


@dataclass(frozen=True)
class RoundingSettings:
    base: int = 5
    time_limit: float = 60.0


# no configuration may let a table file be read whole beyond this: a file that large is
# microdata, not an aggregated output, and reading it whole would exhaust the server
MAX_INPUT_BYTES_CEILING = 1024 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_input_bytes: int = 200 * 1024 * 1024  # at most MAX_INPUT_BYTES_CEILING
    max_cells: int = 2_000_000


@dataclass(frozen=True)
class RuleSet:
    name: str = "fivesafes-default"
    version: str = "1"
    frequency: FrequencyRule = field(default_factory=FrequencyRule)
    zeros: ZerosRule = field(default_factory=ZerosRule)
    class_disclosure: ClassDisclosureRule = field(default_factory=ClassDisclosureRule)
    dominance: DominanceRule = field(default_factory=DominanceRule)
    value_columns: ValueColumnsRule = field(default_factory=ValueColumnsRule)
    spread: DegreesOfFreedomRule = field(default_factory=DegreesOfFreedomRule)
    missing_values: MissingValuesRule = field(default_factory=MissingValuesRule)
    extremes: ExtremesRule = field(default_factory=ExtremesRule)
    models: ModelRule = field(default_factory=ModelRule)
    histogram: HistogramRule = field(default_factory=HistogramRule)
    survival: SurvivalRule = field(default_factory=SurvivalRule)
    suppression: SuppressionSettings = field(default_factory=SuppressionSettings)
    rounding: RoundingSettings = field(default_factory=RoundingSettings)
    limits: Limits = field(default_factory=Limits)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def digest(self) -> str:
        """SHA-256 of the parameters, so a record shows exactly which rules were applied."""
        text = json.dumps(self.as_dict(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def with_overrides(self, overrides: dict[str, Any]) -> RuleSet:
        return _merge(self, overrides, "rules")


DEFAULT_RULES = RuleSet()

# The primary rules ACRO 1.0.2 applies by default, expressed as our rule set (see
# docs/sdc/acro-differences.md): every zero flagged, no class-disclosure or extremes rule.
ACRO_COMPATIBLE_RULES = RuleSet(
    name="acro-1.0.2-compatible",
    zeros=ZerosRule(mode="all"),
    class_disclosure=ClassDisclosureRule(enabled=False),
    extremes=ExtremesRule(severity="info"),
    value_columns=ValueColumnsRule(enabled=False),
)


def _merge(obj: Any, overrides: dict[str, Any], path: str) -> Any:
    if not isinstance(overrides, dict):
        raise ConfigError(f"expected a table of settings, got {overrides!r}", field=path)
    known = {f.name: f for f in fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        where = f"{path}.{key}"
        if key not in known:
            raise ConfigError(f"unknown setting; known: {', '.join(sorted(known))}", field=where)
        current = getattr(obj, key)
        if is_dataclass(current):
            changes[key] = _merge(current, value, where)
        else:
            changes[key] = _check_value(current, value, where, key)
    return replace(obj, **changes)


def _check_value(current: Any, value: Any, where: str, key: str) -> Any:
    if isinstance(current, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"expected true or false, got {value!r}", field=where)
        return value
    if isinstance(current, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"expected a whole number, got {value!r}", field=where)
        if value < 0 or (
            key in ("threshold", "nk_n", "base", "min_dof", "max_count") and value < 1
        ):
            raise ConfigError(f"value {value} is out of range", field=where)
        if key == "max_input_bytes" and value > MAX_INPUT_BYTES_CEILING:
            raise ConfigError(
                f"at most {MAX_INPUT_BYTES_CEILING} bytes (1 GiB): a larger file is read whole "
                "and is microdata rather than an output",
                field=where,
            )
        return value
    if isinstance(current, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"expected a number, got {value!r}", field=where)
        if key in ("nk_k", "p", "frequency_protection") and not 0 < value <= 1:
            raise ConfigError(f"expected a share between 0 and 1, got {value}", field=where)
        if value < 0:
            raise ConfigError(f"value {value} is negative", field=where)
        return float(value)
    if isinstance(current, str):
        if not isinstance(value, str):
            raise ConfigError(f"expected text, got {value!r}", field=where)
        allowed = _ALLOWED.get(key)
        if allowed and value not in allowed:
            raise ConfigError(f"expected one of {', '.join(allowed)}, got {value!r}", field=where)
        return value
    raise ConfigError(f"cannot set {value!r}", field=where)  # pragma: no cover


_ALLOWED: dict[str, tuple[str, ...]] = {
    "severity": SEVERITIES,
    "negative_severity": SEVERITIES,
    "extreme_bins_severity": SEVERITIES,
    "mode": ("revealing", "all", "none"),
    "cost": ("value", "cells"),
    "method": ("lp", "exact"),
}


def read_config_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML or YAML configuration file into a dictionary."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read configuration: {exc.strerror}", field=str(path)) from exc
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            return tomllib.loads(raw.decode("utf-8"))
        if suffix in (".yaml", ".yml"):
            try:
                import yaml
            except ImportError as exc:  # pragma: no cover - depends on the environment
                raise ConfigError("YAML needs PyYAML; use TOML", field=str(path)) from exc
            data = yaml.safe_load(raw.decode("utf-8")) or {}
            if not isinstance(data, dict):
                raise ConfigError("the file must hold a mapping of settings", field=str(path))
            return data
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot parse configuration: {exc}", field=str(path)) from exc
    except ConfigError:
        raise
    except Exception as exc:  # yaml.YAMLError and friends
        raise ConfigError(f"cannot parse configuration: {exc}", field=str(path)) from exc
    raise ConfigError("configuration must be .toml, .yaml or .yml", field=str(path))


def rules_from_dict(
    data: dict[str, Any], environment: str | None = None, project_type: str | None = None
) -> RuleSet:
    allowed_top = {"name", "version", "base", "defaults", "environments", "project_types"}
    for key in data:
        if key not in allowed_top:
            raise ConfigError(
                f"unknown section; known: {', '.join(sorted(allowed_top))}", field=key
            )
    base_name = data.get("base", "default")
    if base_name == "default":
        rules = DEFAULT_RULES
    elif base_name == "acro":
        rules = ACRO_COMPATIBLE_RULES
    else:
        raise ConfigError("base must be 'default' or 'acro'", field="base")
    rules = replace(
        rules,
        name=str(data.get("name", rules.name)),
        version=str(data.get("version", rules.version)),
    )
    rules = _merge(rules, data.get("defaults", {}), "defaults")
    choices: list[tuple[str, str | None]] = [
        ("environments", environment),
        ("project_types", project_type),
    ]
    for section, choice in choices:
        table = data.get(section, {})
        if choice is None:
            continue
        if choice not in table:
            raise ConfigError(f"no settings for {choice!r} in [{section}]", field=section)
        rules = _merge(rules, table[choice], f"{section}.{choice}")
    return rules


def load_rules(
    path: str | Path | None = None,
    environment: str | None = None,
    project_type: str | None = None,
) -> RuleSet:
    """The rule set for an environment and project type; built-in defaults without a file."""
    if path is None:
        return DEFAULT_RULES
    return rules_from_dict(read_config_file(path), environment, project_type)
