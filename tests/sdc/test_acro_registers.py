# ruff: noqa: S608  (SQL over the test's own temporary Parquet paths)
"""The ACRO comparison on tables built from the project's synthetic registers
(`fivesafes.synthetic`): population, residence, income and business registers."""

from __future__ import annotations

import duckdb
import pytest

from fivesafes.sdc.acro_compare import Case, _acro_instance, compare_case

pytestmark = pytest.mark.slow

YEAR = 2022


@pytest.fixture(scope="module")
def registers(tmp_path_factory):
    from fivesafes.synthetic.generate import generate

    out = tmp_path_factory.mktemp("registers")
    generate(out, 20_000, 5)
    return out


def _read(folder, name):
    return f"read_parquet('{folder}/{name}/*/year={YEAR}/data.parquet')"


@pytest.fixture(scope="module")
def persons(registers):
    con = duckdb.connect()
    sql = f"""
        SELECT r.municipality, p.sex, p.origin,
               CASE WHEN date_diff('year', p.birth_date, DATE '{YEAR}-01-01') < 30 THEN 'under 30'
                    WHEN date_diff('year', p.birth_date, DATE '{YEAR}-01-01') < 60 THEN '30-59'
                    ELSE '60+' END AS age_band,
               i.wage_income
        FROM {_read(registers, "RESIDENCE")} r
        JOIN read_parquet('{registers}/POPULATION/*/data.parquet') p USING (pnr)
        JOIN {_read(registers, "INCOME")} i USING (pnr)
        WHERE i.wage_income >= 0
    """
    frame = con.execute(sql).df()
    for c in ("municipality", "sex", "origin", "age_band"):
        frame[c] = frame[c].astype(str)
    return frame


@pytest.fixture(scope="module")
def business(registers):
    con = duckdb.connect()
    frame = con.execute(
        f"SELECT industry, municipality, turnover FROM {_read(registers, 'BUSINESS')} "
        "WHERE turnover >= 0"
    ).df()
    for c in ("industry", "municipality"):
        frame[c] = frame[c].astype(str)
    return frame


@pytest.fixture(scope="module")
def acro():
    return _acro_instance()


PERSON_CASES = [
    Case("persons municipality x sex", "crosstab", ["municipality"], ["sex"]),
    Case(
        "persons municipality x age band + margins",
        "crosstab",
        ["municipality"],
        ["age_band"],
        margins=True,
    ),
    Case(
        "mean wage origin x age band", "crosstab", ["origin"], ["age_band"], "wage_income", "mean"
    ),
    Case(
        "sum wage municipality x sex (pivot)",
        "pivot_table",
        ["municipality"],
        ["sex"],
        "wage_income",
        "sum",
    ),
]


@pytest.mark.parametrize("case", PERSON_CASES, ids=lambda c: c.name)
def test_register_tables_agree_with_acro(acro, persons, case):
    assert len(persons) > 1000
    result = compare_case(acro, persons, case)
    assert result.disagreements == []


def test_business_turnover_dominance_agrees_with_acro(acro, business):
    case = Case(
        "sum turnover industry x municipality",
        "pivot_table",
        ["industry"],
        ["municipality"],
        "turnover",
        "sum",
    )
    result = compare_case(acro, business, case)
    assert result.disagreements == []
    assert result.acro_failing > 0
