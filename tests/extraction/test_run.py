"""Running plans on DuckDB: the delivered files, coarsening, the sample, pseudonyms, the atomic
write, the codebook and manifest, copies, external data and the refusals found while running."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pyreadstat
import pytest

from fivesafes.extraction import (
    Catalogue,
    ExtractionError,
    Plan,
    PlanError,
    Progress,
    compile_plan,
    remove_partials,
    run_plan,
    verify_manifest,
)
from fivesafes.extraction.output import sha256
from fivesafes.linkage.tables import ExternalTable
from fivesafes.pseudonymisation import Pseudonymiser

from .conftest import BORN, RESIDENT_2015, FixedKeys, make_request


def _run(plan: Plan, registers: Path, out: Path, keys: FixedKeys, **kw: Any) -> Any:
    return run_plan(plan, registers_dir=registers, output_dir=out, keys=keys, **kw)


def _raw_population(registers: Path) -> pa.Table:
    import duckdb

    pop = registers / "POPULATION/1.0.0/data.parquet"
    res = registers / "RESIDENCE/1.0.0/year=2015/data.parquet"
    return duckdb.sql(
        f"SELECT pnr FROM '{pop}' WHERE birth_date BETWEEN DATE '1950-01-01' AND DATE '1995-12-31' "  # noqa: S608
        f"AND pnr IN (SELECT pnr FROM '{res}' WHERE ref_date = DATE '2015-01-01')"
    ).to_arrow_table()


def test_a_delivery_holds_the_population_pseudonymised_and_ordered(
    catalogue: Catalogue, registers: Path, out: Path, keys: FixedKeys
) -> None:
    plan = compile_plan(
        make_request(
            [
                ("POPULATION.sex", 1980, 2025),
                ("INCOME.wage_income", 2014, 2016),
                ("PRESCRIPTIONS.atc", 2010, 2015),
            ]
        ),
        catalogue,
    )
    stages: list[Progress] = []
    result = _run(plan, registers, out, keys, progress=stages.append)
    raw = _raw_population(registers).column("pnr").to_pylist()
    assert result.population_size == len(raw) > 100
    population = pq.read_table(out / "POPULATION.parquet")
    expected = Pseudonymiser(keys.derive(plan.request.project, "person")).apply(
        np.array([int(p) for p in raw], dtype=np.int64)
    )
    assert sorted(population.column("pnr").to_pylist()) == sorted(expected.tolist())
    assert population.column("pnr").to_pylist() == sorted(expected.tolist())  # by pseudonym
    income = pq.read_table(out / "INCOME.parquet")
    keys_order = list(
        zip(
            income.column("pnr").to_pylist(), income.column("period_start").to_pylist(), strict=True
        )
    )
    assert keys_order == sorted(keys_order)
    assert set(pc.year(income.column("period_start")).to_pylist()) == {2014, 2015, 2016}
    assert set(income.column("pnr").to_pylist()) <= set(expected.tolist())
    prescriptions = pq.read_table(out / "PRESCRIPTIONS.parquet")
    assert prescriptions.schema.field("prescription_id").type == pa.int64()
    assert set(pc.year(prescriptions.column("dispensing_date")).to_pylist()) <= set(
        range(2010, 2016)
    )
    assert {p.stage for p in stages} >= {
        "plan",
        "population",
        "tables",
        "codebook",
        "manifest",
        "done",
    }
    assert {f.name for f in result.files} == {
        "POPULATION.parquet",
        "INCOME.parquet",
        "PRESCRIPTIONS.parquet",
        "codebook.json",
        "codebook.html",
    }
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".partial-")]


def test_no_raw_identifier_and_no_direct_identifier_reaches_the_output(
    catalogue: Catalogue, registers: Path, out: Path, keys: FixedKeys
) -> None:
    """A request tries: the person number itself, the mother's, address and household links,
    CSV copies; every value that was a raw identifier is absent from every file."""
    plan = compile_plan(
        make_request(
            [
                ("POPULATION.pnr", 1980, 2025),
                ("PARENTS.mother_pnr", 1980, 2025),
                ("RESIDENCE.address_id", 2015, 2015),
                ("RESIDENCE.household_id", 2015, 2015),
            ],
            formats=("parquet", "csv"),
        ),
        catalogue,
    )
    _run(plan, registers, out, keys)
    raw_pnrs = set(
        pq.read_table(registers / "POPULATION/1.0.0/data.parquet").column("pnr").to_pylist()
    )
    for name in ("POPULATION", "PARENTS", "RESIDENCE"):
        table = pq.read_table(out / f"{name}.parquet")
        for column in table.column_names:
            values = {str(v) for v in table.column(column).to_pylist() if v is not None}
            values |= {v.zfill(10) for v in values}
            assert not values & raw_pnrs, (name, column)
        text = (out / f"{name}.csv").read_text()
        assert not any(p in text for p in list(raw_pnrs)[:2000])
    residence = pq.read_table(out / "RESIDENCE.parquet")
    raw_addresses = set(
        pq.read_table(registers / "RESIDENCE/1.0.0/year=2015/data.parquet")
        .column("address_id")
        .to_pylist()
    )
    assert residence.schema.field("address_id").type == pa.int64()
    overlap = set(residence.column("address_id").to_pylist()) & raw_addresses
    assert len(overlap) <= 1  # a 62-bit pseudonym equal to a small raw id: practically never
    # a directly identifying name is refused when asked for ...
    with pytest.raises(PlanError) as caught:
        compile_plan(make_request([("NAMES.full_name", 1980, 2025)]), catalogue)
    assert caught.value.field == "variables:NAMES.full_name"
    # ... and when a stored plan is edited to smuggle it in
    names = compile_plan(make_request([("NAMES.pnr", 1980, 2025)]), catalogue)
    data = names.as_dict()
    column = dict(data["tables"][0]["columns"][0])
    column.update(
        {"name": "full_name", "variable": "full_name", "kind": "value", "pseudonym_kind": ""}
    )
    data["tables"][0]["columns"].append(column)
    forged = Plan.from_dict(data)
    other = out.parent / "2"
    with pytest.raises(ExtractionError) as caught:
        _run(forged, registers, other, keys)
    assert caught.value.field == "variables:NAMES.full_name"
    assert not other.exists()
    # ... and an identifier marked as a plain value is refused too
    data = names.as_dict()
    data["tables"][0]["columns"][0]["kind"] = "value"
    with pytest.raises(ExtractionError):
        _run(Plan.from_dict(data), registers, other, keys)
    assert not other.exists()


def test_each_coarsening_in_the_output(
    catalogue: Catalogue, registers: Path, out: Path, keys: FixedKeys
) -> None:
    plan = compile_plan(
        make_request(
            [
                ("POPULATION.birth_date", 1980, 2025, "year"),
                ("POPULATION.death_date", 1980, 2025, "groups"),
                ("RESIDENCE.address_id", 2015, 2016, "municipality"),
                ("INCOME.wage_income", 2014, 2016, "groups"),
                ("PRESCRIPTIONS.dispensing_date", 2014, 2015, "month"),
                ("PRESCRIPTIONS.atc", 2014, 2015, "groups"),
            ]
        ),
        catalogue,
    )
    result = _run(plan, registers, out, keys)
    pop = pq.read_table(out / "POPULATION.parquet")
    assert pop.schema.field("birth_date").type == pa.int32()
    assert set(pop.column("birth_date").to_pylist()) <= set(range(1950, 1996))
    assert pop.schema.field("death_date").type == pa.int32()
    res = pq.read_table(out / "RESIDENCE.parquet")
    assert res.column_names == ["pnr", "ref_date", "municipality"]
    codes = {
        c.code
        for c in catalogue.register("RESIDENCE")
        .register.variable("municipality")
        .value_domain.code_list.codes
    }  # type: ignore[union-attr]
    assert set(res.column("municipality").to_pylist()) <= codes
    income = pq.read_table(out / "INCOME.parquet").column("wage_income").to_numpy()
    book = {f["register"]: f for f in result.codebook["files"]}
    treatment = next(v for v in book["INCOME"]["variables"] if v["name"] == "wage_income")[
        "treatment"
    ]
    step = int(re.search(r"multiples of ([0-9,]+)", treatment)[1].replace(",", ""))  # type: ignore[index]
    assert "top code" in treatment and step >= 1_000
    raw = (
        pq.read_table(
            [registers / f"INCOME/1.0.0/year={y}/data.parquet" for y in (2014, 2015, 2016)][0]
        )
        .column("wage_income")
        .to_numpy()
    )
    assert income.max() < raw.max()
    assert np.all(np.mod(income, step) == 0)
    rx = pq.read_table(out / "PRESCRIPTIONS.parquet")
    assert all(d.day == 1 for d in rx.column("dispensing_date").to_pylist())
    atc = set(rx.column("atc").to_pylist())
    assert atc and all(len(code) == 5 for code in atc)  # ATC level 4 of 5: five characters


def test_the_sample_is_reproducible_for_the_project_and_other_for_another(
    catalogue: Catalogue, registers: Path, tmp_path: Path, keys: FixedKeys
) -> None:
    variables = [("POPULATION.sex", 1980, 2025)]

    def pnrs(project: str, folder: str, delivery: int = 1) -> list[int]:
        plan = compile_plan(
            make_request(variables, sample_size=150, project=project, delivery=delivery), catalogue
        )
        _run(plan, registers, tmp_path / folder, keys)
        return list(
            pq.read_table(tmp_path / folder / "POPULATION.parquet").column("pnr").to_pylist()
        )

    first, again = pnrs("P-2026-007", "a"), pnrs("P-2026-007", "b", delivery=2)
    assert len(first) == 150 and first == again
    other = pnrs("P-2026-099", "c")
    assert len(other) == 150 and not set(other) & set(first)
    # the same persons: reversing the pseudonyms of both projects gives the persons drawn
    back = Pseudonymiser(keys.derive("P-2026-007", "person")).reverse(
        np.array(first, dtype=np.int64)
    )
    sample_key = Pseudonymiser(keys.derive("P-2026-007", "person", "sample"))
    population = np.array([int(p) for p in _raw_population(registers).column("pnr").to_pylist()])
    smallest = population[np.argsort(sample_key.apply(population))[:150]]
    assert sorted(back.tolist()) == sorted(smallest.tolist())


def test_an_error_mid_run_leaves_nothing_at_the_output_folder(
    catalogue: Catalogue, registers: Path, out: Path, keys: FixedKeys
) -> None:
    plan = compile_plan(
        make_request([("POPULATION.sex", 1980, 2025), ("INCOME.wage_income", 2014, 2016)]),
        catalogue,
    )

    def explode(p: Progress) -> None:
        if p.stage == "tables" and p.done == 1:
            assert any(out.parent.glob(".partial-*/POPULATION.parquet"))  # half written
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        _run(plan, registers, out, keys, progress=explode)
    assert not out.exists()
    assert not list(out.parent.iterdir())
    # a leftover of a killed run (kill -9 leaves the partial folder) is removed, then it runs
    (out.parent / ".partial-1-deadbeef").mkdir()
    (out.parent / ".partial-1-deadbeef" / "POPULATION.parquet").write_bytes(b"half")
    assert [p.name for p in remove_partials(out.parent)] == [".partial-1-deadbeef"]
    _run(plan, registers, out, keys)
    assert verify_manifest(out) == []


def test_refusals_found_while_running_write_nothing(
    catalogue: Catalogue, registers: Path, out: Path, keys: FixedKeys
) -> None:
    nobody = {
        "variable": "POPULATION.birth_date",
        "operator": "between",
        "values": ["1800-01-01", "1801-01-01"],
    }
    plan = compile_plan(make_request([("POPULATION.sex", 1980, 2025)], [nobody]), catalogue)
    with pytest.raises(ExtractionError) as caught:
        _run(plan, registers, out, keys)
    assert caught.value.field == "population" and "matches nobody" in caught.value.message
    plan = compile_plan(
        make_request([("POPULATION.sex", 1980, 2025)], sample_size=10**6), catalogue
    )
    with pytest.raises(ExtractionError) as caught:
        _run(plan, registers, out, keys)
    assert (
        caught.value.field == "sample_size" and "larger than the population" in caught.value.message
    )
    assert not out.exists() and not list(out.parent.iterdir())
    out.mkdir()
    (out / "keep.txt").write_text("an earlier delivery")
    plan = compile_plan(make_request([("POPULATION.sex", 1980, 2025)]), catalogue)
    with pytest.raises(ExtractionError) as caught:
        _run(plan, registers, out, keys)
    assert caught.value.field == "output_dir"
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert [p.name for p in out.parent.iterdir()] == ["1"]


def test_codebook_and_manifest(
    catalogue: Catalogue, registers: Path, out: Path, keys: FixedKeys
) -> None:
    plan = compile_plan(
        make_request(
            [("POPULATION.sex", 1980, 2025), ("INCOME.wage_income", 2014, 2016, "groups")],
            sample_size=300,
        ),
        catalogue,
    )
    result = _run(plan, registers, out, keys)
    manifest = json.loads((out / "manifest.json").read_text())
    names = {f["name"] for f in manifest["files"]}
    assert names == {"POPULATION.parquet", "INCOME.parquet", "codebook.json", "codebook.html"}
    for f in manifest["files"]:
        assert (
            sha256(out / f["name"]) == f["sha256"]
            and (out / f["name"]).stat().st_size == f["bytes"]
        )
    assert verify_manifest(out) == []
    book = json.loads((out / "codebook.json").read_text())
    assert book == result.codebook
    income = next(f for f in book["files"] if f["register"] == "INCOME")
    assert set(income["coverage"]) == {"2014", "2015", "2016"}
    assert sum(income["coverage"].values()) == income["rows"]
    sex = next(v for v in book["files"][0]["variables"] if v["name"] == "sex")
    assert {c["code"] for c in sex["codes"]} == {"1", "2"} and sex["codes"][0]["valid_from"]
    assert "300" in book["sample"]["how"] and book["sample"]["delivered"] == 300
    assert book["population"]["size"] > 300
    html = (out / "codebook.html").read_text()
    assert "<h2>INCOME.parquet</h2>" in html and "Wage income" in html
    # a changed file no longer verifies
    os.chmod(out / "INCOME.parquet", 0o644)
    with (out / "INCOME.parquet").open("ab") as handle:
        handle.write(b"x")
    assert verify_manifest(out) == ["INCOME.parquet"]


def test_codebook_html_escapes(tmp_path: Path) -> None:
    from fivesafes.extraction.output import codebook_html

    book = {
        "project": "<script>",
        "delivery": 1,
        "created": "now",
        "engine": "duckdb",
        "population": {"criteria": ["a < b & c"], "size": 1},
        "sample": {"how": "<b>"},
        "pseudonyms": {"how": "x"},
        "files": [],
    }
    html = codebook_html(book)
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &lt; b &amp; c" in html


def test_copies_in_csv_stata_and_spss(
    catalogue: Catalogue, registers: Path, out: Path, keys: FixedKeys
) -> None:
    plan = compile_plan(
        make_request(
            [("POPULATION.sex", 1980, 2025), ("POPULATION.birth_date", 1980, 2025, "month")],
            sample_size=50,
            formats=("parquet", "csv", "dta", "sav"),
        ),
        catalogue,
    )
    _run(plan, registers, out, keys)
    parquet = pq.read_table(out / "POPULATION.parquet")
    frame, _meta = pyreadstat.read_dta(str(out / "POPULATION.dta"))
    assert [str(p) for p in parquet.column("pnr").to_pylist()] == list(
        frame["pnr"]
    )  # exact, as text
    frame, _meta = pyreadstat.read_sav(str(out / "POPULATION.sav"))
    assert len(frame) == 50
    assert (out / "POPULATION.csv").read_text().count("\n") == 51
    assert verify_manifest(out) == []


def test_external_data_is_linked_with_the_project_pseudonyms(
    catalogue: Catalogue, registers: Path, out: Path, keys: FixedKeys, tmp_path: Path
) -> None:
    raw = _raw_population(registers).column("pnr").to_pylist()
    survey = tmp_path / "survey.parquet"
    pq.write_table(pa.table({"pnr": raw[:40] + ["0000000000"], "score": list(range(41))}), survey)
    plan = compile_plan(
        make_request(
            [("POPULATION.sex", 1980, 2025)],
            external=(ExternalTable("SURVEY", survey, "A questionnaire"),),
        ),
        catalogue,
    )
    result = _run(plan, registers, out, keys)
    linked = pq.read_table(out / "SURVEY.parquet")
    assert linked.num_rows == 40  # the unknown person is not delivered
    expected = Pseudonymiser(keys.derive(plan.request.project, "person")).apply(
        np.array([int(p) for p in raw[:40]], dtype=np.int64)
    )
    assert sorted(linked.column("pnr").to_pylist()) == sorted(expected.tolist())
    assert {f.name for f in result.files} >= {"SURVEY.parquet"}


def test_memory_limit_and_threads_are_used(
    catalogue: Catalogue,
    registers: Path,
    out: Path,
    keys: FixedKeys,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fivesafes.extraction import engines

    seen: dict[str, Any] = {}
    original = engines.DuckDBEngine.__init__

    def spy(self: Any, root: Path, **kw: Any) -> None:
        original(self, root, **kw)
        seen.update(
            dict(
                self.con.execute(
                    "SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'threads')"
                ).fetchall()
            )
        )

    monkeypatch.setattr(engines.DuckDBEngine, "__init__", spy)
    plan = compile_plan(
        make_request([("POPULATION.sex", 1980, 2025)], [RESIDENT_2015, BORN]), catalogue
    )
    _run(plan, registers, out, keys, memory_limit="300MB", threads=1)
    assert seen["threads"] == "1"
    assert seen["memory_limit"].startswith(("286", "300"))


def test_sorting_in_buckets_gives_the_same_file(
    catalogue: Catalogue,
    registers: Path,
    tmp_path: Path,
    keys: FixedKeys,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import fivesafes.extraction.run as runner

    plan = compile_plan(
        make_request(
            [
                ("PRESCRIPTIONS.dispensing_date", 2010, 2015, "month"),
                ("PRESCRIPTIONS.atc", 2010, 2015),
                ("INCOME.wage_income", 2014, 2016),
            ]
        ),
        catalogue,
    )
    _run(plan, registers, tmp_path / "whole", keys)
    monkeypatch.setattr(runner, "SORT_BUCKET_ROWS", 1_000)
    _run(plan, registers, tmp_path / "buckets", keys)
    for name in ("PRESCRIPTIONS.parquet", "INCOME.parquet"):
        whole, buckets = (
            pq.read_table(tmp_path / "whole" / name),
            pq.read_table(tmp_path / "buckets" / name),
        )
        assert whole.schema.types == buckets.schema.types, (whole.schema, buckets.schema)
        assert whole.num_rows > 2_000 and whole.to_pylist() == buckets.to_pylist()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".partial")]


def test_the_population_for_a_scrambling_key_is_the_delivered_one(
    catalogue: Catalogue, registers: Path, tmp_path: Path, keys: FixedKeys
) -> None:
    """`population_of` gives the person numbers a run delivers (after the sample): their
    pseudonyms are exactly the delivered population file's."""
    from fivesafes.extraction import population_of

    plan = compile_plan(
        make_request([("POPULATION.sex", 1980, 2025)], [RESIDENT_2015, BORN], sample_size=90),
        catalogue,
    )
    people = population_of(plan, registers_dir=registers, keys=keys)
    assert len(people) == 90 and all(len(p) == 10 for p in people.to_pylist())
    _run(plan, registers, tmp_path / "out", keys)
    delivered = pq.read_table(tmp_path / "out" / "POPULATION.parquet").column("pnr").to_pylist()
    mine = Pseudonymiser(keys.derive(plan.request.project, "person")).apply(
        np.array([int(p) for p in people.to_pylist()], dtype=np.int64)
    )
    assert sorted(mine.tolist()) == sorted(delivered)
