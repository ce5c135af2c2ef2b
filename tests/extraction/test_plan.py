"""Compiling a plan: the population's criteria, the tables and their columns, coarsening,
estimates, words, JSON both ways, and the refusals (each naming its field)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fivesafes.extraction import Catalogue, Plan, PlanError, check_within, compile_plan
from fivesafes.metadata.population import expand_codes

from .conftest import RESIDENT_2015, make_request


def test_a_plan_holds_the_approved_variables_plus_identifier_link_and_time(
    catalogue: Catalogue,
) -> None:
    plan = compile_plan(
        make_request(
            [
                ("INCOME.wage_income", 2014, 2016),
                ("PRESCRIPTIONS.atc", 2010, 2012),
                ("POPULATION.sex", 1980, 2025),
            ]
        ),
        catalogue,
    )
    tables = {t.register: t for t in plan.tables}
    assert [c.name for c in tables["INCOME"].columns] == [
        "pnr",
        "period_start",
        "period_stop",
        "wage_income",
    ]
    assert [c.name for c in tables["PRESCRIPTIONS"].columns] == [
        "pnr",
        "prescription_id",
        "dispensing_date",
        "atc",
    ]
    assert {
        c.name: c.pseudonym_kind for c in tables["PRESCRIPTIONS"].columns if c.kind == "pseudonym"
    } == {
        "pnr": "person",
        "prescription_id": "prescription",
    }
    assert [c.name for c in tables["POPULATION"].columns] == ["pnr", "sex"]
    # only the files of the approved years are read
    assert tables["INCOME"].files == tuple(
        f"INCOME/1.0.0/year={y}/data.parquet" for y in (2014, 2015, 2016)
    )
    assert plan.base_register == "POPULATION"
    assert plan.estimate.rows > 0 and plan.estimate.bytes > 0 and plan.estimate.seconds > 0


def test_hierarchical_codes_are_expanded_in_the_plan(catalogue: Catalogue) -> None:
    criterion = {
        "variable": "PRESCRIPTIONS.atc",
        "operator": "in",
        "values": ["A03"],
        "from": "2010-01-01",
        "to": "2012-12-31",
    }
    plan = compile_plan(make_request([("POPULATION.sex", 1980, 2025)], [criterion]), catalogue)
    (c,) = plan.criteria
    codes = catalogue.entries()["PRESCRIPTIONS.atc"].codes
    assert codes is not None
    assert set(c.values) == expand_codes(("A03",), codes)
    assert len(c.values) > 1 and all(v.startswith("A03") for v in c.values)
    assert c.files == tuple(
        f"PRESCRIPTIONS/1.0.0/year={y}/data.parquet" for y in (2010, 2011, 2012)
    )


def test_the_plan_reads_out_in_words(catalogue: Catalogue) -> None:
    plan = compile_plan(
        make_request(
            [
                ("POPULATION.birth_date", 1980, 2025, "year"),
                ("INCOME.wage_income", 2014, 2016, "groups"),
            ],
            sample_size=100,
        ),
        catalogue,
    )
    text = "\n".join(plan.describe())
    assert "RESIDENCE.municipality (Municipality) is recorded on 2015-01-01" in text
    assert "Sample: 100 persons" in text
    assert "birth_date: value; POPULATION.birth_date delivered as the year" in text
    assert "top-coded at the 99th percentile" in text
    assert "pnr: pseudonym (person key of the project) [added]" in text
    assert "Estimate:" in text


def test_coarsenings_in_the_plan(catalogue: Catalogue) -> None:
    plan = compile_plan(
        make_request(
            [
                ("RESIDENCE.address_id", 2015, 2015, "municipality"),
                ("PRESCRIPTIONS.atc", 2015, 2015, "groups"),
                ("PRESCRIPTIONS.dispensing_date", 2015, 2015, "month"),
                ("POPULATION.death_date", 1980, 2025, "groups"),
            ]
        ),
        catalogue,
    )
    cols = {(t.register, c.name): c for t in plan.tables for c in t.columns}
    assert ("RESIDENCE", "address_id") not in cols
    assert cols[("RESIDENCE", "municipality")].how == "municipality"
    atc = cols[("PRESCRIPTIONS", "atc")]
    assert atc.how == "code_group"
    grouped = dict(atc.codes)
    assert grouped and all(len(b) < len(a) for a, b in grouped.items())
    assert cols[("PRESCRIPTIONS", "dispensing_date")].how == "month"
    assert cols[("POPULATION", "death_date")].how == "year"


@pytest.mark.parametrize(
    ("variables", "field", "words"),
    [
        ([("INCOME.nonsense", 2014, 2015)], "variables:INCOME.nonsense", "not a variable"),
        ([("INCOME.wage_income", 1970, 2015)], "variables:INCOME.wage_income", "covers 1980-2025"),
        ([("INCOME.wage_income", 2016, 2015)], "variables:INCOME.wage_income", "reversed"),
        (
            [("INCOME.wage_income", 2014, 2015, "fine")],
            "variables:INCOME.wage_income",
            "not a coarsening",
        ),
        (
            [("INCOME.wage_income", 2014, 2015, "month")],
            "variables:INCOME.wage_income",
            "not a date",
        ),
        (
            [("POPULATION.sex", 1980, 2025, "municipality")],
            "variables:POPULATION.sex",
            "not an address",
        ),
        ([("POPULATION.sex", 1980, 2025, "groups")], "variables:POPULATION.sex", "flat code list"),
        ([("POPULATION.pnr", 1980, 2025, "groups")], "variables:POPULATION.pnr", "pseudonymised"),
        (
            [("BUSINESS.turnover", 2015, 2015)],
            "variables:BUSINESS.turnover",
            "restricted to the population",
        ),
        ([("NAMES.full_name", 1980, 2025)], "variables:NAMES.full_name", "directly identifying"),
    ],
)
def test_bad_variables_are_refused_naming_the_field(
    catalogue: Catalogue, variables: list[tuple[object, ...]], field: str, words: str
) -> None:
    with pytest.raises(PlanError) as caught:
        compile_plan(make_request(variables), catalogue)
    assert caught.value.field == field
    assert words in caught.value.message


def test_municipality_needs_a_municipality_in_the_same_register(catalogue: Catalogue) -> None:
    """EMPLOYMENT.workplace_id is no address; an address-like variable without a municipality
    column in its register is refused as well (COUPLES has none)."""
    with pytest.raises(PlanError) as caught:
        compile_plan(
            make_request([("EMPLOYMENT.workplace_id", 2015, 2015, "municipality")]), catalogue
        )
    assert caught.value.field == "variables:EMPLOYMENT.workplace_id"


def test_a_bad_population_or_sample_is_refused(catalogue: Catalogue) -> None:
    bad = {"variable": "RESIDENCE.municipality", "operator": "present"}
    with pytest.raises(PlanError) as caught:
        compile_plan(make_request([("POPULATION.sex", 1980, 2025)], [bad]), catalogue)
    assert caught.value.field == "population:1"
    with pytest.raises(PlanError) as caught:
        compile_plan(make_request([("POPULATION.sex", 1980, 2025)], sample_size=0), catalogue)
    assert caught.value.field == "sample_size"
    with pytest.raises(PlanError) as caught:
        compile_plan(make_request([("POPULATION.sex", 1980, 2025)], formats=("xlsx",)), catalogue)
    assert caught.value.field == "formats"


def test_check_within_refuses_more_than_approved(catalogue: Catalogue) -> None:
    approved = make_request(
        [("INCOME.wage_income", 2014, 2016, "groups"), ("POPULATION.sex", 1980, 2025)],
        sample_size=500,
    )
    ok = compile_plan(
        make_request([("INCOME.wage_income", 2015, 2016, "groups")], sample_size=200), catalogue
    )
    check_within(ok, approved)
    cases = [
        (
            make_request([("INCOME.disposable_income", 2014, 2016)], sample_size=200),
            "variables:INCOME.disposable_income",
        ),
        (
            make_request([("INCOME.wage_income", 2013, 2016, "groups")], sample_size=200),
            "variables:INCOME.wage_income",
        ),
        (
            make_request([("INCOME.wage_income", 2014, 2016)], sample_size=200),
            "variables:INCOME.wage_income",
        ),
        (make_request([("POPULATION.sex", 1980, 2025)], sample_size=501), "sample_size"),
        (make_request([("POPULATION.sex", 1980, 2025)]), "sample_size"),
        (
            make_request([("POPULATION.sex", 1980, 2025)], [RESIDENT_2015], sample_size=5),
            "population",
        ),
        (
            make_request([("POPULATION.sex", 1980, 2025)], sample_size=5, project="P-2026-008"),
            "project",
        ),
    ]
    for request, field in cases:
        with pytest.raises(PlanError) as caught:
            check_within(compile_plan(request, catalogue), approved)
        assert caught.value.field == field


LABELS = [
    ("POPULATION.sex", ""),
    ("POPULATION.birth_date", "year"),
    ("POPULATION.birth_date", "month"),
    ("INCOME.wage_income", "groups"),
    ("INCOME.disposable_income", ""),
    ("PRESCRIPTIONS.atc", "groups"),
    ("PRESCRIPTIONS.ddd", ""),
    ("RESIDENCE.address_id", "municipality"),
    ("RESIDENCE.household_id", ""),
    ("PARENTS.mother_pnr", ""),
    ("EMPLOYMENT.enterprise_no", ""),
    ("HOSPITAL.diagnosis", "groups"),
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    picks=st.lists(st.sampled_from(LABELS), min_size=1, max_size=6, unique_by=lambda p: p[0]),
    first=st.integers(1995, 2020),
    span=st.integers(0, 5),
    sample=st.one_of(st.none(), st.integers(1, 1000)),
)
def test_any_plan_survives_json_and_never_holds_a_raw_identifier(
    catalogue: Catalogue,
    picks: list[tuple[str, str]],
    first: int,
    span: int,
    sample: int | None,
) -> None:
    request = make_request(
        [(label, first, first + span, how) for label, how in picks], sample_size=sample
    )
    plan = compile_plan(request, catalogue)
    assert Plan.from_dict(json.loads(json.dumps(plan.as_dict()))) == plan
    for t in plan.tables:
        register = catalogue.register(t.register).register
        for c in t.columns:
            var = register.variable(c.variable)
            if var.role.value == "identifier" or var.links_to:
                assert c.kind == "pseudonym"
            if var.sensitivity.directly_identifying:
                assert c.kind == "pseudonym"
        assert t.unit_column in [c.variable for c in t.columns]
    check_within(plan, request)
