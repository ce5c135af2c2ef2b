"""Large tables are protected sub-table by sub-table (as HiTaS does), the audit runs on the whole.

A primary cell's programme is first set up on its own block (the cells under its parents'
codes); only when that block cannot protect it is it widened. Whatever blocks were used, the
independent audit of the whole table must find every primary protected.
"""

from __future__ import annotations

import numpy as np

from fivesafes.sdc.audit import audit
from fivesafes.sdc.bench_tables import hierarchical_table, table_with_totals, two_level
from fivesafes.sdc.hierarchy import Hierarchy
from fivesafes.sdc.suppression import suppress


def test_a_large_table_is_protected_on_sub_tables_and_audited_whole():
    table = hierarchical_table(2500, 2, seed=17, layout=[(6, 8), (5, 8)])
    result = suppress(table)
    assert result.primary.sum() > 20
    # every programme was solved on a sub-table far smaller than the table
    assert 0 < result.largest_block <= table.n_cells // 10
    report = audit(table, result.suppressed, result.protection)
    assert report.passed, report.failures[:3]
    assert len(report.cells) == int(result.primary.sum())


def test_a_block_too_small_to_protect_its_primary_is_widened():
    # geography: Total -> G0 -> {G0.0, G0.1}, Total -> G1 -> {G1.0, G1.1}; sex: Total -> F, M.
    # (G0.0, F) = 3 needs its interval to reach 10, but the other cells of G0 are tiny, so
    # inside G0's block (G0's total held fixed by the cells outside it) nothing can absorb
    # the deviation: only the whole table, through the large G1 cells, can.
    geo = two_level("g", 2, 2)
    sex = Hierarchy("sex", {"Total": None, "F": "Total", "M": "Total"})
    leaves = np.asarray([[3.0, 1.0], [1.0, 1.0], [50.0, 60.0], [70.0, 80.0]])
    table = table_with_totals([geo, sex], leaves)
    primary = np.zeros(table.n_cells, bool)
    primary[table.flat_index(("g0.0", "F"))] = True
    result = suppress(table, primary)
    assert result.blocks_widened >= 1
    assert result.largest_block == table.n_cells
    report = audit(table, result.suppressed, result.protection)
    assert report.passed, report.failures
    [cell] = report.cells
    assert cell.low <= 3 - 1 + 1e-6 and cell.high >= 10 - 1e-6
    # the protection reaches outside G0's own block
    block = {table.flat_index((g, s)) for g in ("g0", "g0.0", "g0.1") for s in sex.codes}
    outside = [i for i in np.flatnonzero(result.secondary) if i not in block]
    assert outside, "only cells of the home block were suppressed"
