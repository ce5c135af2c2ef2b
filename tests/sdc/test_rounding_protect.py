"""Controlled rounding, and `fivesafes sdc suppress|round` writing protected tables."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fivesafes.sdc import crosstab
from fivesafes.sdc.bench_tables import hierarchical_table
from fivesafes.sdc.cli import main
from fivesafes.sdc.protect import protect_by_rounding, protect_by_suppression
from fivesafes.sdc.record import validate_record
from fivesafes.sdc.rounding import RoundingImpossible, controlled_round


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 4),
    st.integers(0, 9999),
    st.sampled_from([3, 5, 10]),
)
def test_property_rounding_keeps_additivity_and_stays_within_one_base(g1, k1, g2, k2, seed, base):
    t = hierarchical_table(0, 2, seed=seed, layout=[(g1, k1), (g2, k2)])
    r = controlled_round(t, base)
    assert np.all(np.abs(t.A @ r.values) < 1e-9)
    assert np.all(r.values % base == 0)
    assert np.all(np.abs(r.values - t.values) < base)
    # multiples of the base stay as they are
    fixed = t.values % base == 0
    assert np.all(r.values[fixed] == t.values[fixed])


def test_rounding_three_dimensional_tables_round_additively_or_say_they_cannot():
    rounded = impossible = 0
    for seed in range(6):
        t = hierarchical_table(0, 3, seed=seed, layout=[(1, 3), (1, 2), (1, 2)])
        try:
            r = controlled_round(t, 5)
        except RoundingImpossible:
            impossible += 1
            continue
        rounded += 1
        assert r.additive and np.all(np.abs(t.A @ r.values) < 1e-9)
        assert np.all(r.values % 5 == 0)
    assert rounded > 0


def _frame(seed=2, n=600):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "area": rng.choice(["A", "B", "C", "D"], n, p=[0.01, 0.3, 0.3, 0.39]),
            "sex": rng.choice(["F", "M"], n),
        }
    )


def test_api_suppression_of_a_crosstab_with_margins():
    df = _frame()
    out = crosstab(df["area"], df["sex"], margins=True)
    assert out.status == "fail"
    protected = protect_by_suppression(out)
    assert protected.passed
    f = protected.frame
    small = f[(f["area"] == "A") & (f["sex"] != "All")]
    assert small["value"].isna().all()
    assert set(small["status"]) == {"primary"}
    # the published cells are the crosstab's own
    pub = f[f["status"] == "published"]
    for row in pub.itertuples():
        assert out.table.loc[row.area, row.sex] == row.value


def test_api_rounding_of_a_crosstab_with_margins():
    df = _frame()
    out = crosstab(df["area"], df["sex"], margins=True)
    rounded = protect_by_rounding(out)
    f = rounded.frame.set_index(["area", "sex"])["value"]
    assert (f % 5 == 0).all()
    for a in ["A", "B", "C", "D", "All"]:
        assert f[(a, "F")] + f[(a, "M")] == f[(a, "All")]


def test_mean_tables_cannot_be_suppressed_by_additivity():
    df = _frame().assign(v=1.0)
    out = crosstab(df["area"], df["sex"], values=df["v"], aggfunc="mean", margins=True)
    with pytest.raises(Exception, match="additive"):
        protect_by_suppression(out)


TABLE = """region,sex,n
North,F,7
North,M,30
North,Total,37
South,F,25
South,M,40
South,Total,65
East,F,22
East,M,41
East,Total,63
Total,F,54
Total,M,111
Total,Total,165
"""
DECL = ["--declare", "region=label", "--declare", "sex=label", "--declare", "n=frequency"]


def test_cli_suppress_writes_table_and_passing_audit(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text(TABLE)
    dst = tmp_path / "out.csv"
    assert main(["suppress", str(src), *DECL, "-o", str(dst)]) == 0
    out = pd.read_csv(dst)
    row = out[(out.region == "North") & (out.sex == "F")].iloc[0]
    assert np.isnan(row["value"]) and row["status"] == "primary"
    # North,F can no longer be recomputed from North's row
    north = out[(out.region == "North")]
    assert north["value"].isna().sum() >= 2
    report = json.loads((tmp_path / "out.csv.audit.json").read_text())
    validate_record(report)
    assert report["protection"]["audit"]["passed"] is True
    cell = report["protection"]["audit"]["cells"][0]
    assert cell["interval"][1] >= 10


def test_cli_round(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text(TABLE)
    dst = tmp_path / "r.csv"
    assert main(["round", str(src), *DECL, "-o", str(dst), "--base", "5"]) == 0
    out = pd.read_csv(dst).set_index(["region", "sex"])["value"]
    assert (out % 5 == 0).all()
    assert out[("Total", "Total")] == out[("Total", "F")] + out[("Total", "M")]


def test_cli_suppress_with_hierarchy_file(tmp_path):
    rows = ["geo,sex,n"]
    leaves = {"N1": (12, 30), "N2": (4, 25), "S1": (40, 33), "S2": (21, 18)}
    tot = {"F": 0, "M": 0}
    for g, (f, m) in leaves.items():
        rows += [f"{g},F,{f}", f"{g},M,{m}", f"{g},Total,{f + m}"]
    for reg, kids in {"N": ["N1", "N2"], "S": ["S1", "S2"]}.items():
        f = sum(leaves[k][0] for k in kids)
        m = sum(leaves[k][1] for k in kids)
        tot["F"] += f
        tot["M"] += m
        rows += [f"{reg},F,{f}", f"{reg},M,{m}", f"{reg},Total,{f + m}"]
    rows += [f"Total,F,{tot['F']}", f"Total,M,{tot['M']}", f"Total,Total,{tot['F'] + tot['M']}"]
    src = tmp_path / "h.csv"
    src.write_text("\n".join(rows) + "\n")
    hier = tmp_path / "geo.csv"
    hier.write_text("parent,child\nTotal,N\nTotal,S\nN,N1\nN,N2\nS,S1\nS,S2\n")
    dst = tmp_path / "o.csv"
    args = ["--declare", "geo=label", "--declare", "sex=label", "--declare", "n=frequency"]
    assert main(["suppress", str(src), *args, "--hierarchy", f"geo={hier}", "-o", str(dst)]) == 0
    report = json.loads((tmp_path / "o.csv.audit.json").read_text())
    assert report["protection"]["primary"] == 1
    assert report["protection"]["audit"]["passed"]


def test_cli_suppress_refuses_inconsistent_totals(tmp_path, capsys):
    src = tmp_path / "t.csv"
    src.write_text(TABLE.replace("Total,Total,165", "Total,Total,166"))
    assert main(["suppress", str(src), *DECL, "-o", str(tmp_path / "o.csv"), "--json"]) == 3
    assert json.loads(capsys.readouterr().out)["error"] == "margin_mismatch"


def test_cli_suppress_writes_large_magnitudes_exactly(tmp_path):
    """Turnover in the millions must come out as written, not as 1.16049e+07."""
    src = tmp_path / "m.csv"
    src.write_text(
        "region,sex,turnover,firms\n"
        "North,F,1234567,12\nNorth,M,2345678,3\nSouth,F,3456789,20\nSouth,M,4567890.25,25\n"
        "Total,F,4691356,32\nTotal,M,6913568.25,28\nNorth,Total,3580245,15\n"
        "South,Total,8024679.25,45\nTotal,Total,11604924.25,60\n"
    )
    dst = tmp_path / "o.csv"
    decl = ["--declare", "region=label", "--declare", "sex=label"]
    decl += ["--declare", "turnover=magnitude", "--declare", "firms=contributors"]
    main(["suppress", str(src), *decl, "-o", str(dst)])
    lines = dst.read_text().splitlines()
    assert "Total,Total,11604924.25,published" in lines
    assert "Total,F,4691356,published" in lines


def test_cli_round_writes_large_counts_exactly(tmp_path):
    src = tmp_path / "c.csv"
    src.write_text("region,n\nNorth,1234567\nSouth,2345678\nTotal,3580245\n")
    dst = tmp_path / "r.csv"
    assert (
        main(
            [
                "round",
                str(src),
                "--declare",
                "region=label",
                "--declare",
                "n=frequency",
                "-o",
                str(dst),
            ]
        )
        == 0
    )
    assert "Total,3580245,rounded" in dst.read_text().splitlines()


def test_cli_round_does_not_pass_a_class_disclosure_it_leaves_visible(tmp_path, capsys):
    """South: F=0, M=25. Rounding keeps the zero, so the rounded table still tells that
    everyone in South is M; `sdc round` must not exit 0 on it."""
    src = tmp_path / "t.csv"
    src.write_text(
        "region,sex,n\nNorth,F,12\nNorth,M,17\nSouth,F,0\nSouth,M,25\n"
        "Total,F,12\nTotal,M,42\nNorth,Total,29\nSouth,Total,25\nTotal,Total,54\n"
    )
    dst = tmp_path / "r.csv"
    assert main(["round", str(src), *DECL, "-o", str(dst)]) == 1
    text = capsys.readouterr().out
    assert "still FAIL class_disclosure at region=South, sex=M" in text
    report = json.loads((tmp_path / "r.csv.report.json").read_text())
    assert report["protection"]["passed"] is True  # the totals do add up
    assert report["protection"]["status"] == "fail"
    assert {f["rule"] for f in report["protection"]["remaining"]} == {"zeros", "class_disclosure"}


def test_cli_suppress_of_a_magnitude_table_still_asks_for_review(tmp_path, capsys):
    """Suppression settles the failing cells, not the dominance review a plain magnitude
    table needs (its individual contributions are unknown): exit 2, not 0."""
    src = tmp_path / "m.csv"
    src.write_text("region,turnover,firms\nNorth,500,12\nSouth,900,3\nEast,700,30\nTotal,2100,45\n")
    decl = ["--declare", "region=label", "--declare", "turnover=magnitude"]
    decl += ["--declare", "firms=contributors"]
    assert main(["suppress", str(src), *decl, "-o", str(tmp_path / "o.csv")]) == 2
    assert "still REVIEW dominance_nk" in capsys.readouterr().out
    report = json.loads((tmp_path / "o.csv.audit.json").read_text())
    assert report["protection"]["audit"]["passed"] is True
    assert report["protection"]["status"] == "review"
    validate_record(report)


def test_suppression_refuses_a_table_whose_total_is_not_declared(tmp_path, capsys):
    """'I alt' read as a category gives the programme no additivity: North,F=3 alone would
    be suppressed and recomputed as 18 - 15 from the published cells."""
    src = tmp_path / "t.csv"
    src.write_text("region,F,M,I alt\nNorth,3,15,18\nSouth,20,25,45\nEast,30,10,40\n")
    decl = ["--declare", "region=label", "--layout", "wide", "--cells", "frequency"]
    decl += ["--column-variable", "sex"] + [f"--declare={c}=frequency" for c in ("F", "M", "I alt")]
    dst = tmp_path / "o.csv"
    assert main(["suppress", str(src), *decl, "-o", str(dst), "--json"]) == 3
    assert json.loads(capsys.readouterr().out)["error"] == "bad_structure"
    assert not dst.exists()
    # declared, the row total is protected too
    assert main(["suppress", str(src), *decl, "--total-label", "I alt", "-o", str(dst)]) == 0
    north = pd.read_csv(dst).query("region == 'North'")
    assert north["value"].isna().sum() >= 2


def test_api_suppression_never_hides_a_declared_structural_zero():
    rows = [("prostate", "M")] * 25 + [("flu", "F")] * 30 + [("flu", "M")] * 4
    rows += [("cold", "F")] * 40 + [("cold", "M")] * 35
    df = pd.DataFrame(rows, columns=["dx", "sex"])
    out = crosstab(df.dx, df.sex, margins=True, structural_zeros=[{"dx": "prostate", "sex": "F"}])
    protected = protect_by_suppression(out)
    status = protected.frame.set_index(["dx", "sex"])["status"]
    assert status[("flu", "M")] == "primary"
    assert status[("prostate", "F")] == "published"
    assert protected.passed


def test_cli_reports_information_loss_with_every_protected_table(tmp_path, capsys):
    src = tmp_path / "t.csv"
    src.write_text(TABLE)
    for command in ("suppress", "round"):
        dst = tmp_path / f"{command}.csv"
        main([command, str(src), *DECL, "-o", str(dst)])
        out = capsys.readouterr().out
        assert "information loss: " in out and " cells " in out
        report = next(tmp_path.glob(f"{command}.csv.*.json"))
        loss = json.loads(report.read_text())["protection"]["information_loss"]
        assert loss["cells"] == 12 and 0 <= loss["value_share"] <= 1
