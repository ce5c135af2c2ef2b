"""Differencing against earlier tables over nested populations."""

from __future__ import annotations

import numpy as np
import pandas as pd

from fivesafes.sdc import crosstab
from fivesafes.sdc.differencing import check_against, contains


def people(seed=8, n=3000):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "region": rng.choice(["N", "S", "E"], n),
            "sex": rng.choice(["F", "M"], n),
            "age": rng.choice(["0-17", "18-64", "65+"], n, p=[0.2, 0.79, 0.01]),
        }
    )
    return df


def test_population_nesting():
    assert contains({}, {"age": ["18-64"]})
    assert contains({"age": ["18-64", "65+"]}, {"age": ["18-64"]})
    assert not contains({"age": ["18-64"]}, {"age": ["18-64", "65+"]})
    assert not contains({"age": ["18-64"]}, {})


def test_all_ages_minus_working_age_isolates_small_groups():
    df = people()
    everyone = crosstab(df["region"], df["sex"], margins=True)
    working = df[df.age.isin(["0-17", "18-64"])]
    assert everyone.status == "pass"
    new = crosstab(working["region"], working["sex"], margins=True)
    assert new.status == "pass"  # on its own
    checked = check_against(new, [everyone.record()], population={"age": ["0-17", "18-64"]})
    # the difference is the 65+ group, about 1 % of each cell: fewer than 10 everywhere
    diff = pd.crosstab(df.region, df.sex, margins=True) - pd.crosstab(
        working.region, working.sex, margins=True
    )
    expected = {(r, s) for r in diff.index for s in diff.columns if 0 < diff.loc[r, s] < 10}
    found = {
        (f.cell["region"], f.cell["sex"]) for f in checked.finding_list if f.rule == "differencing"
    }
    assert expected and found == expected
    assert checked.status == "fail"
    r, s = sorted(expected)[0]
    assert "differencing" in checked.findings.loc[r, s]


def test_unrelated_populations_are_not_compared():
    df = people()
    a = df[df.age == "0-17"]
    b = df[df.age == "65+"]
    first = crosstab(a["region"], a["sex"], population={"age": ["0-17"]})
    second = crosstab(b["region"], b["sex"])
    checked = check_against(second, [first], population={"age": ["65+"]})
    assert not any(f.rule == "differencing" for f in checked.finding_list)


def test_large_differences_pass():
    df = people()
    everyone = crosstab(df["region"], df["sex"])
    adults = df[df.age != "0-17"]
    checked = check_against(
        crosstab(adults["region"], adults["sex"]), [everyone], population={"age": ["18-64", "65+"]}
    )
    # the difference is the 0-17 group, about 200 per cell
    assert not any(f.rule == "differencing" for f in checked.finding_list)
    assert checked.status == "pass"


def test_cli_differencing_against_an_earlier_record(tmp_path, capsys):
    import json

    from fivesafes.sdc.cli import main

    decl = ["--declare", "region=label", "--declare", "sex=label", "--declare", "n=frequency"]
    (tmp_path / "all.csv").write_text("region,sex,n\nN,F,40\nN,M,52\nS,F,61\nS,M,47\n")
    (tmp_path / "adults.csv").write_text("region,sex,n\nN,F,35\nN,M,30\nS,F,58\nS,M,40\n")
    assert main(["check", str(tmp_path / "all.csv"), *decl, "--json"]) == 0
    (tmp_path / "all.json").write_text(capsys.readouterr().out)
    args = ["check", str(tmp_path / "adults.csv"), *decl, "--population", "age=18-64|65+"]
    assert main([*args, "--earlier", str(tmp_path / "all.json"), "--json"]) == 1
    rec = json.loads(capsys.readouterr().out)
    cells = {
        (f["cell"]["region"], f["cell"]["sex"])
        for f in rec["findings"]
        if f["rule"] == "differencing"
    }
    # 40-35 = 5, 61-58 = 3, 47-40 = 7 are below 10; 52-30 = 22 is not
    assert cells == {("N", "F"), ("S", "F"), ("S", "M")}
    assert rec["input"]["population"] == {"age": ["18-64", "65+"]}
    assert main([*args]) == 0


def test_undeclared_nesting_is_inferred_and_asks_for_review():
    """The researcher declares no population for either table; the second leaves out the
    65+ group. Every cell of it is at most the first's, so the small differences are found."""
    df = people()
    everyone = crosstab(df["region"], df["sex"], margins=True)
    younger = df[df.age != "65+"]
    checked = check_against(crosstab(younger["region"], younger["sex"], margins=True), [everyone])
    found = [f for f in checked.finding_list if f.rule == "differencing"]
    assert found and all(f.severity == "review" for f in found)
    assert all(0 < f.values["difference"] < 10 for f in found)
    assert not found[0].values["populations_declared_nested"]
    assert checked.status == "review"


def test_tables_that_differ_both_ways_are_not_taken_for_nested():
    df = people()
    a, b = df.iloc[::2], df.iloc[1::2]
    diff = pd.crosstab(a.region, a.sex) - pd.crosstab(b.region, b.sex)
    assert (diff.to_numpy() > 0).any() and (diff.to_numpy() < 0).any()
    assert (abs(diff.to_numpy()) < 10).any()
    checked = check_against(crosstab(b["region"], b["sex"]), [crosstab(a["region"], a["sex"])])
    assert not any(f.rule == "differencing" for f in checked.finding_list)


def test_an_earlier_table_without_contributor_counts_fails_closed():
    """Differencing that cannot be computed asks for review; it never passes silently."""
    df = people()
    everyone = crosstab(df["region"], df["sex"], margins=True).record()
    for cell in everyone["table"]["cells"]:
        cell["contributors"] = None  # as a table without counts would be recorded
    working = df[df.age.isin(["0-17", "18-64"])]
    new = crosstab(working["region"], working["sex"], margins=True)
    checked = check_against(new, [everyone], population={"age": ["0-17", "18-64"]})
    assert checked.status == "review"
    [f] = [f for f in checked.finding_list if f.rule == "differencing"]
    assert f.cell is None and f.values["compared"] is False
    assert "could not be checked" in f.reason
