"""The rule engine, one rule at a time: a good application has no blocking finding; each bad
detail gives the finding with its rule and names the variable or member."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from fivesafes.metadata.population import CatalogueEntry, from_dict
from fivesafes.projects.rules import (
    ApplicationFacts,
    ExternalDataFacts,
    MemberFacts,
    Severity,
    VariableFacts,
    evaluate,
    fast_track,
    may_submit,
)
from fivesafes.projects.rules.checks import latest_business_year

TODAY = date(2026, 11, 22)
INCOME = VariableFacts("income", "wage", 2015, 2020, justification="Outcome of the study.")
RESIDENT = from_dict(
    {
        "criteria": [
            {"variable": "residence.municipality", "operator": "present", "on": "2015-01-01"}
        ]
    }
)
RESIDENCE = {
    "residence.municipality": CatalogueEntry(
        "residence.municipality",
        "Municipality",
        "string",
        "STATUS",
        1980,
        2025,
        frozenset({"person"}),
    )
}


def good(**changes) -> ApplicationFacts:
    facts = ApplicationFacts(
        today=TODAY,
        institution_name="Aarhus University",
        institution_kind="university",
        institution_authorised=True,
        title="Careers",
        purpose="Labour market careers after education.",
        description="Register study.",
        has_protocol=True,
        legal_basis_art6="Art. 6(1)(e), public task",
        has_dpia=True,
        population_definition="Persons resident on 1 January 2015",
        population=RESIDENT,
        population_catalogue=RESIDENCE,
        starts_on=date(2027, 1, 1),
        ends_on=date(2029, 12, 31),
        sample_size=10000,
        sample_reason="Power calculation",
        variables=(INCOME,),
        members=(MemberFacts("rikke", attached=True, certified=True),),
    )
    return dataclasses.replace(facts, **changes)


def rules_of(facts, severity=None):
    return [
        (f.rule, f.field) for f in evaluate(facts) if severity is None or f.severity == severity
    ]


def blocking(facts):
    return [f for f in evaluate(facts) if f.severity == Severity.BLOCKING]


def test_a_good_application_has_no_findings_and_may_take_the_fast_track() -> None:
    facts = good()
    assert evaluate(facts) == []
    assert may_submit(evaluate(facts))
    assert fast_track(facts, evaluate(facts)).eligible


def test_institution_not_authorised_is_blocking_r1() -> None:
    found = blocking(good(institution_authorised=False))
    assert [(f.rule, f.field) for f in found] == [("R1", "institution")]
    assert "Aarhus University" in found[0].message


BUSINESS = VariableFacts(
    "business", "turnover", 2018, 2022, justification="Firm outcomes.", business_data=True
)


def test_business_data_refused_to_an_enterprise_r4_and_a_consultancy_without_exemption_r3() -> None:
    enterprise = blocking(good(institution_kind="other_enterprise", variables=(BUSINESS,)))
    assert [f.rule for f in enterprise] == ["R4"]
    assert "business.turnover" in enterprise[0].message
    consultancy = blocking(good(institution_kind="consultancy", variables=(BUSINESS,)))
    assert [f.rule for f in consultancy] == ["R3"]
    exempt = good(
        institution_kind="consultancy", business_data_exemption=True, variables=(BUSINESS,)
    )
    assert blocking(exempt) == []
    assert ("R3", "variables") in rules_of(exempt, Severity.NEEDS_JUSTIFICATION)
    assert blocking(good(variables=(BUSINESS,))) == []


def test_business_data_only_a_year_after_the_reference_period_r13() -> None:
    recent = dataclasses.replace(BUSINESS, last_year=2025)
    found = blocking(good(variables=(recent,)))
    assert [f.rule for f in found] == ["R13"]
    assert "2026-12-31" in found[0].message and "up to 2024" in found[0].message
    assert blocking(good(variables=(dataclasses.replace(BUSINESS, last_year=2024),))) == []


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_latest_business_year_is_the_last_one_a_full_year_old(today: date) -> None:
    year = latest_business_year(today)
    ok = good(
        today=today, variables=(dataclasses.replace(BUSINESS, first_year=year - 1, last_year=year),)
    )
    assert not [f for f in evaluate(ok) if f.rule == "R13"]
    too_new = good(
        today=today, variables=(dataclasses.replace(BUSINESS, first_year=year, last_year=year + 1),)
    )
    assert [f.rule for f in evaluate(too_new) if f.rule == "R13"] == ["R13"]


def test_variable_without_justification_is_blocking_and_named_r11() -> None:
    found = blocking(good(variables=(dataclasses.replace(INCOME, justification=" "),)))
    assert [(f.rule, f.field) for f in found] == [("R11", "variable:income.wage")]
    assert "income.wage" in found[0].message


def test_particularly_identifying_variable_needs_its_separate_justification_r11() -> None:
    birth = VariableFacts(
        "population", "birth_date", 1980, 2020, justification="Age.", particularly_identifying=True
    )
    found = blocking(good(variables=(birth,)))
    assert [(f.rule, f.field) for f in found] == [("R11", "variable:population.birth_date")]
    assert "separate justification" in found[0].message
    given_one = good(variables=(dataclasses.replace(birth, identifying_justification="Exact age"),))
    assert blocking(given_one) == []
    assert ("R11", "variable:population.birth_date") in rules_of(
        given_one, Severity.NEEDS_JUSTIFICATION
    )
    advice = [f.message for f in evaluate(given_one) if f.severity == Severity.ADVICE]
    assert any("birth date to year or month" in text for text in advice)
    assert not fast_track(given_one, evaluate(given_one)).eligible


def test_directly_identifying_variable_is_never_delivered_r14() -> None:
    cpr = VariableFacts(
        "population", "cpr", 2020, 2020, justification="x", directly_identifying=True
    )
    assert [f.rule for f in blocking(good(variables=(cpr,)))] == ["R14"]


def test_years_outside_the_register_are_refused() -> None:
    wide = dataclasses.replace(INCOME, available_from=2016, available_to=2023)
    found = blocking(good(variables=(wide,)))
    assert [f.rule for f in found] == ["R11"] and "2016-2023" in found[0].message


def test_total_population_needs_a_reason_r11() -> None:
    assert rules_of(good(total_population=True, sample_size=None), Severity.BLOCKING) == [
        ("R11", "total_population_reason")
    ]
    with_reason = good(total_population=True, total_population_reason="Rare disease")
    assert blocking(with_reason) == []
    assert not fast_track(with_reason, evaluate(with_reason)).eligible
    assert rules_of(good(sample_size=None), Severity.BLOCKING) == [("R11", "sample_size")]


def test_special_category_data_need_an_art_9_basis_r12() -> None:
    diagnosis = VariableFacts(
        "patients", "diagnosis", 2015, 2020, justification="x", special_category=True
    )
    found = blocking(good(variables=(diagnosis,)))
    assert [(f.rule, f.field) for f in found] == [("R12", "legal_basis_art9")]
    assert "patients.diagnosis" in found[0].message
    assert blocking(good(variables=(diagnosis,), legal_basis_art9="Art. 9(2)(j)")) == []


def test_external_data_need_the_data_protection_approval_r15() -> None:
    survey = ExternalDataFacts("Own survey 2024")
    found = blocking(good(external_data=(survey,)))
    assert [f.rule for f in found] == ["R15"] and "Own survey 2024" in found[0].message
    approved = good(external_data=(ExternalDataFacts("Own survey 2024", "DPA-2024-17"),))
    assert blocking(approved) == []
    assert not fast_track(approved, evaluate(approved)).eligible


def test_no_dpia_and_no_reason_is_blocking_r12() -> None:
    assert rules_of(good(has_dpia=False), Severity.BLOCKING) == [("R12", "dpia")]
    assert blocking(good(has_dpia=False, no_dpia_reason="Art. 35(10) exemption")) == []


def test_members_not_attached_block_and_not_certified_advise() -> None:
    members = (MemberFacts("bo", attached=False, certified=False),)
    assert rules_of(good(members=members)) == [("R1", "member:bo"), ("R9", "member:bo")]
    assert rules_of(good(members=())) == [("R12", "members")]


def test_missing_description_protocol_and_period_r12() -> None:
    facts = good(title="", purpose="", has_protocol=False, starts_on=None, legal_basis_art6="")
    fields = {f.field for f in blocking(facts)}
    assert {"title", "purpose", "protocol", "period", "legal_basis_art6"} <= fields
    backwards = good(starts_on=date(2028, 1, 1), ends_on=date(2027, 1, 1))
    assert rules_of(backwards) == [("R12", "period")]


def test_compilation_across_many_fields_is_a_case_of_doubt_r19() -> None:
    variables = tuple(
        dataclasses.replace(INCOME, name=f"v{i}", subject_area=f"area{i}") for i in range(4)
    )
    assert rules_of(good(variables=variables)) == [("R19", "variables")]


def test_non_standard_register_leaves_the_fast_track() -> None:
    facts = good(variables=(dataclasses.replace(INCOME, standard_register=False),))
    verdict = fast_track(facts, evaluate(facts))
    assert not verdict.eligible and "income" in verdict.summary


def test_findings_are_ordered_blocking_first() -> None:
    facts = good(members=(MemberFacts("bo", attached=True, certified=False),), has_dpia=False)
    severities = [f.severity for f in evaluate(facts)]
    assert severities == sorted(severities, key=lambda s: s.rank)


def test_the_rule_engine_imports_no_django() -> None:
    code = (
        "import sys; import fivesafes.projects.rules as r; "
        "bad=[m for m in sys.modules if m.split('.')[0]=='django']; assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_population_without_criteria_is_blocking_r11() -> None:
    assert ("R11", "population") in rules_of(good(population=from_dict({})), Severity.BLOCKING)


def test_population_criteria_are_checked_against_the_catalogue_r11() -> None:
    unknown = from_dict(
        {"criteria": [{"variable": "x.y", "operator": "present", "on": "2015-01-01"}]}
    )
    assert ("R11", "population:1") in rules_of(good(population=unknown), Severity.BLOCKING)


def test_population_on_special_category_data_needs_art_9_and_leaves_the_fast_track() -> None:
    diagnosis = CatalogueEntry(
        "hospital.diagnosis",
        "Diagnosis",
        "string",
        "EVENT",
        1980,
        2025,
        frozenset({"person"}),
        codes=None,
        special_category=True,
        standard_register=False,
    )
    population = from_dict(
        {
            "criteria": [
                {"variable": "residence.municipality", "operator": "present", "on": "2015-01-01"},
                {
                    "variable": "hospital.diagnosis",
                    "operator": "in",
                    "values": ["E11"],
                    "on": "2015-01-01",
                },
            ]
        }
    )
    facts = good(
        population=population,
        population_catalogue={**RESIDENCE, "hospital.diagnosis": diagnosis},
    )
    assert ("R12", "legal_basis_art9") in rules_of(facts, Severity.BLOCKING)
    verdict = fast_track(facts, evaluate(facts))
    assert not verdict.eligible and "hospital" in verdict.summary


def test_population_on_recent_business_data_is_blocking_r13() -> None:
    turnover = CatalogueEntry(
        "firms.turnover",
        "Turnover",
        "decimal",
        "ACCUMULATED",
        2000,
        2026,
        frozenset({"person"}),
        business_data=True,
    )
    recent = from_dict(
        {
            "criteria": [
                {"variable": "residence.municipality", "operator": "present", "on": "2015-01-01"},
                {
                    "variable": "firms.turnover",
                    "operator": "between",
                    "values": ["0", "1000000"],
                    "on": "2026-01-01",
                },
            ]
        }
    )
    facts = good(population=recent, population_catalogue={**RESIDENCE, "firms.turnover": turnover})
    assert ("R13", "population:2") in rules_of(facts, Severity.BLOCKING)
    older = from_dict(
        {
            "criteria": [
                {**recent.criteria[0].as_dict()},
                {**recent.criteria[1].as_dict(), "on": "2024-01-01"},
            ]
        }
    )
    assert ("R13", "population:2") not in rules_of(dataclasses.replace(facts, population=older))


def test_a_period_outlasting_the_authorisation_is_advice_r8() -> None:
    """The case handler and the researcher see that access would lapse with the institution's
    authorisation before the project ends; the fast track stays open (advice only)."""
    short = good(institution_authorised_until=date(2028, 6, 30))
    [finding] = evaluate(short)
    assert (finding.severity, finding.rule, finding.field) == (Severity.ADVICE, "R8", "period")
    assert "2028-06-30" in finding.message and "2029-12-31" in finding.message
    assert fast_track(short, evaluate(short)).eligible
    assert evaluate(good(institution_authorised_until=date(2030, 1, 1))) == []
