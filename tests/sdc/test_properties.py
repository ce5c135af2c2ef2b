"""Properties of the primary rules against independent pandas/numpy computations, and the
package's independence from Django."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from fivesafes.sdc import crosstab, hist, pivot_table, survival_table
from fivesafes.sdc.record import validate_record


@st.composite
def frames(draw):
    n = draw(st.integers(1, 300))
    seed = draw(st.integers(0, 10**6))
    rng = np.random.default_rng(seed)
    k_a = draw(st.integers(1, 5))
    k_b = draw(st.integers(1, 4))
    p_a = rng.dirichlet(np.full(k_a, 0.5))
    df = pd.DataFrame(
        {
            "a": rng.choice([f"a{i}" for i in range(k_a)], n, p=p_a),
            "b": rng.choice([f"b{i}" for i in range(k_b)], n),
            "v": rng.pareto(1.0, n) * 100,
        }
    )
    return df


@settings(max_examples=40, deadline=None)
@given(frames(), st.integers(2, 15))
def test_frequency_findings_are_exactly_the_small_cells(df, t):
    from fivesafes.sdc.config import DEFAULT_RULES

    rules = DEFAULT_RULES.with_overrides({"frequency": {"threshold": t}})
    out = crosstab(df["a"], df["b"], margins=True, rules=rules)
    counts = pd.crosstab(df["a"], df["b"], margins=True)
    expected = {(r, c) for r in counts.index for c in counts.columns if 0 < counts.loc[r, c] < t}
    found = {(f.cell["a"], f.cell["b"]) for f in out.finding_list if f.rule == "frequency"}
    assert found == expected
    assert (
        out.table.loc[counts.index, counts.columns].to_numpy().tolist()
        == counts.to_numpy().tolist()
    )


@settings(max_examples=40, deadline=None)
@given(frames())
def test_dominance_findings_match_a_direct_computation(df):
    out = pivot_table(df, values="v", index="a", columns="b", aggfunc="sum")
    nk, pp = set(), set()
    for (a, b), g in df.groupby(["a", "b"]):
        x = np.sort(g["v"].to_numpy())[::-1]
        total = x.sum()
        if total <= 0:
            continue
        if x[:2].sum() >= 0.9 * total:
            nk.add((a, b))
        if total - x[:2].sum() < 0.1 * x[0]:
            pp.add((a, b))
    got_nk = {(f.cell["a"], f.cell["b"]) for f in out.finding_list if f.rule == "dominance_nk"}
    got_p = {(f.cell["a"], f.cell["b"]) for f in out.finding_list if f.rule == "dominance_p"}
    assert got_nk == nk
    assert got_p == pp


def test_verdict_passes_only_without_fail_or_review(tmp_path):
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"a": rng.choice(["x", "y"], 1000), "b": rng.choice(["p", "q"], 1000)})
    out = crosstab(df["a"], df["b"])
    assert out.status == "pass" and not [f for f in out.finding_list if f.severity != "info"]


def test_records_of_histograms_and_survival_tables_follow_the_schema():
    rng = np.random.default_rng(2)
    df = pd.DataFrame(
        {
            "t": rng.exponential(3, 500).round(),
            "e": rng.integers(0, 2, 500),
            "v": rng.normal(size=500),
        }
    )
    validate_record(hist(df, "v").record())
    validate_record(survival_table(df, "t", "e").record())


def test_no_django_anywhere_in_the_package():
    code = (
        "import sys, pkgutil, importlib, fivesafes.sdc as s\n"
        "for m in pkgutil.walk_packages(s.__path__, 'fivesafes.sdc.'):\n"
        "    importlib.import_module(m.name)\n"
        "print('django' in sys.modules)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "False"


def test_a_two_gigabyte_csv_is_refused_before_reading(tmp_path):
    from fivesafes.sdc.cli import main

    big = tmp_path / "huge.csv"
    with open(big, "wb") as fh:
        fh.write(b"region,sex,n\n")
        fh.truncate(2 * 1024**3)  # sparse: nothing is written to disk
    assert (
        main(
            [
                "check",
                str(big),
                "--declare",
                "region=label",
                "--declare",
                "sex=label",
                "--declare",
                "n=frequency",
            ]
        )
        == 3
    )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 60), min_size=2, max_size=4), min_size=2, max_size=5).filter(
        lambda rows: len({len(r) for r in rows}) == 1 and any(any(r) for r in rows)
    ),
    st.sampled_from(["I alt", "Totalt", "Sum"]),
)
def test_a_total_is_either_declared_or_reported_never_read_as_a_category(rows, name):
    """Whatever the counts, a row-total column under a name the check does not know as a
    total makes the verdict review or fail (never pass) with an undeclared_total finding;
    declared, it is read as the total and not reported."""
    import tempfile
    from pathlib import Path

    from fivesafes.sdc.plain import Declaration, check_plain_table

    cats = [f"c{i}" for i in range(len(rows[0]))]
    lines = [",".join(["region", *cats, name])]
    lines += [",".join([f"r{i}", *map(str, r), str(sum(r))]) for i, r in enumerate(rows)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_text("\n".join(lines) + "\n")
        roles = {"region": "label", **{c: "frequency" for c in [*cats, name]}}
        decl = Declaration(roles, layout="wide", cells="frequency", column_variable="sex")
        out = check_plain_table(path, decl)
        rules = {f.rule for f in out.finding_list}
        assert "undeclared_total" in rules and out.status != "pass"
        declared = Declaration(
            roles,
            layout="wide",
            cells="frequency",
            column_variable="sex",
            total_labels=(name,),
            totals_declared=True,
        )
        out = check_plain_table(path, declared)
        reported = [f.values["label"] for f in out.finding_list if f.rule == "undeclared_total"]
        assert name not in reported  # (a category may still equal the others by chance)
