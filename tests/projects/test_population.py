"""The population as criteria over the catalogue (R11): checked against the catalogue, refused
with the criterion named and nothing changed, read out in words, part of the findings, the
scope of a decision and the difference a change request shows (R16)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from fivesafes.metadata import population as core
from fivesafes.projects.rules import scope as scopes
from fivesafes.projects.services import population as service
from fivesafes.shared.refusals import RuleViolation
from tests.conftest import verified_client
from tests.projects.conftest import POPULATION, complete, db_state

TODAY = date(2026, 6, 1)
ICD = {
    "E10": core.CodeEntry("Type 1 diabetes", date(2000, 1, 1)),
    "E11": core.CodeEntry("Type 2 diabetes", date(2000, 1, 1)),
    "Z99": core.CodeEntry("Retired", date(2000, 1, 1), date(2005, 12, 31)),
}
CATALOGUE = {
    "HOSPITAL.diagnosis": core.CatalogueEntry(
        "HOSPITAL.diagnosis",
        "Main diagnosis",
        "string",
        "EVENT",
        1980,
        2025,
        frozenset({"hospital_contact", "person"}),
        codes=ICD,
        special_category=True,
        standard_register=False,
    ),
    "POPULATION.birth_date": core.CatalogueEntry(
        "POPULATION.birth_date", "Birth date", "date", "FIXED", 1980, 2025, frozenset({"person"})
    ),
    "RESIDENCE.municipality": core.CatalogueEntry(
        "RESIDENCE.municipality",
        "Municipality",
        "string",
        "STATUS",
        1980,
        2025,
        frozenset({"person"}),
    ),
    "FIRMS.turnover": core.CatalogueEntry(
        "FIRMS.turnover",
        "Turnover",
        "decimal",
        "ACCUMULATED",
        2000,
        2024,
        frozenset({"enterprise"}),
    ),
}


def problems(*criteria: dict) -> list[str]:
    definition = core.from_dict({"unit": "person", "criteria": list(criteria)})
    return [p.message for p in core.validate(definition, CATALOGUE, TODAY)]


def test_a_sound_definition_has_no_problems_and_reads_out_in_words() -> None:
    data = {
        "unit": "person",
        "criteria": [
            {"variable": "RESIDENCE.municipality", "operator": "present", "on": "2015-01-01"},
            {
                "variable": "POPULATION.birth_date",
                "operator": "between",
                "values": ["1980-01-01", "1990-12-31"],
            },
            {
                "variable": "HOSPITAL.diagnosis",
                "operator": "in",
                "values": ["E10", "E11"],
                "from": "2010-01-01",
                "to": "2020-12-31",
            },
        ],
    }
    definition = core.from_dict(data)
    assert core.validate(definition, CATALOGUE, TODAY) == []
    assert core.from_dict(json.loads(json.dumps(definition.as_dict()))) == definition
    words = core.describe_all(definition, CATALOGUE)
    assert words == [
        "RESIDENCE.municipality (Municipality) is recorded on 2015-01-01",
        "POPULATION.birth_date (Birth date) is between 1980-01-01 and 1990-12-31",
        "HOSPITAL.diagnosis (Main diagnosis) is one of E10 Type 1 diabetes, E11 Type 2 "
        "diabetes at some time from 2010-01-01 to 2020-12-31",
    ]


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        (
            {"variable": "NOPE.x", "operator": "present"},
            "NOPE.x is not a variable of the catalogue",
        ),
        (
            {
                "variable": "HOSPITAL.diagnosis",
                "operator": "in",
                "values": ["X1"],
                "on": "2010-01-01",
            },
            "X1 is not in the code list of HOSPITAL.diagnosis",
        ),
        (
            {
                "variable": "HOSPITAL.diagnosis",
                "operator": "in",
                "values": ["Z99"],
                "on": "2010-01-01",
            },
            "Z99 is not valid on the date or in the period",
        ),
        (
            {"variable": "HOSPITAL.diagnosis", "operator": "in", "values": ["E10"]},
            "HOSPITAL changes over time: give the date",
        ),
        (
            {
                "variable": "HOSPITAL.diagnosis",
                "operator": "in",
                "values": ["E10"],
                "from": "2020-01-01",
                "to": "2010-01-01",
            },
            "the period starts (2020-01-01) after it ends (2010-01-01)",
        ),
        (
            {"variable": "RESIDENCE.municipality", "operator": "present", "on": "1975-01-01"},
            "outside the years of the register (1980-2025)",
        ),
        (
            {"variable": "RESIDENCE.municipality", "operator": "present", "on": "2027-01-01"},
            "2027-01-01 is in the future",
        ),
        (
            {
                "variable": "POPULATION.birth_date",
                "operator": "between",
                "values": ["1990-01-01", "1980-01-01"],
            },
            "the low bound 1990-01-01 is after the high bound 1980-01-01",
        ),
        (
            {
                "variable": "POPULATION.birth_date",
                "operator": "between",
                "values": ["1980", "1990"],
            },
            "are dates (YYYY-MM-DD)",
        ),
        (
            {
                "variable": "POPULATION.birth_date",
                "operator": "between",
                "values": ["1980-01-01", "1990-01-01"],
                "on": "2010-01-01",
            },
            "holds one value per unit for all time",
        ),
        (
            {
                "variable": "FIRMS.turnover",
                "operator": "between",
                "values": ["0", "10"],
                "on": "2010-01-01",
            },
            "does not describe or link to the unit 'person'",
        ),
    ],
)
def test_problems_name_the_criterion_and_what_is_wrong(criterion, expected) -> None:
    found = problems(criterion)
    assert len(found) == 1 and found[0].startswith("Criterion 1") and expected in found[0], found


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        (
            {"criteria": [{"variable": "diagnosis", "operator": "in"}]},
            "population:1",
            "REGISTER.variable",
        ),
        (
            {"criteria": [{"variable": "A.b", "operator": "like"}]},
            "population:1",
            "not an operator",
        ),
        (
            {"criteria": [{"variable": "A.b", "operator": "present", "on": "1 May"}]},
            "population:1",
            "not a date",
        ),
        ({"criteria": "everyone"}, "population", "a list"),
        (
            {"criteria": [{"variable": "A.b", "operator": "present"}] * 21},
            "population",
            "At most 20",
        ),
    ],
)
def test_malformed_definitions_are_refused_when_read(data, field, expected) -> None:
    with pytest.raises(core.PopulationError) as error:
        core.from_dict(data)
    assert error.value.field == field and expected in error.value.message


def _scope(*criteria: dict, variables: dict | None = None) -> dict:
    return {
        "variables": variables or {},
        "population": {"unit": "person", "criteria": list(criteria)},
    }


RESIDENT = {"variable": "RESIDENCE.municipality", "operator": "present", "on": "2015-01-01"}
DIABETES = {
    "variable": "HOSPITAL.diagnosis",
    "operator": "in",
    "values": ["E10", "E11"],
    "from": "2010-01-01",
    "to": "2020-12-31",
}


def test_scope_diff_of_criteria_says_what_widens() -> None:
    # Dropping a criterion lets more people in.
    dropped = scopes.diff(_scope(RESIDENT, DIABETES), _scope(RESIDENT))
    assert [(c.widens, c.description) for c in dropped] == [
        (
            True,
            "population no longer limited by HOSPITAL.diagnosis in E10, E11 2010-01-01 to 2020-12-31",
        )
    ]
    # Fewer codes or a shorter period narrows; more codes widen.
    fewer = {**DIABETES, "values": ["E11"], "from": "2012-01-01"}
    assert not scopes.widens(scopes.diff(_scope(DIABETES), _scope(fewer)))
    more = {**DIABETES, "values": ["E10", "E11", "Z99"]}
    assert scopes.widens(scopes.diff(_scope(DIABETES), _scope(more)))
    # A new criterion narrows, unless it selects on data outside the approved scope.
    known = _scope(RESIDENT, variables={"HOSPITAL.diagnosis": {}})
    assert not scopes.widens(scopes.diff(known, _scope(RESIDENT, DIABETES)))
    new_data = scopes.diff(_scope(RESIDENT), _scope(RESIDENT, DIABETES))
    assert new_data[0].widens and "outside the approved scope" in new_data[0].description
    # Another reference date is another population.
    assert scopes.widens(scopes.diff(_scope(RESIDENT), _scope({**RESIDENT, "on": "2016-01-01"})))


def test_service_refuses_a_bad_definition_and_changes_nothing(pw, draft) -> None:
    before = db_state()
    bad = {
        "criteria": [
            {"variable": "persons.income", "operator": "present", "on": "2010-01-01"},
            {
                "variable": "persons.diagnosis",
                "operator": "in",
                "values": ["E10", "K99"],
                "on": "2010-01-01",
            },
        ]
    }
    with pytest.raises(RuleViolation) as refused:
        service.set_population(actor=pw.researcher, application=draft, definition=bad)
    assert refused.value.rule == "R11" and refused.value.field == "population:2"
    assert "K99 is not in the code list of persons.diagnosis" in str(refused.value)
    assert db_state() == before


def test_population_is_part_of_the_findings(pw, draft) -> None:
    from fivesafes.projects.services.applications import stored_findings

    draft.refresh_from_db()
    assert any(f.field == "population" and f.rule == "R11" for f in stored_findings(draft))
    with_diagnosis = {
        "criteria": [
            *POPULATION["criteria"],
            {
                "variable": "persons.diagnosis",
                "operator": "in",
                "values": ["E11"],
                "on": "2015-01-01",
            },
        ]
    }
    service.set_population(actor=pw.researcher, application=draft, definition=with_diagnosis)
    draft.refresh_from_db()
    findings = stored_findings(draft)
    assert not any(f.field == "population" for f in findings)
    art9 = [f for f in findings if f.field == "legal_basis_art9"]
    assert art9 and "persons.diagnosis (population)" in art9[0].message
    assert service.readable(draft)[2] == (
        "persons.diagnosis is one of E11 Type 2 diabetes on 2015-01-01"
    )


def test_a_criterion_on_a_directly_identifying_variable_blocks(pw, draft) -> None:
    from fivesafes.projects.services.applications import stored_findings

    service.add_criterion(
        actor=pw.researcher,
        application=draft,
        criterion={
            "variable": "persons.cpr",
            "operator": "in",
            "values": ["1"],
            "on": "2015-01-01",
        },
    )
    draft.refresh_from_db()
    assert any(f.rule == "R14" and f.field == "population:1" for f in stored_findings(draft))


def test_wizard_adds_and_removes_criteria(pw, draft) -> None:
    from django.urls import reverse

    client = verified_client(pw.researcher)
    url = reverse("projects:add_criterion", args=[draft.pk])
    page = client.post(
        url,
        {
            "variable": "persons.diagnosis",
            "operator": "in",
            "values": "E10, E11",
            "period_from": "2010-01-01",
            "period_to": "2012-12-31",
        },
        follow=True,
    )
    assert page.status_code == 200
    assert b"persons.diagnosis is one of E10 Type 1 diabetes, E11 Type 2 diabetes" in page.content
    before = db_state()
    refused = client.post(
        url,
        {"variable": "persons.diagnosis", "operator": "in", "values": "E10", "on": "1999-01-01"},
    )
    assert refused.status_code == 400
    assert b"R11" in refused.content and b"outside the years of the register" in refused.content
    assert db_state() == before
    client.post(reverse("projects:remove_criterion", args=[draft.pk, 1]))
    draft.refresh_from_db()
    assert draft.population["criteria"] == []


def test_population_by_api(pw, draft) -> None:
    client = verified_client(pw.researcher)
    url = f"/api/v1/projects/applications/{draft.pk}/population"
    response = client.put(url, data=json.dumps(POPULATION), content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["population"]["criteria"][0]["variable"] == "persons.income"
    assert body["population"]["readable"][1] == (
        "persons.birth_date is between 1950-01-01 and 1990-12-31"
    )
    before = db_state()
    bad = {"criteria": [{"variable": "persons.nothing", "operator": "present", "on": "2010-01-01"}]}
    refused = client.put(url, data=json.dumps(bad), content_type="application/json")
    assert refused.status_code == 400
    assert (
        refused.json()["rule"] == "R11"
        and refused.json()["field"] == "population:1"
        and refused.json()["detail"].startswith("Criterion 1: persons.nothing")
    )
    assert db_state() == before


def test_the_approved_scope_holds_the_criteria_and_a_change_shows_the_difference(
    pw, recommended
) -> None:
    from fivesafes.projects.services import decisions, projects

    decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    recommended.refresh_from_db()
    project = recommended.project
    stored = core.from_dict(POPULATION).as_dict()["criteria"]
    assert project.approved_scope["population"]["criteria"] == stored
    change = projects.start_change_request(
        actor=pw.researcher, project=project, summary="Only people born in the 1980s."
    )
    assert change.population == recommended.population
    narrower = json.loads(json.dumps(POPULATION))
    narrower["criteria"][1]["values"] = ["1980-01-01", "1989-12-31"]
    change = service.set_population(actor=pw.researcher, application=change, definition=narrower)
    changes = projects.changes_of(change)
    assert [c.widens for c in changes] == [False]
    assert "persons.birth_date between 1950-01-01, 1990-12-31" in changes[0].description
    projects.record_small_change(actor=pw.researcher, change=change)
    project.refresh_from_db()
    assert project.approved_scope["population"]["criteria"][1]["values"] == [
        "1980-01-01",
        "1989-12-31",
    ]


def test_complete_fixture_population_passes(pw, draft) -> None:
    complete(draft, pw.researcher)
    assert draft.population == core.from_dict(POPULATION).as_dict()


def test_the_decision_letter_and_the_pages_show_the_population_in_words(pw, recommended) -> None:
    from django.urls import reverse

    from fivesafes.projects.services import decisions
    from tests.pdf import pdf_text

    approved = decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    client = verified_client(pw.researcher)
    letter = client.get(reverse("projects:decision_pdf", args=[approved.pk]))
    text = pdf_text(letter.content)
    assert "persons.income is recorded on 2010-01-01" in text
    assert "persons.birth_date is between 1950-01-01 and 1990-12-31" in text
    for url in (
        reverse("projects:application", args=[approved.pk]),
        reverse("projects:project", args=[approved.project_id]),
    ):
        page = verified_client(pw.case_handler).get(url).content.decode()
        assert "persons.birth_date is between 1950-01-01 and 1990-12-31" in page, url


ATC = {
    "N": core.CodeEntry("Nervous system", date(2000, 1, 1)),
    "N02": core.CodeEntry("Analgesics", date(2000, 1, 1), parent="N"),
    "N02BE": core.CodeEntry("Anilides", date(2000, 1, 1), parent="N02"),
    "N02BE01": core.CodeEntry("Paracetamol", date(2000, 1, 1), parent="N02BE"),
    "N02BE51": core.CodeEntry("Paracetamol, combinations", date(2000, 1, 1), parent="N02BE"),
    "N05": core.CodeEntry("Psycholeptics", date(2000, 1, 1), parent="N"),
}


def test_a_code_in_a_hierarchy_selects_the_codes_below_it_and_says_so() -> None:
    assert core.expand_codes(("N02BE",), ATC) == {"N02BE", "N02BE01", "N02BE51"}
    assert core.expand_codes(("N02", "N05"), ATC) == {"N02", "N02BE", "N02BE01", "N02BE51", "N05"}
    assert core.expand_codes(("N02BE01",), ATC) == {"N02BE01"}
    entry = core.CatalogueEntry(
        "PRESCRIPTIONS.atc", "Drug", "string", "EVENT", 1995, 2025, frozenset({"person"}), ATC
    )
    criterion = core.from_dict(
        {
            "criteria": [
                {
                    "variable": "PRESCRIPTIONS.atc",
                    "operator": "in",
                    "values": ["N02BE", "N02BE01"],
                    "from": "2010-01-01",
                    "to": "2010-12-31",
                }
            ]
        }
    ).criteria[0]
    text = core.describe(criterion, entry)
    assert "N02BE Anilides (with the 2 codes below it)" in text
    assert "N02BE01 Paracetamol at some time" in text  # a leaf: nothing below it
