"""The version rule: adding variables bumps minor, changing or removing bumps major, text is a patch."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fivesafes.metadata import (
    Bump,
    Code,
    DataType,
    Register,
    Sensitivity,
    Text,
    check_new_version,
    next_version,
    register_from_dict,
    version_change,
)
from tests.metadata.helpers import visits_doc

BASE: Register = register_from_dict(visits_doc())


def with_variables(reg: Register, variables: tuple) -> Register:  # type: ignore[type-arg]
    return replace(reg, variables=variables)


def test_identical_content_needs_no_bump() -> None:
    assert version_change(BASE, replace(BASE, version="9.9.9")).bump is Bump.NONE


def test_adding_a_variable_is_minor() -> None:
    extra = replace(BASE.variable("amount"), name="fee")
    change = version_change(BASE, with_variables(BASE, (*BASE.variables, extra)))
    assert change.bump is Bump.MINOR and change.reasons == ("variable 'fee' added",)


def test_removing_a_variable_is_major() -> None:
    change = version_change(BASE, with_variables(BASE, BASE.variables[:-1]))
    assert change.bump is Bump.MAJOR and "variable 'amount' removed" in change.reasons


@pytest.mark.parametrize(
    "change",
    [
        {"data_type": DataType.INTEGER},
        {"sensitivity": Sensitivity(business_data=True)},
        {"nullable": False},
    ],
)
def test_changing_what_a_variable_means_is_major(change: dict) -> None:  # type: ignore[type-arg]
    amount = replace(BASE.variable("amount"), **change)
    new = with_variables(BASE, (*BASE.variables[:-1], amount))
    assert version_change(BASE, new).bump is Bump.MAJOR


def test_codes_added_are_minor_codes_removed_or_revalidated_are_major() -> None:
    reason = BASE.variable("reason")
    cl = reason.value_domain.code_list
    assert cl is not None
    added = replace(cl, codes=(*cl.codes, Code("C", Text("c", "c"), cl.codes[0].valid_from)))
    ended = replace(
        cl,
        codes=tuple(replace(c, valid_until=c.valid_from) if c.code == "A" else c for c in cl.codes),
    )

    def using(code_list: object) -> Register:
        var = replace(reason, value_domain=replace(reason.value_domain, code_list=code_list))
        return with_variables(BASE, tuple(var if v.name == "reason" else v for v in BASE.variables))

    assert version_change(BASE, using(added)).bump is Bump.MINOR
    assert version_change(BASE, using(ended)).bump is Bump.MAJOR
    # a withdrawn code brought back for a new period (its old period unchanged): more values
    # are valid, as when a code is added
    old = next(c for c in cl.codes if c.code == "OLD")
    assert old.valid_until is not None
    back = replace(
        cl, codes=(*cl.codes, replace(old, valid_from=dt.date(2024, 1, 1), valid_until=None))
    )
    change = version_change(BASE, using(back))
    assert change.bump is Bump.MINOR, change
    assert change.reasons == ("variable 'reason': 1 code(s) or validity period(s) added",)


def test_documentation_changes_are_a_patch() -> None:
    new = replace(BASE, title=Text("Visits", "Besøg"))
    change = version_change(BASE, new)
    assert change.bump is Bump.PATCH and change.reasons == ("title changed",)


def test_the_declared_version_must_be_high_enough() -> None:
    extra = replace(BASE.variable("amount"), name="fee")
    added = with_variables(BASE, (*BASE.variables, extra))
    assert check_new_version(BASE, replace(added, version="1.1.0")) == []
    assert check_new_version(BASE, replace(added, version="2.0.0")) == []
    [problem] = check_new_version(BASE, replace(added, version="1.0.1"))
    assert "needs version 1.1.0 or later, not 1.0.1" in problem
    assert check_new_version(BASE, replace(BASE, version="1.0.1")) == [
        "content unchanged but version changed from 1.0.0 to 1.0.1"
    ]


@given(
    removed=st.sets(st.sampled_from([v.name for v in BASE.variables if v.name != "visit_id"])),
    added=st.integers(min_value=0, max_value=3),
    retitled=st.booleans(),
)
def test_the_bump_is_the_largest_kind_of_change(
    removed: set[str], added: int, retitled: bool
) -> None:
    kept = tuple(v for v in BASE.variables if v.name not in removed)
    extra = tuple(replace(BASE.variable("amount"), name=f"extra_{i}") for i in range(added))
    new = with_variables(BASE, kept + extra)
    if retitled:
        new = replace(new, title=Text("New title", "Ny titel"))
    expected = (
        Bump.MAJOR if removed else Bump.MINOR if added else Bump.PATCH if retitled else Bump.NONE
    )
    change = version_change(BASE, new)
    assert change.bump is expected
    assert (
        next_version("1.4.2", change.bump)
        == {Bump.MAJOR: "2.0.0", Bump.MINOR: "1.5.0", Bump.PATCH: "1.4.3", Bump.NONE: "1.4.2"}[
            expected
        ]
    )
    assert version_change(new, new).bump is Bump.NONE
