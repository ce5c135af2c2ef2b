"""Secondary suppression and its independent audit on hierarchical tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fivesafes.sdc.audit import audit
from fivesafes.sdc.bench_tables import hierarchical_table
from fivesafes.sdc.errors import MarginMismatchError, StructureError
from fivesafes.sdc.hierarchy import Hierarchy, HierTable, hierarchy_from_pairs, table_from_frame
from fivesafes.sdc.suppression import Protection, frequency_protection, suppress


def small_table() -> HierTable:
    #        F   M   Total
    # A      3  20   23
    # B     15  25   40
    # C     30  12   42
    # Total 48  57  105
    frame = pd.DataFrame(
        [
            ("A", "F", 3),
            ("A", "M", 20),
            ("A", "Total", 23),
            ("B", "F", 15),
            ("B", "M", 25),
            ("B", "Total", 40),
            ("C", "F", 30),
            ("C", "M", 12),
            ("C", "Total", 42),
            ("Total", "F", 48),
            ("Total", "M", 57),
            ("Total", "Total", 105),
        ],
        columns=["area", "sex", "n"],
    )
    return table_from_frame(frame, ["area", "sex"], "n")


def test_primary_alone_is_recomputable_and_the_audit_says_so():
    t = small_table()
    p = t.flat_index(("A", "F"))
    primary = np.zeros(t.n_cells, bool)
    primary[p] = True
    prot = frequency_protection(t.values, primary, 10, 0.3)
    report = audit(t, primary, prot)
    assert not report.passed
    [cell] = report.failures
    assert cell.cell == {"area": "A", "sex": "F"}
    assert cell.low == pytest.approx(3) and cell.high == pytest.approx(3)


def test_rectangle_gives_the_interval_computed_by_hand():
    t = small_table()
    sup = np.zeros(t.n_cells, bool)
    for lab in [("A", "F"), ("A", "M"), ("B", "F"), ("B", "M")]:
        sup[t.flat_index(lab)] = True
    prot = Protection(np.zeros(t.n_cells), np.zeros(t.n_cells))
    p = t.flat_index(("A", "F"))
    prot.upper[p], prot.lower[p] = 7, 1
    report = audit(t, sup, prot)
    [cell] = report.cells
    # A,F = x; A,M = 23 - x >= 0; B,F = 18 - x >= 0; B,M = 25 - (18 - x)... x in [0, 18]
    assert (cell.low, cell.high) == (pytest.approx(0), pytest.approx(18))
    assert report.passed


def test_suppress_small_table_then_audit_passes():
    t = small_table()
    result = suppress(t, threshold=10)
    assert result.primary[t.flat_index(("A", "F"))]
    assert result.secondary.sum() >= 3
    report = audit(t, result.suppressed, result.protection)
    assert report.passed
    p = t.flat_index(("A", "F"))
    [cell] = [c for c in report.cells if c.cell == {"area": "A", "sex": "F"}]
    # interval reaches the threshold: nobody can tell the cell is below 10
    assert cell.high >= 10 - 1e-6 and cell.low <= t.values[p] - 1 + 1e-6


@pytest.mark.parametrize("dims", [2, 3])
def test_hierarchical_tables_of_1000_cells(dims):
    t = hierarchical_table(1000, dims, seed=3)
    result = suppress(t)
    assert result.primary.sum() > 0
    report = audit(t, result.suppressed, result.protection)
    assert report.passed, report.failures[:3]
    assert len(report.cells) == result.primary.sum()


def test_three_level_hierarchy_from_pairs():
    pairs = [("N", "N1"), ("N", "N2"), ("S", "S1"), ("S", "S2"), ("S", "S3")]
    h = hierarchy_from_pairs("geo", pairs, "Total")
    assert h.children["Total"] == ["N", "S"]
    sex = Hierarchy.flat("sex", ["F", "M", "T"], "T")
    rng = np.random.default_rng(0)
    leaves = {
        (g, s): int(rng.integers(1, 40)) for g in ["N1", "N2", "S1", "S2", "S3"] for s in "FM"
    }
    rows = []
    for g in h.codes:
        for s in ["F", "M", "T"]:
            kids = [x for x in h.subtree(g) if h.is_leaf(x)]
            ss = ["F", "M"] if s == "T" else [s]
            rows.append((g, s, sum(leaves[(k, q)] for k in kids for q in ss)))
    frame = pd.DataFrame(rows, columns=["geo", "sex", "n"])
    t = table_from_frame(frame, ["geo", "sex"], "n", {"geo": h, "sex": sex})
    result = suppress(t)
    assert audit(t, result.suppressed, result.protection).passed


def test_inconsistent_totals_are_refused():
    frame = pd.DataFrame(
        [("A", "x", 3), ("A", "Total", 4), ("Total", "x", 3), ("Total", "Total", 4)],
        columns=["a", "b", "n"],
    )
    frame.loc[1, "n"] = 5
    with pytest.raises(MarginMismatchError):
        table_from_frame(frame, ["a", "b"], "n")


def test_missing_cell_is_refused():
    frame = pd.DataFrame(
        [("A", "x", 3), ("Total", "x", 3), ("Total", "Total", 3)], columns=["a", "b", "n"]
    )
    with pytest.raises(StructureError):
        table_from_frame(frame, ["a", "b"], "n")


@st.composite
def tables(draw):
    dims = draw(st.integers(2, 3))
    layout = [(draw(st.integers(1, 3)), draw(st.integers(1, 4))) for _ in range(dims)]
    seed = draw(st.integers(0, 10_000))
    return hierarchical_table(0, dims, seed=seed, layout=layout)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.integers(3, 30))
def test_property_audit_always_passes_after_suppression(t, threshold):
    result = suppress(t, threshold=threshold)
    report = audit(t, result.suppressed, result.protection)
    assert report.passed, [c.as_dict() for c in report.failures[:2]]
    # every primary is suppressed and no published cell needed protection
    assert np.all(result.suppressed[result.primary])


@st.composite
def small_tables(draw):
    layout = [(draw(st.integers(1, 2)), draw(st.integers(2, 3))) for _ in range(2)]
    return hierarchical_table(0, 2, seed=draw(st.integers(0, 10_000)), layout=layout)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_tables())
def test_property_exact_programme_is_safe_and_never_dearer_than_the_lp_heuristic(t):
    from fivesafes.sdc.config import SuppressionSettings
    from fivesafes.sdc.suppression import _weights
    from fivesafes.sdc.suppression_exact import suppress_exact

    exact = suppress_exact(t, time_limit=30)
    heuristic = suppress(t)
    assert audit(t, exact.suppressed, exact.protection).passed
    w = _weights(t, SuppressionSettings())
    if not exact.notes:  # solved to optimality
        assert w[exact.suppressed].sum() <= w[heuristic.suppressed].sum() + 1e-6
    assert np.array_equal(exact.primary, heuristic.primary)


def test_cli_exact_method(tmp_path):
    from fivesafes.sdc.cli import main

    src = tmp_path / "t.csv"
    rows = [
        "a,b,n",
        "x,p,3",
        "x,q,20",
        "x,Total,23",
        "y,p,15",
        "y,q,25",
        "y,Total,40",
        "z,p,30",
        "z,q,12",
        "z,Total,42",
        "Total,p,48",
        "Total,q,57",
        "Total,Total,105",
    ]
    src.write_text("\n".join(rows) + "\n")
    decl = ["--declare", "a=label", "--declare", "b=label", "--declare", "n=frequency"]
    assert (
        main(["suppress", str(src), *decl, "--method", "exact", "-o", str(tmp_path / "o.csv")]) == 0
    )
    out = pd.read_csv(tmp_path / "o.csv")
    assert out["value"].isna().sum() == 4  # the cheapest rectangle


def test_an_audit_programme_the_solver_cannot_finish_fails_closed(monkeypatch):
    """A solver failure must not crash the audit nor let the table pass."""
    import fivesafes.sdc.audit as audit_module

    t = small_table()
    result = suppress(t, threshold=10)

    def broken(*args, **kwargs):
        raise RuntimeError("audit LP failed: Time limit reached")

    monkeypatch.setattr(audit_module, "_intervals", broken)
    report = audit(t, result.suppressed, result.protection)
    assert not report.passed
    assert report.errors and "Time limit reached" in report.errors[0]
    assert report.as_dict()["errors"] == report.errors


@pytest.mark.parametrize("method", ["lp", "exact"])
def test_a_structural_zero_is_never_a_complementary_suppression(method):
    """prostate,F is 0 by nature and everyone knows it: hiding it protects nothing. Without
    that knowledge the cheapest rectangle for flu,M runs through it (cost 1)."""
    from fivesafes.sdc.config import SuppressionSettings

    frame = pd.DataFrame(
        [
            ("prostate", "F", 0), ("prostate", "M", 25), ("prostate", "Total", 25),
            ("flu", "F", 30), ("flu", "M", 4), ("flu", "Total", 34),
            ("cold", "F", 40), ("cold", "M", 35), ("cold", "Total", 75),
            ("Total", "F", 70), ("Total", "M", 64), ("Total", "Total", 134),
        ],
        columns=["dx", "sex", "n"],
    )  # fmt: skip
    t = table_from_frame(frame, ["dx", "sex"], "n")
    zero = t.flat_index(("prostate", "F"))
    primary = np.zeros(t.n_cells, bool)
    primary[t.flat_index(("flu", "M"))] = True
    settings = SuppressionSettings(method=method)
    if method == "lp":  # (the exact optimum happens to avoid it on its own)
        naive = suppress(t, primary, settings=settings)
        assert naive.secondary[zero]  # the cheap, useless complement
    known = np.zeros(t.n_cells, bool)
    known[zero] = True
    result = suppress(t, primary, settings=settings, known=known)
    assert not result.suppressed[zero]
    assert result.secondary[t.flat_index(("cold", "F"))]
    assert audit(t, result.suppressed, result.protection).passed  # the zero counts as known
