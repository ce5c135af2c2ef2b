"""Regression checks that must never pass silently: reference categories under either formula
engine, every model kind, array and DataFrame call shapes, and checks that cannot run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula as smformula

from fivesafes.sdc import logit, logitr, ols, olsr, probit, probitr
from fivesafes.sdc import models as sdc_models
from fivesafes.sdc.record import validate_record

KINDS = {
    "ols": (ols, "y"),
    "logit": (logit, "b"),
    "probit": (probit, "b"),
}
FORMULA_KINDS = {"olsr": (olsr, "y"), "logitr": (logitr, "b"), "probitr": (probitr, "b")}


def _data(n=300, seed=5, rare="A", rare_n=4):
    """`region` has a category of `rare_n` people that sorts first: the reference category."""
    rng = np.random.default_rng(seed)
    region = np.array([rare] * rare_n + list(rng.choice(["N", "S"], n - rare_n)))
    x = rng.normal(size=n)
    y = x + (region == "S") + rng.normal(size=n)
    b = (y + rng.normal(size=n) > 0.5).astype(int)
    return pd.DataFrame({"region": region, "x": x, "y": y, "b": b})


@pytest.fixture(params=["patsy", "formulaic"])
def engine(request):
    old = smformula.options.formula_engine
    smformula.options.formula_engine = request.param
    yield request.param
    smformula.options.formula_engine = old


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_reference_category_of_four_fails(engine, kind):
    fit, dep = KINDS[kind]
    out = fit(formula=f"{dep} ~ x + C(region)", data=_data())
    ref = [f for f in out.finding_list if f.cell and "reference" in f.cell.get("term", "")]
    assert out.status == "fail", out.finding_list
    assert [f.values["contributors"] for f in ref] == [4]
    assert out.findings.loc["C(region)[T.N]", "coef"] == "model_category"


@pytest.mark.parametrize("kind", sorted(FORMULA_KINDS))
def test_acro_formula_forms_catch_the_reference_category(engine, kind):
    fit, dep = FORMULA_KINDS[kind]
    out = fit(f"{dep} ~ x + C(region)", _data())
    assert out.status == "fail"
    assert any(
        f.cell
        and f.cell.get("term") == "C(region) (reference category)"
        and f.values["contributors"] == 4
        for f in out.finding_list
    )


def test_a_plain_string_regressor_and_other_contrasts_are_counted(engine):
    df = _data(rare="Z")  # not the reference now: a level of its own
    out = ols(formula="y ~ x + region", data=df)
    assert out.status == "fail"
    [f] = [f for f in out.finding_list if f.rule == "model_category"]
    assert f.values["contributors"] == 4 and "Z" in f.cell["term"]
    out = ols(formula="y ~ x + C(region, Sum)", data=_data())
    assert out.status == "fail"
    assert [f.values["contributors"] for f in out.finding_list] == [4]


def test_no_small_category_passes(engine):
    df = _data(rare_n=40)
    for fit, dep in KINDS.values():
        assert fit(formula=f"{dep} ~ x + C(region)", data=df).status == "pass"


def test_a_formula_whose_terms_cannot_be_read_fails_closed(monkeypatch):
    monkeypatch.setattr(sdc_models, "_term_slices", lambda spec: None)
    out = ols(formula="y ~ x + C(region)", data=_data(rare_n=40))
    assert out.status == "review"
    [f] = [f for f in out.finding_list if f.rule == "model_check_not_run"]
    assert "reference categories" in f.reason


def _arrays(df):
    X = np.column_stack([np.ones(len(df)), df.x, df.region == "N", df.region == "S"]).astype(float)
    return X


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_numpy_arrays_are_checked_not_crashed(kind):
    fit, dep = KINDS[kind]
    df = _data(rare_n=40)
    out = fit(df[dep].to_numpy(), _arrays(df)[:, :2])
    assert out.status == "pass"
    assert list(out.table.index) == ["const", "x1"]
    assert np.isfinite(out.table.to_numpy(dtype=float)).all()
    validate_record(out.record())
    # a DataFrame keeps its column names
    X = pd.DataFrame(_arrays(df)[:, :2], columns=["const", "x"])
    assert list(fit(df[dep], X).table.index) == ["const", "x"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_array_dummies_with_a_small_reference_fail(kind):
    fit, dep = KINDS[kind]
    df = _data()
    out = fit(df[dep].to_numpy(), _arrays(df))
    assert out.status == "fail"
    [f] = [f for f in out.finding_list if f.rule == "model_category"]
    assert f.values["contributors"] == 4
    assert out.findings.loc["x2", "coef"] == "model_category"


def test_a_slope_per_category_without_its_main_effect_is_counted(engine):
    """`y ~ C(region):x` gives each region its own slope; the region of 4 has one too."""
    df = _data(rare="Z")
    out = ols(formula="y ~ C(region):x", data=df)
    assert out.status == "fail"
    [f] = [f for f in out.finding_list if f.rule == "model_category"]
    assert f.values["contributors"] == 4 and "Z" in f.cell["term"]
    row = next(i for i in out.findings.index if "Z" in i)
    assert out.findings.loc[row, "coef"] == "model_category"


def test_degrees_of_freedom_that_cannot_be_computed_fail_closed(monkeypatch):
    real = sdc_models._fit

    def fit(*args):
        result = real(*args)
        monkeypatch.setattr(type(result), "df_resid", float("nan"), raising=False)
        return result

    monkeypatch.setattr(sdc_models, "_fit", fit)
    out = ols(formula="y ~ x", data=_data(rare_n=40))
    assert out.status == "review"
    assert [f.values["check"] for f in out.finding_list] == ["model_dof"]


def test_a_constant_column_under_another_name_is_no_empty_category():
    df = _data(rare_n=40)
    X = pd.DataFrame({"intercept": 1.0, "x": df.x})
    assert ols(df.y, X).status == "pass"


def test_polars_columns_and_frames_are_accepted():
    import polars as pl

    df = _data(rare_n=40)
    X = pl.DataFrame({"const": np.ones(len(df)), "x": df.x.to_numpy()})
    out = ols(pl.Series("y", df.y.to_numpy()), X)
    assert out.status == "pass" and list(out.table.index) == ["const", "x"]
