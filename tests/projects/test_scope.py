"""The approved scope is a typed value stored as today's JSON: what later rooms read."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from fivesafes.projects.scope import Scope
from fivesafes.projects.services import decisions

LABEL = st.from_regex(r"[a-z]{1,8}\.[a-z_]{1,10}", fullmatch=True)
TEXT = st.text(max_size=20)
DAY = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat)
CRITERION = st.fixed_dictionaries(
    {
        "variable": LABEL,
        "operator": st.sampled_from(["in", "not_in", "between"]),
        "values": st.lists(TEXT, max_size=3),
        "on": st.none() | DAY,
        "from": st.none() | DAY,
        "to": st.none() | DAY,
    }
)
STORED = st.fixed_dictionaries(
    {
        "variables": st.dictionaries(
            LABEL,
            st.fixed_dictionaries(
                {
                    "first_year": st.integers(1900, 2100),
                    "last_year": st.integers(1900, 2100),
                    "coarsening": st.sampled_from(["", "year", "month", "groups"]),
                }
            ),
            max_size=4,
        ),
        "population": st.fixed_dictionaries(
            {
                "definition": TEXT,
                "unit": st.sampled_from(["person", "firm"]),
                "criteria": st.lists(CRITERION, max_size=3),
                "total": st.booleans(),
                "sample_size": st.none() | st.integers(1, 10**9),
            }
        ),
        "members": st.dictionaries(st.integers(1, 10**6).map(str), TEXT, max_size=3),
        "period": st.fixed_dictionaries({"starts_on": st.none() | DAY, "ends_on": st.none() | DAY}),
        "external_data": st.lists(TEXT, max_size=3),
    },
    optional={"terms": st.dictionaries(st.sampled_from(["title", "purpose", "dpia"]), TEXT)},
)


@given(STORED)
def test_any_stored_scope_reads_and_writes_back_unchanged(stored) -> None:
    assert Scope.from_dict(stored).as_dict() == stored


def test_an_approved_project_reads_its_scope_as_typed_values(pw, recommended) -> None:
    project = decisions.take_step(
        actor=pw.approver, application=recommended, step="approve"
    ).project
    scope = project.scope
    assert scope.as_dict() == project.approved_scope
    income = scope.variable("persons.income")
    assert income is not None and (income.first_year, income.last_year) == (2010, 2020)
    assert scope.member_ids == {pw.researcher.pk}
    assert scope.period.ends_on == recommended.ends_on
    assert scope.population.criteria and not scope.population.total
    assert scope.terms is not None and scope.terms["purpose"] == recommended.purpose


def test_an_empty_or_old_scope_reads_as_empty_parts() -> None:
    scope = Scope.from_dict({"variables": {"p.a": {"first_year": 2010, "last_year": 2011}}})
    assert scope.variable_labels == ["p.a"] and scope.terms is None
    assert scope.population.criteria == () and scope.period.starts_on is None
    assert Scope.from_dict(None) == Scope()
