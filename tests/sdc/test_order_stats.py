"""Medians and quantiles equal pandas' exactly; std to rounding; verdicts still ACRO's.

Medians come from DuckDB's exact median, quantiles from fivesafes.sdc.order_stats; these
tests compare both with pandas' groupby on random data with missing values (in labels and in
values), empty and single-row cells and margins, for every kind of input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fivesafes.sdc.acro_compare import _acro_instance, compare_case
from fivesafes.sdc.api import pivot_table
from fivesafes.sdc.bench import _as_strings, bench_cases
from fivesafes.sdc.bench_data import persons
from fivesafes.sdc.order_stats import group_order_stats

FUNCS = ["median", "q10", "q25", "q33.3", "q50", "q90", "q99"]
FRACTIONS = [0.5, 0.1, 0.25, 0.333, 0.5, 0.9, 0.99]

# subnormal numbers (below 2.2e-308) are left out: DuckDB's median halves before adding and
# may differ from pandas in their last bit (docs/sdc/README.md)
finite = st.floats(
    min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False, allow_subnormal=False
)
value = st.one_of(finite, st.just(float("nan")), st.sampled_from([0.0, -0.0, 1.0, 1e-300]))


def _pandas(group: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    g = pd.Series(values).groupby(group)
    out = np.full((n_groups, len(FUNCS)), np.nan)
    for j, (name, q) in enumerate(zip(FUNCS, FRACTIONS, strict=True)):
        s = g.median() if name == "median" else g.quantile(q)
        out[s.index.to_numpy(), j] = s.to_numpy()
    return out


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda k: st.tuples(
            st.just(k), st.lists(st.tuples(st.integers(0, k - 1), value), max_size=80)
        )
    ),
    st.booleans(),
)
def test_group_order_stats_equal_pandas_bit_for_bit(data, by_sort):
    n_groups, pairs = data
    group = np.asarray([p[0] for p in pairs], dtype=np.int64)
    values = np.asarray([p[1] for p in pairs], dtype=np.float64)
    ours = group_order_stats(group, values, n_groups, FUNCS, loop_groups=0 if by_sort else 99)
    # groups without rows or with only missing values give NaN, as in pandas
    np.testing.assert_array_equal(ours, _pandas(group, values, n_groups))


@pytest.mark.parametrize("n_groups", [3, 5000])
def test_both_paths_equal_pandas_on_many_rows(n_groups):
    rng = np.random.default_rng(n_groups)
    n = 60_000
    group = rng.integers(0, n_groups, n)
    values = rng.normal(0, 1, n) * 10.0 ** rng.integers(-6, 9, n)
    values[rng.random(n) < 0.05] = np.nan
    ours = group_order_stats(group, values, n_groups, FUNCS)
    np.testing.assert_array_equal(ours, _pandas(group, values, n_groups))


def test_only_order_statistics_are_accepted():
    with pytest.raises(ValueError):
        group_order_stats(np.zeros(2, np.int64), np.ones(2), 1, ["mean"])


def _frame(seed: int, n: int = 4_000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.choice(np.asarray(["north", "south", "east", "tiny"], dtype=object), n)
    a[rng.random(n) < 0.02] = None
    b = rng.choice(np.asarray(["p", "q", "r"], dtype=object), n, p=[0.6, 0.399, 0.001])
    b[rng.random(n) < 0.02] = np.nan
    v = rng.lognormal(3, 2, n) * rng.choice([-1, 1], n, p=[0.1, 0.9])
    v[rng.random(n) < 0.1] = np.nan
    df = pd.DataFrame({"a": a, "b": b, "v": v})
    # a single-row cell and a cell whose only value is missing
    single = pd.DataFrame({"a": ["solo", "gone"], "b": ["p", "q"], "v": [7.25, np.nan]})
    out = pd.concat([df, single], ignore_index=True)
    out.index = out.index * 3 + 5  # not a RangeIndex
    return out


STATS = ["median", "q25", "q90", "std"]


def _reference(group: pd.core.groupby.SeriesGroupBy, stat: str) -> pd.Series:
    if stat == "median":
        return group.median()
    if stat == "std":
        return group.std()
    return group.quantile(float(stat[1:]) / 100)


def _check_against_pandas(table: pd.DataFrame, df: pd.DataFrame) -> None:
    full = df.dropna(subset=["a", "b"]).assign(total="All")
    for stat in STATS:
        t = table[stat]
        for keys in (["a", "b"], ["a", "total"], ["total", "b"], ["total", "total"]):
            ref = _reference(full.groupby(list(dict.fromkeys(keys)))["v"], stat)
            for key, expected in ref.items():
                row, col = (key, key) if keys == ["total", "total"] else key
                got = t.loc[row, col]
                if stat == "std":
                    np.testing.assert_allclose(got, expected, rtol=1e-12, equal_nan=True)
                else:
                    np.testing.assert_array_equal(got, expected)


labels = st.sampled_from(["x", "y", "z", None])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(labels, st.sampled_from(["p", "q"]), value), min_size=1, max_size=40))
def test_random_small_tables_equal_pandas(rows):
    df = pd.DataFrame(rows, columns=["a", "b", "v"]).astype({"v": "float64"})
    if df.dropna(subset=["a"]).empty:
        return
    out = pivot_table(df, values="v", index="a", columns="b", aggfunc=STATS, margins=True)
    _check_against_pandas(out.table, df)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pivot_statistics_equal_pandas_with_margins(seed):
    df = _frame(seed)
    out = pivot_table(df, values="v", index="a", columns="b", aggfunc=STATS, margins=True)
    _check_against_pandas(out.table, df)
    # the empty cells (no row, or only a missing value) have no statistic
    assert np.isnan(out.table["median"].loc["solo", "q"])
    assert np.isnan(out.table["median"].loc["gone", "q"])
    assert out.table["median"].loc["solo", "p"] == 7.25


def test_every_input_kind_gives_the_same_statistics(tmp_path):
    df = _frame(4)
    ref = pivot_table(df, values="v", index="a", columns="b", aggfunc=STATS, margins=True)
    plain = df.reset_index(drop=True)
    path = tmp_path / "d.parquet"
    plain.to_parquet(path)
    cat = plain.astype({"a": "category", "b": "category"})
    for data in (pl.from_pandas(plain), str(path), cat):
        out = pivot_table(data, values="v", index="a", columns="b", aggfunc=STATS, margins=True)
        for stat in ("median", "q25", "q90"):
            pd.testing.assert_frame_equal(out.table[stat], ref.table[stat], check_dtype=False)
        np.testing.assert_allclose(
            out.table["std"].to_numpy(dtype=float),
            ref.table["std"].to_numpy(dtype=float),
            rtol=1e-12,
        )
        pd.testing.assert_frame_equal(out.findings, ref.findings)


def test_number_and_boolean_labels_are_left_to_duckdb():
    df = pd.DataFrame(
        {
            "k": [1, 2, 1, 2, 1] * 4,
            "flag": [True, False] * 10,
            "v": np.arange(20.0),
        }
    )
    out = pivot_table(df, values="v", index="k", columns="flag", aggfunc="median", margins=True)
    ref = df.groupby(["k", "flag"])["v"].median()
    for (n, flag), expected in ref.items():
        assert out.table.loc[n, flag] == expected
    assert out.table.loc["All", "All"] == df["v"].median()


@pytest.fixture(scope="module")
def acro():
    return _acro_instance()


@pytest.mark.parametrize("case", bench_cases(), ids=lambda c: c.name)
def test_benchmark_requests_on_text_labels_agree_with_acro(acro, case):
    data = _as_strings(persons(40_000, seed=5))
    result = compare_case(acro, data, case)
    assert result.disagreements == []
