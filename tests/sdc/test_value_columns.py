"""0/1 indicators and small counts are counts, not magnitudes (issue #14): a share of 100 %
or 0 % over a group is class disclosure, a sum of 4 is a small cell, whatever the number of
rows with a value; and a cell whose contributors share one value discloses it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fivesafes.sdc import crosstab, pivot_table
from fivesafes.sdc.config import DEFAULT_RULES
from fivesafes.sdc.record import validate_record


def people(n=400, seed=7):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "region": rng.choice(["N", "S", "E"], n),
            "sex": rng.choice(["F", "M"], n),
        }
    )
    df["smoker"] = (rng.random(n) < 0.4).astype(int)
    df["visits"] = rng.poisson(3.0, n)
    df["income"] = rng.lognormal(10, 0.5, n)
    return df


def rules_at(out, rule):
    return [f for f in out.finding_list if f.rule == rule]


@pytest.mark.parametrize("agg", ["mean", "sum"])
def test_a_share_of_100_percent_is_class_disclosure(agg):
    df = people()
    df.loc[(df.region == "N") & (df.sex == "F"), "smoker"] = 1
    out = crosstab(df.region, df.sex, values=df.smoker, aggfunc=agg)
    assert out.status == "fail"
    [f] = rules_at(out, "indicator_class_disclosure")
    assert f.cell == {"region": "N", "sex": "F"} and f.values["without"] == 0
    assert "100 %" in f.reason
    validate_record(out.record())


def test_a_share_of_0_percent_is_class_disclosure():
    df = people()
    df.loc[df.region == "E", "smoker"] = 0
    out = pivot_table(df, values="smoker", index="region", columns="sex", aggfunc="mean")
    hits = rules_at(out, "indicator_class_disclosure")
    assert {f.cell["region"] for f in hits} == {"E"} and len(hits) == 2


@pytest.mark.parametrize("agg", ["mean", "sum"])
def test_four_people_with_the_attribute_are_a_small_cell(agg):
    df = people()
    cell = (df.region == "S") & (df.sex == "M")
    df.loc[cell, "smoker"] = 0
    df.loc[df.index[cell][:4], "smoker"] = 1
    out = crosstab(df.region, df.sex, values=df.smoker, aggfunc=agg)
    [f] = rules_at(out, "indicator_frequency")
    assert f.cell == {"region": "S", "sex": "M"}
    assert f.values["with"] == 4 and f.severity == "fail"
    # the cell itself has many contributors: the old magnitude view let it pass
    assert int(cell.sum()) >= 10
    assert not rules_at(out, "frequency")


def test_a_sum_of_four_events_is_a_small_cell():
    df = people()
    cell = (df.region == "N") & (df.sex == "M")
    df.loc[cell, "visits"] = 0
    df.loc[df.index[cell][:2], "visits"] = 2
    out = crosstab(df.region, df.sex, values=df.visits, aggfunc="sum")
    [f] = rules_at(out, "indicator_frequency")
    assert f.cell == {"region": "N", "sex": "M"} and f.values["events"] == 4


def test_all_contributors_sharing_a_value_is_disclosed():
    df = people()
    df.loc[df.region == "S", "income"] = 0.0
    out = crosstab(df.region, df.sex, values=df.income, aggfunc="mean")
    hits = rules_at(out, "uniform_values")
    assert {f.cell["region"] for f in hits} == {"S"}
    assert out.status == "fail"


def test_ordinary_indicators_counts_and_magnitudes_pass():
    df = people(2000)
    for col in ("smoker", "visits", "income"):
        for agg in ("mean", "sum"):
            out = crosstab(df.region, df.sex, values=df[col], aggfunc=agg)
            assert out.status == "pass", (col, agg, out.verdict.reasons)


def test_a_magnitude_column_is_not_read_as_an_indicator_cell_by_cell():
    """Values 0/1 in one cell of a column that holds other values elsewhere stay a
    magnitude: the kind is the column's."""
    df = people(2000)
    out = crosstab(df.region, df.sex, values=df.income, aggfunc="mean")
    assert out.stats.value_kind == "magnitude"
    assert crosstab(df.region, df.sex, values=df.smoker, aggfunc="mean").stats.value_kind == (
        "indicator"
    )
    assert crosstab(df.region, df.sex, values=df.visits, aggfunc="sum").stats.value_kind == "count"


def test_an_office_can_switch_the_value_column_rules_off():
    df = people()
    df.loc[df.region == "N", "smoker"] = 1
    rules = DEFAULT_RULES.with_overrides({"value_columns": {"enabled": False}})
    out = crosstab(df.region, df.sex, values=df.smoker, aggfunc="mean", rules=rules)
    assert not rules_at(out, "indicator_class_disclosure")


def test_a_mean_of_counts_shows_the_events_too():
    df = people()
    cell = (df.region == "N") & (df.sex == "M")
    df.loc[cell, "visits"] = 0
    df.loc[df.index[cell][:3], "visits"] = 1
    out = crosstab(df.region, df.sex, values=df.visits, aggfunc="mean")
    [f] = rules_at(out, "indicator_frequency")
    assert f.values["events"] == 3 and f.statistic == "mean"


def test_the_minimum_of_an_indicator_everyone_has_is_class_disclosure():
    df = people()
    df.loc[df.region == "N", "smoker"] = 1
    out = crosstab(df.region, df.sex, values=df.smoker, aggfunc="min")
    hits = rules_at(out, "uniform_values")
    assert {f.cell["region"] for f in hits} == {"N"} and out.status == "fail"


def test_an_indicator_summed_per_contributor_stays_an_indicator():
    """With contributor=, a firm's establishments are summed first; every firm of region a
    exports, which a mean over firms must not publish."""
    rng = np.random.default_rng(2)
    n = 3000
    df = pd.DataFrame(
        {
            "r": rng.choice(list("abc"), n),
            "s": rng.choice(list("xy"), n),
            "firm": rng.integers(0, 400, n),
        }
    )
    df["exporter"] = (df.firm % 3 == 0).astype(int)
    df.loc[df.r == "a", "exporter"] = 1
    out = pivot_table(
        df, values="exporter", index="r", columns="s", aggfunc="mean", contributor="firm"
    )
    assert out.stats.value_kind == "indicator"
    hits = rules_at(out, "indicator_class_disclosure")
    assert {f.cell["r"] for f in hits} == {"a"} and out.status == "fail"
