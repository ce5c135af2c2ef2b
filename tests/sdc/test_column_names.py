"""Variables may be called anything, including the names of statistics (`n`, `count`, `sum`).

A researcher's column named like one of our internal columns must give the same table,
verdict and findings as the same column under a neutral name.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fivesafes.sdc import crosstab, pivot_table
from fivesafes.sdc.cli import main
from fivesafes.sdc.errors import DuplicateLabelError, SdcInputError
from fivesafes.sdc.protect import protect_by_suppression

CLASHING = ["n", "count", "sum", "n_rows", "_margin", "top", "stat:count", "value", "status"]


def _data(seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    k = 600
    return pd.DataFrame(
        {
            "a": rng.choice(["x", "y", "z"], k, p=[0.02, 0.49, 0.49]),
            "b": rng.choice(["p", "q"], k),
            "v": rng.lognormal(3, 1, k).round(2),
        }
    )


def _renamed(frame: pd.DataFrame, a: str, b: str, v: str) -> pd.DataFrame:
    return frame.rename(columns={"a": a, "b": b, "v": v})


@pytest.mark.parametrize("name", CLASHING)
def test_crosstab_with_a_row_variable_named_like_a_statistic(name):
    df = _data()
    plain = crosstab(df["a"], df["b"], margins=True)
    other = _renamed(df, name, "b", "v")
    out = crosstab(other[name], other["b"], margins=True)
    assert out.table.index.name == name
    assert out.table.to_numpy().tolist() == plain.table.to_numpy().tolist()
    assert out.table.loc["x", "All"] == int((df["a"] == "x").sum())
    assert out.findings.to_numpy().tolist() == plain.findings.to_numpy().tolist()
    assert out.status == plain.status == "fail"
    small = next(f for f in out.finding_list if f.rule == "frequency")
    assert small.cell == {name: "x", "b": small.cell["b"]}


@pytest.mark.parametrize(
    ("index", "columns", "values"),
    [("n", "count", "sum"), ("sum", "n", "count"), ("count", "sum", "n"), ("top", "n_rows", "n")],
)
@pytest.mark.parametrize("aggfunc", ["sum", "mean", "median", "q25"])
def test_pivot_table_whose_variables_are_named_like_statistics(index, columns, values, aggfunc):
    df = _data()
    expected = df.pivot_table(values="v", index="a", columns="b", aggfunc=_pandas(aggfunc))
    other = _renamed(df, index, columns, values)
    out = pivot_table(other, values=values, index=index, columns=columns, aggfunc=aggfunc)
    assert out.table.index.name == index and out.table.columns.name == columns
    got = out.table.loc[expected.index, expected.columns].to_numpy()
    if aggfunc in ("median", "q25"):  # order statistics: exactly pandas' numbers
        assert np.array_equal(got, expected.to_numpy(), equal_nan=True)
    else:  # sums: DuckDB adds in another order than pandas
        assert np.allclose(got, expected.to_numpy(), rtol=1e-12, atol=0)
    counts = df.groupby(["a", "b"]).size()
    flagged = {(f.cell[index], f.cell[columns]) for f in out.finding_list if f.rule == "frequency"}
    assert flagged == {k for k, c in counts.items() if c < 10}


def _pandas(aggfunc: str):
    return (lambda s: s.quantile(0.25)) if aggfunc == "q25" else aggfunc


def test_contributor_column_named_n():
    df = _data().assign(n=lambda d: np.arange(len(d)) % 40)
    out = pivot_table(df, values="v", index="a", columns="b", aggfunc="sum", contributor="n")
    distinct = df.groupby(["a", "b"])["n"].nunique()
    for (a, b), k in distinct.items():
        assert out.stats is not None
        cell = out.stats.frame[(out.stats.labels("a") == a) & (out.stats.labels("b") == b)].iloc[0]
        assert cell["n"] == k


def test_two_columns_of_one_name_are_refused():
    df = pd.DataFrame([["x", "p", 1.0], ["y", "q", 2.0]], columns=["a", "a", "v"])
    with pytest.raises(DuplicateLabelError) as err:
        crosstab("a", "v", data=df)
    assert err.value.field == "a"


def test_structural_zero_naming_a_variable_the_table_lacks_is_refused():
    df = _data()
    with pytest.raises(SdcInputError, match="does not have") as err:
        crosstab(df["a"], df["b"], structural_zeros=[{"a": "x", "n": "p"}])
    assert err.value.field == "n"


def test_suppression_of_a_table_with_variables_called_value_and_status():
    df = _data().rename(columns={"a": "value", "b": "status"})
    out = crosstab(df["value"], df["status"], margins=True)
    protected = protect_by_suppression(out)
    assert protected.passed
    f = protected.frame
    assert list(f.columns) == ["value", "status", "value_", "status_"]
    small = f[(f["value"] == "x") & (f["status"] != "All")]
    assert small["value_"].isna().all()
    assert set(small["status_"]) == {"primary"}


def test_cli_plain_table_with_label_columns_called_n_and_value(tmp_path, capsys):
    text = "n,value,count\nA,F,17\nA,M,30\nB,F,25\nB,M,4\nTotal,F,42\nTotal,M,34\n"
    path = tmp_path / "t.csv"
    path.write_text(text)
    decl = ["--declare", "n=label", "--declare", "value=label", "--declare", "count=frequency"]
    assert main(["check", str(path), *decl]) == 1
    out = capsys.readouterr().out
    assert "n=B, value=M" in out and "frequency" in out
    dst = tmp_path / "protected.csv"
    assert main(["suppress", str(path), *decl, "-o", str(dst)]) == 0
    protected = pd.read_csv(dst)
    assert list(protected.columns) == ["n", "value", "value_", "status"]
    row = protected[(protected["n"] == "B") & (protected["value"] == "M")].iloc[0]
    assert np.isnan(row["value_"]) and row["status"] == "primary"


def test_every_input_kind_accepts_variables_named_like_statistics(tmp_path):
    import duckdb
    import polars as pl

    df = _renamed(_data(), "n", "count", "sum")
    request = {"values": "sum", "index": "n", "columns": "count", "aggfunc": ["sum", "q25"]}
    expected = pivot_table(df, margins=True, **request)
    path = tmp_path / "d.parquet"
    df.to_parquet(path)
    for data in (pl.from_pandas(df), str(path), duckdb.connect().read_parquet(str(path))):
        out = pivot_table(data, margins=True, **request)
        pd.testing.assert_frame_equal(out.table, expected.table, check_exact=False, rtol=1e-12)
        pd.testing.assert_frame_equal(out.findings, expected.findings)


def test_a_path_that_is_not_parquet_is_bad_input(tmp_path):
    path = tmp_path / "table.parquet"
    path.write_text("region,sex\nNorth,F\n")
    with pytest.raises(SdcInputError, match="Parquet") as err:
        crosstab("region", "sex", data=str(path))
    assert err.value.field == str(path)


def test_differencing_with_variables_called_n_and__n():
    from fivesafes.sdc.differencing import check_against

    rng = np.random.default_rng(8)
    k = 3000
    df = pd.DataFrame(
        {
            "_n": rng.choice(["N", "S", "E"], k),
            "n": rng.choice(["F", "M"], k),
            "age": rng.choice(["0-17", "18-64", "65+"], k, p=[0.2, 0.79, 0.01]),
        }
    )
    everyone = crosstab(df["_n"], df["n"], margins=True)
    working = df[df.age != "65+"]
    new = crosstab(working["_n"], working["n"], margins=True)
    checked = check_against(new, [everyone], population={"age": ["0-17", "18-64"]})
    diff = pd.crosstab(df["_n"], df["n"], margins=True) - pd.crosstab(
        working["_n"], working["n"], margins=True
    )
    expected = {(r, s) for r in diff.index for s in diff.columns if 0 < diff.loc[r, s] < 10}
    found = {(f.cell["_n"], f.cell["n"]) for f in checked.finding_list if f.rule == "differencing"}
    assert expected and found == expected
