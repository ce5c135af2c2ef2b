"""Primary rules on small hand-built microdata whose right answers are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fivesafes.sdc import ACRO_COMPATIBLE_RULES, DEFAULT_RULES, crosstab, pivot_table


def people(counts: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = [(a, b) for (a, b), k in counts.items() for _ in range(k)]
    return pd.DataFrame(rows, columns=["area", "sex"])


def test_cell_of_seven_fails_frequency_rule_and_names_the_cell():
    df = people({("A", "F"): 7, ("A", "M"): 30, ("B", "F"): 25, ("B", "M"): 40})
    out = crosstab(df["area"], df["sex"])
    assert out.status == "fail"
    assert out.table.loc["A", "F"] == 7
    assert out.findings.loc["A", "F"] == "frequency"
    assert out.findings.loc["B", "M"] == "ok"
    [finding] = [f for f in out.finding_list if f.rule == "frequency"]
    assert finding.cell == {"area": "A", "sex": "F"}
    assert finding.values["contributors"] == 7
    assert "fewer than the minimum of 10" in finding.reason


def test_cell_at_threshold_passes():
    df = people({("A", "F"): 10, ("A", "M"): 11, ("B", "F"): 12, ("B", "M"): 13})
    out = crosstab(df["area"], df["sex"])
    assert out.status == "pass"
    assert (out.findings == "ok").all().all()


def test_threshold_comes_from_rules():
    df = people({("A", "F"): 12, ("A", "M"): 30, ("B", "F"): 25, ("B", "M"): 40})
    strict = DEFAULT_RULES.with_overrides({"frequency": {"threshold": 15}})
    assert crosstab(df["area"], df["sex"]).status == "pass"
    out = crosstab(df["area"], df["sex"], rules=strict)
    assert out.status == "fail"
    assert out.findings.loc["A", "F"] == "frequency"


def test_revealing_zero_and_class_disclosure():
    # everybody in area C is female: the zero for (C, M) reveals it
    df = people({("A", "F"): 20, ("A", "M"): 30, ("C", "F"): 40, ("B", "F"): 25, ("B", "M"): 40})
    out = crosstab(df["area"], df["sex"])
    assert out.table.loc["C", "M"] == 0
    assert out.findings.loc["C", "M"] == "zeros"
    assert out.findings.loc["C", "F"] == "class_disclosure"
    assert out.findings.loc["A", "F"] == "ok"
    cd = next(f for f in out.finding_list if f.rule == "class_disclosure")
    assert cd.values["line_contributors"] == 40
    assert out.status == "fail"


def test_structural_zero_is_not_flagged():
    df = people({("A", "F"): 20, ("A", "M"): 30, ("C", "F"): 40, ("B", "F"): 25, ("B", "M"): 40})
    rules = DEFAULT_RULES.with_overrides({"class_disclosure": {"enabled": False}})
    out = crosstab(df["area"], df["sex"], rules=rules, structural_zeros=[{"area": "C", "sex": "M"}])
    assert out.findings.loc["C", "M"] == "ok"
    assert out.status == "pass"


def test_zero_that_reveals_nothing_fails_by_default_and_passes_only_under_the_refined_rule():
    """ACRO is the floor: every zero fails by default; only zeros that reveal fail under the
    refined rule an office may turn on (zeros.mode = "revealing")."""
    df = people(
        {
            ("A", "F"): 20,
            ("A", "M"): 30,
            ("A", "X"): 0,
            ("B", "F"): 25,
            ("B", "M"): 40,
            ("B", "X"): 12,
        }
        | {("C", "F"): 20, ("C", "M"): 30, ("C", "X"): 11}
    )
    out = crosstab(df["area"], df["sex"])
    assert out.table.loc["A", "X"] == 0
    assert out.findings.loc["A", "X"] == "zeros"
    refined = DEFAULT_RULES.with_overrides({"zeros": {"mode": "revealing"}})
    assert crosstab(df["area"], df["sex"], rules=refined).findings.loc["A", "X"] == "ok"
    strict = crosstab(df["area"], df["sex"], rules=ACRO_COMPATIBLE_RULES)
    assert strict.findings.loc["A", "X"] == "zeros"


def dominated(top: float, others: list[float]) -> pd.DataFrame:
    vals = [top, *others]
    return pd.DataFrame({"ind": ["X"] * len(vals), "reg": ["N"] * len(vals), "turnover": vals})


def test_nk_rule_two_largest_over_ninety_percent():
    # 12 contributors; two largest 1000+500 of total 1500+10*10=1600 -> 93.75 % >= 90 %
    df = dominated(1000.0, [500.0] + [10.0] * 10)
    out = pivot_table(df, values="turnover", index="ind", columns="reg", aggfunc="sum")
    assert "dominance_nk" in out.findings.loc["X", "N"]
    f = next(f for f in out.finding_list if f.rule == "dominance_nk")
    assert f.values["top_share"] == pytest.approx(1500 / 1600, abs=1e-4)


def test_p_percent_rule():
    # remainder after two largest = 10*5 = 50 < 10 % of 1000; n,k share (1000+900)/1950 = 97 %
    df = dominated(1000.0, [900.0] + [5.0] * 10)
    out = pivot_table(df, values="turnover", index="ind", columns="reg", aggfunc="sum")
    assert "dominance_p" in out.findings.loc["X", "N"]
    # remainder 11*100 = 1100 > 100: p% passes; share (1000+100)/2100 = 52 %: n,k passes
    df2 = dominated(1000.0, [100.0] * 11)
    out2 = pivot_table(df2, values="turnover", index="ind", columns="reg", aggfunc="sum")
    assert out2.findings.loc["X", "N"] == "ok"
    assert out2.status == "pass"


def test_negative_contributions_use_absolute_values_and_ask_for_review():
    df = dominated(-1000.0, [100.0] * 11)
    out = pivot_table(df, values="turnover", index="ind", columns="reg", aggfunc="sum")
    names = out.findings.loc["X", "N"].split("; ")
    assert "negative_values" in names
    # |−1000| against 1100 of others: (1000+100)/2100 = 52 %, no n,k
    assert "dominance_nk" not in names
    assert out.status == "review"


def test_dominance_only_on_magnitudes_not_on_counts():
    df = dominated(1000.0, [500.0] + [10.0] * 10)
    out = crosstab(df["ind"], df["reg"])
    assert out.status == "pass"


def test_contributor_column_counts_distinct_enterprises():
    # 12 rows but only 3 enterprises
    df = pd.DataFrame(
        {"ind": ["X"] * 12, "reg": ["N"] * 12, "ent": [1, 2, 3] * 4, "turnover": [10.0] * 12}
    )
    by_row = pivot_table(df, values="turnover", index="ind", columns="reg", aggfunc="sum")
    by_ent = pivot_table(
        df, values="turnover", index="ind", columns="reg", aggfunc="sum", contributor="ent"
    )
    assert "frequency" not in by_row.findings.loc["X", "N"]
    assert "frequency" in by_ent.findings.loc["X", "N"]
    f = next(f for f in by_ent.finding_list if f.rule == "frequency")
    assert f.values["contributors"] == 3


def test_margins_are_checked_and_add_up():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"a": rng.choice(list("xyz"), 500), "b": rng.choice(list("pq"), 500)})
    out = crosstab(df["a"], df["b"], margins=True)
    t = out.table
    assert t.loc["All", "All"] == 500
    assert (
        t.loc[["x", "y", "z"], "All"].to_numpy()
        == t.loc[["x", "y", "z"], ["p", "q"]].sum(axis=1).to_numpy()
    ).all()
    pd.testing.assert_frame_equal(
        t.loc[["x", "y", "z"], ["p", "q"]].astype("int64"),
        pd.crosstab(df["a"], df["b"]).astype("int64"),
        check_names=False,
    )


def test_missing_values_reported():
    df = pd.DataFrame({"a": ["x"] * 15 + ["y"] * 15, "v": [1.0] * 14 + [np.nan] + [2.0] * 15})
    out = pivot_table(df, values="v", index="a", aggfunc="mean")
    f = next(f for f in out.finding_list if f.rule == "missing_values")
    assert f.cell == {"a": "x"}
    assert f.values["missing"] == 1
    assert out.table.loc["x", "mean"] == pytest.approx(1.0)


def test_max_is_sent_for_review():
    df = pd.DataFrame({"a": ["x"] * 15, "v": np.arange(15.0)})
    out = pivot_table(df, values="v", index="a", aggfunc=["mean", "max"])
    assert out.findings.loc["x", "max"] == "extremes"
    assert out.findings.loc["x", "mean"] == "ok"
    assert out.status == "review"


def test_quantiles_median_std_match_pandas():
    rng = np.random.default_rng(9)
    df = pd.DataFrame({"a": rng.choice(["x", "y"], 300), "v": rng.lognormal(3, 1, 300)})
    out = pivot_table(df, values="v", index="a", aggfunc=["q25", "median", "std", "min"])
    g = df.groupby("a")["v"]
    np.testing.assert_allclose(out.table["q25"].to_numpy(), g.quantile(0.25).to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(out.table["median"].to_numpy(), g.median().to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(out.table["std"].to_numpy(), g.std().to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(out.table["min"].to_numpy(), g.min().to_numpy(), rtol=1e-9)


def test_contributor_counted_once_in_margins_and_dominance_per_contributor():
    # enterprise 1 has establishments in both regions; margins must count it once
    rows = [("N", 1, 500.0), ("S", 1, 500.0)] + [("N", e, 10.0) for e in range(2, 12)]
    rows += [("S", e, 10.0) for e in range(12, 22)]
    df = pd.DataFrame(rows, columns=["reg", "ent", "turnover"]).assign(ind="X")
    out = pivot_table(
        df,
        values="turnover",
        index="ind",
        columns="reg",
        aggfunc="sum",
        margins=True,
        contributor="ent",
    )
    cells = {tuple(c["labels"].values()): c["contributors"] for c in out.record()["table"]["cells"]}
    assert cells[("X", "N")] == 11 and cells[("X", "S")] == 11
    assert cells[("X", "All")] == 21  # not 22
    # enterprise 1 holds 1000 of 1200 in the margin: (n,k) with n=2: (1000+10)/1200 = 84 % < 90 %
    # p%: 1200 - 1000 - 10 = 190 >= 100 -> passes too; within N: (500+10)/600 = 85 %
    assert "dominance" not in out.findings.loc["X", ("All")]
    assert out.table.loc["X", "All"] == pytest.approx(1200.0)


def test_count_of_a_values_column_leaves_missing_values_out_as_pandas_does():
    df = pd.DataFrame({"g": list("ab") * 30, "x": [1.0, 2.0, 3.0] * 20})
    df.loc[::5, "x"] = np.nan
    out = pivot_table(df, values="x", index="g", aggfunc=["count", "mean"], margins=True)
    expected = pd.pivot_table(df, values="x", index="g", aggfunc=["count", "mean"], margins=True)
    assert out.table["count"].tolist() == expected[("count", "x")].tolist()  # 24, 24, 48
    by_pandas = pd.crosstab(df.g, "k", values=df.x, aggfunc="count")["k"]
    assert crosstab(df.g, values=df.x, aggfunc="count").table["count"].tolist() == (
        by_pandas.tolist()
    )


def test_several_records_of_one_contributor_are_not_reported_as_missing_values():
    """Four establishments of each firm, every value present: no missing_values finding,
    and the count is of the records with a value."""
    df = pd.DataFrame(
        {"g": list("ab") * 30, "x": [1.0, 2.0, 3.0] * 20, "firm": [i // 4 for i in range(60)]}
    )
    out = pivot_table(df, values="x", index="g", aggfunc=["sum", "count"], contributor="firm")
    assert not [f for f in out.finding_list if f.rule == "missing_values"]
    assert out.table["count"].tolist() == [30, 30]
    df.loc[:3, "x"] = np.nan  # the first firm has no values: 2 records in each of a and b
    out = pivot_table(df, values="x", index="g", aggfunc="count", contributor="firm")
    missing = [f.values["missing"] for f in out.finding_list if f.rule == "missing_values"]
    assert missing == [2, 2] and out.table["count"].tolist() == [28, 28]


def test_a_line_whose_other_cells_are_structural_zeros_is_no_class_disclosure():
    """Every prostate patient is male by nature: declared structural, the lone non-zero cell
    of that row (and of the column F) reveals nothing and passes."""
    df = pd.DataFrame(
        [("prostate", "M")] * 25 + [("flu", "F")] * 30 + [("flu", "M")] * 28,
        columns=["diagnosis", "sex"],
    )
    plain = crosstab(df["diagnosis"], df["sex"])
    assert {f.rule for f in plain.finding_list} == {"zeros", "class_disclosure"}
    declared = crosstab(
        df["diagnosis"], df["sex"], structural_zeros=[{"diagnosis": "prostate", "sex": "F"}]
    )
    assert declared.status == "pass", declared.verdict.reasons
