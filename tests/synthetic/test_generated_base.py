"""What a user of the synthetic register base checks: it verifies, it is consistent, it looks real."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from fivesafes.metadata import load_registers, register_data_dir, verify_register
from fivesafes.synthetic.generate import RunResult, generate
from fivesafes.synthetic.pnr import decode
from fivesafes.synthetic.registers import all_metadata
from tests.synthetic.conftest import PERSONS


def q(db: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    return db.execute(sql).fetchall()


def test_every_register_passes_verification_against_its_metadata_file(base: RunResult) -> None:
    registers = load_registers([base.out / "metadata"])
    assert {r.short_name for r in registers} == set(all_metadata())
    for register in registers:
        report = verify_register(register, register_data_dir(base.out, register))
        assert report.ok, report.to_text()
        assert report.rows == base.rows[register.short_name] > 0


def test_temporal_registers_are_partitioned_by_year_and_fixed_ones_are_not(base: RunResult) -> None:
    folders = sorted(p.name for p in (base.out / "RESIDENCE" / "1.0.0").iterdir())
    assert folders == [f"year={y}" for y in range(1980, 2026)]
    assert (
        sorted(p.name for p in (base.out / "PRESCRIPTIONS" / "1.0.0").iterdir())[0] == "year=1995"
    )
    assert [p.name for p in (base.out / "POPULATION" / "1.0.0").iterdir()] == ["data.parquet"]
    meta = pq.ParquetFile(base.out / "POPULATION" / "1.0.0" / "data.parquet").metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"
    assert meta.num_row_groups == 3  # one row group per chunk of persons


def test_person_numbers_are_unique_and_encode_birth_date_and_sex(
    db: duckdb.DuckDBPyConnection,
) -> None:
    people = q(db, "SELECT pnr, birth_date, sex FROM population")
    assert len(people) == PERSONS == len({p for p, _b, _s in people})
    for pnr, birth, sex in people:
        assert decode(pnr) == (birth, "M" if sex == "1" else "F")


def test_no_child_is_born_before_its_mother_is_12_or_after_she_died(
    db: duckdb.DuckDBPyConnection,
) -> None:
    links = q(
        db,
        """SELECT c.birth_date, m.birth_date, m.death_date, m.sex
                     FROM parents k JOIN population c ON c.pnr = k.pnr JOIN population m ON m.pnr = k.mother_pnr""",
    )
    assert len(links) > PERSONS // 4
    for child_birth, mother_birth, mother_death, mother_sex in links:
        assert mother_sex == "2"
        assert child_birth >= dt.date(
            mother_birth.year + 12, mother_birth.month, min(mother_birth.day, 28)
        )
        assert mother_death is None or child_birth <= mother_death
    ages = [(c - m).days / 365.25 for c, m, _d, _s in links]
    assert 26 < sum(ages) / len(ages) < 32


def test_fathers_are_men_alive_at_conception(db: duckdb.DuckDBPyConnection) -> None:
    bad = q(
        db,
        """SELECT count(*) FROM parents k JOIN population c ON c.pnr = k.pnr JOIN population f ON f.pnr = k.father_pnr
                   WHERE f.sex <> '1' OR (f.death_date IS NOT NULL AND f.death_date < c.birth_date - INTERVAL 280 DAY)""",
    )
    assert bad == [(0,)]


def test_nobody_lives_here_after_death_or_before_birth(db: duckdb.DuckDBPyConnection) -> None:
    bad = q(
        db,
        """SELECT count(*) FROM residence r JOIN population p USING (pnr)
                   WHERE r.ref_date < p.birth_date OR r.ref_date >= p.death_date OR r.ref_date >= p.emigration_date""",
    )
    assert bad == [(0,)]


def test_small_children_live_with_their_mother(db: duckdb.DuckDBPyConnection) -> None:
    [(together, apart)] = q(
        db,
        """
        SELECT count(*) FILTER (WHERE rc.address_id = rm.address_id AND rc.family_id = rm.family_id),
               count(*) FILTER (WHERE rc.address_id <> rm.address_id)
        FROM parents k JOIN population c ON c.pnr = k.pnr
        JOIN residence rc ON rc.pnr = k.pnr JOIN residence rm ON rm.pnr = k.mother_pnr AND rm.ref_date = rc.ref_date
        WHERE rc.ref_date < c.birth_date + INTERVAL 18 YEAR - INTERVAL 2 DAY  -- the generator's age is days / 365.2425""",
    )
    assert together > 1000 and apart == 0


def test_the_age_pyramid_and_mortality_are_plausible(db: duckdb.DuckDBPyConnection) -> None:
    [(residents, old, deaths_old, deaths_young)] = q(
        db,
        """
        SELECT count(*), count(*) FILTER (WHERE date_diff('year', p.birth_date, r.ref_date) >= 80),
               (SELECT count(*) FROM population WHERE date_diff('year', birth_date, death_date) >= 70),
               (SELECT count(*) FROM population WHERE date_diff('year', birth_date, death_date) BETWEEN 1 AND 40)
        FROM residence r JOIN population p USING (pnr) WHERE r.ref_date = DATE '2025-01-01'""",
    )
    assert 0.5 * PERSONS < residents < 0.9 * PERSONS
    assert 0.02 < old / residents < 0.12
    assert deaths_old > 10 * deaths_young


def test_income_has_zeros_and_a_long_tail(db: duckdb.DuckDBPyConnection) -> None:
    [(rows, zero_wage, median, p99, top)] = q(
        db,
        """
        SELECT count(*), count(*) FILTER (WHERE wage_income = 0),
               median(wage_income) FILTER (WHERE wage_income > 0), quantile_cont(wage_income, 0.99),
               max(capital_income)
        FROM income WHERE period_start = DATE '2020-01-01'""",
    )
    assert 0.15 < zero_wage / rows < 0.6
    assert p99 > 2.5 * median
    assert top > 10 * median
    assert 250_000 < median < 600_000


def test_income_rises_with_education(db: duckdb.DuckDBPyConnection) -> None:
    by_level = dict(
        q(
            db,
            """
        SELECT e.isced, median(i.wage_income) FROM income i JOIN education e ON e.pnr = i.pnr
          AND e.ref_date = DATE '2020-10-01' JOIN population p ON p.pnr = i.pnr
        WHERE i.period_start = DATE '2020-01-01' AND i.wage_income > 0
          AND date_diff('year', p.birth_date, DATE '2020-12-31') BETWEEN 35 AND 55 GROUP BY e.isced""",
        )
    )
    assert by_level["74"] > by_level["35"] > by_level["20"]


def test_rare_drugs_and_diagnoses_occur_in_small_numbers(db: duckdb.DuckDBPyConnection) -> None:
    for table, column in (
        ("prescriptions", "atc"),
        ("hospital", "diagnosis"),
        ("causes_of_death", "cause"),
    ):
        counts = [n for (n,) in q(db, f"SELECT count(*) FROM {table} GROUP BY {column}")]  # noqa: S608
        assert sum(1 for n in counts if n < 5) >= 3, table
        assert max(counts) > 50 * min(counts), table


def test_prescriptions_are_tens_per_person(db: duckdb.DuckDBPyConnection) -> None:
    [(per_person,)] = q(db, "SELECT count(*) / count(DISTINCT pnr) FROM prescriptions")
    assert 10 < per_person < 60


def test_business_employees_match_the_job_spells(db: duckdb.DuckDBPyConnection) -> None:
    diff = q(
        db,
        """
        WITH spells AS (SELECT enterprise_no, year(b.ref_date) AS y, count(*) AS n FROM employment e
                        JOIN business b USING (enterprise_no)
                        WHERE e.start_date <= b.ref_date AND (e.stop_date IS NULL OR e.stop_date >= b.ref_date)
                        GROUP BY ALL)
        SELECT count(*), count(*) FILTER (WHERE coalesce(s.n, 0) <> b.employees), max(b.employees)
        FROM business b LEFT JOIN spells s ON s.enterprise_no = b.enterprise_no AND s.y = year(b.ref_date)""",
    )
    [(rows, mismatches, biggest)] = diff
    assert rows > 0 and mismatches == 0 and biggest > 20


def test_each_industry_has_dominant_enterprises(db: duckdb.DuckDBPyConnection) -> None:
    shares = q(
        db,
        """SELECT industry, max(turnover) / sum(turnover) FROM business WHERE year(ref_date) = 2024
                      GROUP BY industry HAVING count(*) >= 10""",
    )
    assert shares and sum(1 for _i, s in shares if s > 0.3) >= len(shares) // 3


def test_municipality_codes_follow_the_2007_reform(db: duckdb.DuckDBPyConnection) -> None:
    before = {
        m
        for (m,) in q(
            db, "SELECT DISTINCT municipality FROM residence WHERE ref_date = DATE '2006-01-01'"
        )
    }
    after = {
        m
        for (m,) in q(
            db, "SELECT DISTINCT municipality FROM residence WHERE ref_date = DATE '2007-01-01'"
        )
    }
    assert before - after and after - before and before & after


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(
    tmp_path: Path, base: RunResult
) -> None:
    again = generate(tmp_path / "again", 2_500, 7, chunk_size=1_000)
    same = generate(tmp_path / "same", 2_500, 7, chunk_size=1_000)
    other = generate(tmp_path / "other", 2_500, 8, chunk_size=1_000)
    for name in (
        "POPULATION",
        "RESIDENCE/1.0.0/year=1999",
        "PRESCRIPTIONS/1.0.0/year=2010",
        "BUSINESS/1.0.0/year=2020",
    ):
        sub = name if "/" in name else f"{name}/1.0.0"
        first = pq.read_table(again.out / sub)
        assert first.equals(pq.read_table(same.out / sub)), name
        assert not first.equals(pq.read_table(other.out / sub)), name
    assert again.rows == same.rows != other.rows


def test_a_broken_copy_of_a_generated_file_is_reported(base: RunResult, tmp_path: Path) -> None:
    """Overlapping hospital contacts and an unknown diagnosis, written into a copy of the register."""
    import shutil

    import pyarrow as pa

    from fivesafes.synthetic.registers import hospital

    copy = tmp_path / "HOSPITAL" / "1.0.0"
    shutil.copytree(base.out / "HOSPITAL" / "1.0.0", copy)
    target = copy / "year=2010" / "data.parquet"
    table = pq.read_table(target)
    first = table.slice(0, 3).to_pylist()
    clash = dict(first[0])  # the same contact twice
    odd = [dict(r, diagnosis="DX999") for r in first[1:]]
    extra = pa.Table.from_pylist([clash, *odd], schema=table.schema.remove_metadata())
    pq.write_table(pa.concat_tables([table, extra.cast(table.schema)]), target)
    report = verify_register(hospital.METADATA, copy)
    found = {v.check: v for v in report.violations}
    assert set(found) == {"overlap", "code_list"}
    assert found["overlap"].count == 3  # the duplicated contact, and both copies of the other two
    assert found["code_list"].count == 2 and found["code_list"].examples == ["'DX999': 2 row(s)"]
    assert f"contact_id={first[0]['contact_id']!r}" in found["overlap"].examples[0]
