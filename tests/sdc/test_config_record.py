"""Rule configuration per environment and project type, and the JSON record of a check."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import pandas as pd
import pytest

from fivesafes.sdc import crosstab, load_rules, pivot_table
from fivesafes.sdc.errors import ConfigError
from fivesafes.sdc.record import schema, validate_record, verify_checksums

TOML = """
name = "office"
version = "2026.1"
[defaults.frequency]
threshold = 10
[environments.production.dominance]
p = 0.2
[project_types.business.frequency]
threshold = 20
"""


def test_environment_and_project_type_override_defaults(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(TOML)
    base = load_rules(path)
    assert base.frequency.threshold == 10 and base.dominance.p == pytest.approx(0.10)
    prod = load_rules(path, environment="production", project_type="business")
    assert prod.dominance.p == pytest.approx(0.2)
    assert prod.frequency.threshold == 20
    assert prod.name == "office" and prod.version == "2026.1"
    assert prod.digest() != base.digest()


def test_yaml_config(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("defaults:\n  zeros:\n    mode: none\n")
    assert load_rules(path).zeros.mode == "none"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[defaults.frequency]\nthreshhold = 5\n", "defaults.frequency.threshhold"),
        ("[defaults.frequency]\nthreshold = 'five'\n", "defaults.frequency.threshold"),
        ("[defaults.frequency]\nthreshold = 0\n", "defaults.frequency.threshold"),
        ("[defaults.dominance]\nnk_k = 90\n", "defaults.dominance.nk_k"),
        ("[defaults.zeros]\nmode = 'some'\n", "defaults.zeros.mode"),
        ("[defaults.frequency\n", None),
    ],
)
def test_bad_config_is_refused_with_the_field(tmp_path, text, field):
    path = tmp_path / "rules.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    if field:
        assert info.value.field == field


def test_unknown_environment_is_refused(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(TOML)
    with pytest.raises(ConfigError):
        load_rules(path, environment="staging")


def make_frame(n: int = 400, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "a": rng.choice(["x", "y", "z"], n, p=[0.6, 0.38, 0.02]),
            "b": rng.choice(["p", "q"], n),
            "v": rng.lognormal(10, 1, n),
        }
    )


def test_record_follows_schema_and_checksums_verify():
    df = make_frame()
    out = crosstab(df["a"], df["b"], values=df["v"], aggfunc="mean", margins=True)
    rec = out.record()
    validate_record(rec)
    assert rec["verdict"]["status"] == out.status == "fail"
    assert verify_checksums(rec)
    cells = {tuple(c["labels"].values()): c for c in rec["table"]["cells"]}
    assert cells[("All", "All")]["contributors"] == 400
    assert cells[("All", "All")]["margin"] is True
    flagged = {tuple(f["cell"].values()) for f in rec["findings"] if f["rule"] == "frequency"}
    counts = pd.crosstab(df["a"], df["b"], margins=True)
    small = {(a, b) for a in counts.index for b in counts.columns if 0 < counts.loc[a, b] < 10}
    assert small and flagged == small
    assert rec["ruleset"]["parameters"]["frequency"]["threshold"] == 10
    # tampering is detected
    rec["table"]["cells"][0]["values"]["mean"] = 1.0
    assert not verify_checksums(rec)
    json.dumps(rec)


def test_schema_rejects_a_record_without_verdict():
    df = make_frame()
    rec = crosstab(df["a"], df["b"]).record()
    del rec["verdict"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(rec, schema())


def test_same_answer_from_pandas_polars_parquet_and_duckdb(tmp_path):
    import duckdb
    import polars as pl

    df = make_frame(800)
    expected = pivot_table(df, values="v", index="a", columns="b", aggfunc=["sum", "median"])
    path = tmp_path / "d.parquet"
    df.to_parquet(path)
    con = duckdb.connect()
    others = [
        pivot_table(
            pl.from_pandas(df), values="v", index="a", columns="b", aggfunc=["sum", "median"]
        ),
        pivot_table(str(path), values="v", index="a", columns="b", aggfunc=["sum", "median"]),
        pivot_table(
            con.read_parquet(str(path)),
            values="v",
            index="a",
            columns="b",
            aggfunc=["sum", "median"],
        ),
    ]
    for out in others:
        pd.testing.assert_frame_equal(out.table, expected.table, check_exact=False, rtol=1e-9)
        pd.testing.assert_frame_equal(out.findings, expected.findings)
    # and the figures equal pandas' own
    ref = pd.pivot_table(df, values="v", index="a", columns="b", aggfunc="median")
    np.testing.assert_allclose(expected.table["median"].to_numpy(), ref.to_numpy(), rtol=1e-9)


def test_the_documented_example_configuration_loads():
    from pathlib import Path

    path = Path(__file__).parents[2] / "docs" / "sdc" / "rules.example.toml"
    rules = load_rules(path, environment="production", project_type="business")
    assert rules.frequency.threshold == 20
    assert rules.dominance.p == pytest.approx(0.15)
    assert load_rules(path).frequency.threshold == 10
