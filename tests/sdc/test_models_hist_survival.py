"""Regression, histogram and survival-table checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fivesafes.sdc import hist, logit, ols, probit, survival_table
from fivesafes.sdc.errors import NonFiniteValueError, SdcInputError
from fivesafes.sdc.record import validate_record


def data(n=400, seed=1):
    rng = np.random.default_rng(seed)
    region = rng.choice(["N", "S", "E", "W"], n, p=[0.4, 0.35, 0.235, 0.015])
    x = rng.normal(size=n)
    y = 2 * x + (region == "S") + rng.normal(size=n)
    b = (y + rng.normal(size=n) > 0.5).astype(int)
    return pd.DataFrame({"region": region, "x": x, "y": y, "b": b})


def test_ols_flags_rare_category_of_categorical_regressor():
    df = data()
    n_w = int((df.region == "W").sum())
    assert 0 < n_w < 10
    out = ols(formula="y ~ x + C(region)", data=df)
    assert out.status == "fail"
    cats = [f for f in out.finding_list if f.rule == "model_category"]
    assert [f.values["contributors"] for f in cats] == [n_w]
    assert "W" in cats[0].cell["term"]
    assert out.table.loc["x", "coef"] == pytest.approx(2.0, abs=0.3)
    assert out.findings.loc["x", "coef"] == "ok"
    validate_record(out.record())


def test_ols_passes_without_rare_categories():
    df = data()
    df = df[df.region != "W"]
    assert ols(formula="y ~ x + C(region)", data=df).status == "pass"


def test_residual_degrees_of_freedom():
    df = data(14)
    out = ols(df[["y"]], df.assign(const=1.0)[["const", "x"]].to_numpy())
    assert out.request["residual_dof"] == 12
    assert out.status == "pass"
    out = ols(df["y"].iloc[:11], df.assign(const=1.0)[["const", "x"]].to_numpy()[:11])
    assert out.status == "fail"
    [f] = [f for f in out.finding_list if f.rule == "model_dof"]
    assert f.values["residual_dof"] == 9


def test_logit_and_probit_check_both_outcomes():
    df = data()
    df.loc[:, "rare"] = 0
    df.loc[df.index[:5], "rare"] = 1
    for fit in (logit, probit):
        out = fit(formula="rare ~ x", data=df)
        assert out.status == "fail"
        [f] = [f for f in out.finding_list if f.rule == "model_category"]
        assert f.cell == {"outcome": "1"} and f.values["contributors"] == 5
        assert fit(formula="b ~ x", data=df).status == "pass"


def test_model_with_infinite_values_is_bad_input():
    df = data()
    df.loc[3, "x"] = np.inf
    with pytest.raises(SdcInputError):
        ols(formula="y ~ x", data=df)


def test_histogram_bins_and_extremes():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"v": np.concatenate([rng.normal(50, 5, 1000), [150.0]])})
    out = hist(df, "v", bins=10)
    counts, edges = np.histogram(df["v"], bins=10)
    assert out.table["count"].tolist() == counts.tolist()
    # small bins, and (every zero failing by default) empty ones
    small = {f"[{edges[i]:g}, {edges[i + 1]:g})" for i, k in enumerate(counts) if 0 <= k < 10}
    assert small
    assert {f.cell["bin"] for f in out.finding_list if f.rule == "histogram_bin"} == small
    assert any(f.rule == "histogram_extremes" for f in out.finding_list)
    assert out.status == "fail"


def test_histogram_with_range_beyond_the_data_passes():
    rng = np.random.default_rng(4)
    df = pd.DataFrame({"v": rng.uniform(10, 90, 5000)})
    out = hist(df, "v", bins=8, range=(0, 100))
    assert out.status == "pass"
    assert out.table["count"].sum() == 5000


def test_histogram_bad_input():
    with pytest.raises(NonFiniteValueError):
        hist(pd.DataFrame({"v": [1.0, np.inf]}), "v")
    with pytest.raises(SdcInputError):
        hist(pd.DataFrame({"v": ["a", "b"]}), "v")


def test_survival_table_flags_small_steps_and_intervals_fix_it():
    rng = np.random.default_rng(5)
    n = 3000
    t = rng.exponential(5, n).round(1)
    e = (rng.random(n) < 0.7).astype(int)
    df = pd.DataFrame({"t": t, "e": e})
    out = survival_table(df, "t", "e")
    assert out.status == "fail"
    first = out.table.iloc[0]
    assert first["at_risk"] == n
    # events per step and at risk match a direct count
    step = out.table.index[3]
    assert out.table.loc[step, "events"] == int(((df.t == step) & (df.e == 1)).sum())
    assert out.table.loc[step, "at_risk"] == int((df.t >= step).sum())
    coarse = survival_table(df, "t", "e", interval=5.0)
    # only the tail, where few remain at risk, can still fail
    tail = coarse.table[coarse.table["at_risk"] < 10]
    assert {f.cell["time"] for f in coarse.finding_list} >= {f"{x:g}" for x in tail.index}
    assert len(coarse.finding_list) < len(out.finding_list)


def test_survival_bad_event_indicator():
    with pytest.raises(SdcInputError) as info:
        survival_table(pd.DataFrame({"t": [1.0, 2.0], "e": [0, 2]}), "t", "e")
    assert info.value.field == "e"


def test_ols_on_a_binary_outcome_applies_the_frequency_rule_to_it():
    """A linear probability model with 5 ones describes 5 people, as a logit would."""
    df = data().assign(rare=lambda d: (d.index < 5).astype(int))
    out = ols(formula="rare ~ x", data=df)
    assert out.status == "fail"
    (f,) = [f for f in out.finding_list if f.rule == "model_category"]
    assert f.cell == {"outcome": "1"} and f.values["contributors"] == 5
    assert ols(formula="y ~ x", data=df).status == "pass"  # a continuous outcome is not


def test_acro_formula_forms_and_surv_func():
    from fivesafes.sdc import logitr, olsr, probitr, surv_func

    df = data()
    assert olsr("y ~ x + C(region)", df).status == "fail"  # the rare region W
    assert logitr("b ~ x", df).status == "pass"
    assert probitr("b ~ x", df).request["method"] == "probit"
    rng = np.random.default_rng(3)
    t = pd.Series(rng.integers(1, 5, 300), name="months")
    e = pd.Series(rng.integers(0, 2, 300), name="died")
    out = surv_func(t, e, "table")
    assert out.request["time"] == "months" and out.table["at_risk"].iloc[0] == 300
    with pytest.raises(SdcInputError):
        surv_func(t, e, "plot")


def test_survival_times_that_are_nan_inf_or_text_are_bad_input():
    import pyarrow as pa

    ok = {"t": [1.0, 2.0, 3.0] * 10, "e": [0, 1, 1] * 10}
    for bad in (float("nan"), float("inf")):
        table = pa.table({"t": [*ok["t"][:-1], bad], "e": ok["e"]})
        with pytest.raises(NonFiniteValueError) as err:
            survival_table(table, "t", "e")
        assert err.value.field == "t"
    with pytest.raises(SdcInputError) as err:
        survival_table(pd.DataFrame({"t": ["1", "2"] * 10, "e": [0, 1] * 10}), "t", "e")
    assert err.value.field == "t" and "not numbers" in err.value.reason


def test_survival_rows_without_a_time_are_left_out_and_said_so():
    df = pd.DataFrame({"t": [1.0, 2.0, None] * 10, "e": [0, 1, 1] * 10})
    out = survival_table(df, "t", "e")
    (f,) = [f for f in out.finding_list if f.rule == "missing_values"]
    assert f.values["missing"] == 10 and out.table["at_risk"].iloc[0] == 20
