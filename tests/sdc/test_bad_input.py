"""Bad input to the API is reported with a precise error type, field and reason."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fivesafes.sdc import crosstab, pivot_table
from fivesafes.sdc.errors import (
    EmptyTableError,
    NonFiniteValueError,
    NonNumericCellError,
    SdcInputError,
)


def test_empty_frame():
    df = pd.DataFrame({"a": pd.Series([], dtype=object), "b": pd.Series([], dtype=object)})
    with pytest.raises(EmptyTableError):
        crosstab(df["a"], df["b"])


def test_all_keys_missing():
    df = pd.DataFrame({"a": [None, None], "b": ["x", "y"]})
    with pytest.raises(EmptyTableError):
        crosstab(df["a"], df["b"])


def test_infinite_values():
    df = pd.DataFrame({"a": ["x"] * 12, "v": [1.0] * 11 + [np.inf]})
    with pytest.raises(NonFiniteValueError) as info:
        pivot_table(df, values="v", index="a", aggfunc="sum")
    assert info.value.field == "v"


def test_text_values():
    df = pd.DataFrame({"a": ["x"] * 12, "v": ["12"] * 12})
    with pytest.raises(NonNumericCellError) as info:
        pivot_table(df, values="v", index="a", aggfunc="sum")
    assert info.value.field == "v"


def test_unknown_column_and_aggregation():
    df = pd.DataFrame({"a": ["x"] * 12, "v": [1.0] * 12})
    with pytest.raises(SdcInputError) as info:
        pivot_table(df, values="w", index="a", aggfunc="sum")
    assert info.value.field == "w"
    with pytest.raises(SdcInputError) as info:
        pivot_table(df, values="v", index="a", aggfunc="mode")
    assert info.value.field == "aggfunc"


def test_lengths_differ():
    with pytest.raises(SdcInputError) as info:
        crosstab(pd.Series(["x"] * 3, name="a"), pd.Series(["p"] * 4, name="b"))
    assert info.value.field == "b"


def test_category_called_like_the_margin():
    df = pd.DataFrame({"a": ["All"] * 12 + ["x"] * 12, "b": ["p", "q"] * 12})
    with pytest.raises(SdcInputError) as info:
        crosstab(df["a"], df["b"], margins=True)
    assert info.value.cell == "All"


def test_nan_label_in_a_duckdb_relation_is_named():
    import duckdb

    rel = duckdb.connect().sql(
        "SELECT * FROM (VALUES (1.5, 'x'), ('nan'::DOUBLE, 'y'), (1.5, 'y')) t(a, b)"
    )
    with pytest.raises(SdcInputError, match="NaN") as err:
        crosstab("a", "b", data=rel)
    assert err.value.field == "a"


def test_pandas_and_acro_keywords_at_other_values_are_refused_with_the_reason():
    df = pd.DataFrame({"a": list("xy") * 20, "b": list("uvw") * 13 + ["u"], "v": range(40)})
    assert crosstab(df.a, df.b, margins_name="All", dropna=True).status in ("pass", "fail")
    with pytest.raises(SdcInputError) as err:
        crosstab(df.a, df.b, normalize="index")
    assert err.value.field == "normalize" and "counts" in err.value.reason
    with pytest.raises(SdcInputError) as err:
        pivot_table(df, values="v", index="a", columns="b", fill_value=0)
    assert err.value.field == "fill_value"


def test_nan_values_from_arrow_polars_or_duckdb_are_refused_not_published():
    """Arrow, polars and DuckDB keep NaN apart from null: a mean over it was NaN and passed."""
    import duckdb
    import polars as pl
    import pyarrow as pa

    from fivesafes.sdc import hist

    table = pa.table(
        {"g": ["a", "b", "c"] * 20, "x": [1.0, 2.0, float("nan")] + [3.0 + i for i in range(57)]}
    )
    calls = [
        lambda: crosstab("g", None, values="x", aggfunc="mean", data=table),
        lambda: pivot_table(pl.from_arrow(table), values="x", index="g", aggfunc=["sum", "q50"]),
        lambda: pivot_table(duckdb.arrow(table), values="x", index="g", aggfunc="mean"),
        lambda: hist(table, "x", bins=3),
    ]
    for call in calls:
        with pytest.raises(NonFiniteValueError) as err:
            call()
        assert err.value.field == "x" and "NaN" in err.value.reason
    # pandas' NaN is a missing value: left out and said so
    out = pivot_table(table.to_pandas(), values="x", index="g", aggfunc="mean")
    assert [f.rule for f in out.finding_list] == ["missing_values"]
