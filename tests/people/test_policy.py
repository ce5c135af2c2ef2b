"""The policy of safe people: each `check_x` names the rule and the failed condition, its
`can_x` twin answers the same question yes or no, and "what may this person do next with this
case" is one answer, for the page's buttons, the API's `next_steps` and the service alike."""

from __future__ import annotations

import pytest

from fivesafes.people.models import Breach, CertificationAttempt, Institution
from fivesafes.policy import agreements, authorisations, certification, institutions, sanctions
from fivesafes.policy.permissions import Role
from fivesafes.shared.refusals import AccessDenied, RuleViolation
from tests.conftest import verified_client
from tests.people.test_api import api_client
from tests.people.test_bad_input import recommended_case


def names(steps) -> list[str]:
    return [t.name for t in steps]


def signed_in(*people):
    """As the request gives them: people in a two-factor session (the role checks ask)."""
    for person in people:
        person.is_verified = lambda: True


def test_a_step_refused_names_the_rule_and_the_failed_condition(world, make_user) -> None:
    case = world.authorisation  # registered
    with pytest.raises(RuleViolation) as caught:
        authorisations.check_step(world.approver, case, "approve")
    assert (caught.value.rule, caught.value.field) == ("R1", "state")
    assert f"Case A-{case.pk} is registered" in str(caught.value)
    assert not authorisations.can_step(world.approver, case, "approve")

    with pytest.raises(AccessDenied) as denied:
        authorisations.check_step(world.researcher, case, "withdraw")
    assert "decide_sanctions" in denied.value.reason
    assert not authorisations.can_step(world.researcher, case, "withdraw")

    stranger = make_user(Role.INSTITUTION_MANAGER)
    with pytest.raises(RuleViolation) as caught:
        authorisations.check_step(stranger, case, "give_notice")
    assert (caught.value.rule, caught.value.field) == ("Appendix 2", "institution")
    assert "Only the responsible manager of Aarhus University" in str(caught.value)
    assert not authorisations.can_step(stranger, case, "give_notice")

    authorisations.check_step(world.manager, case, "give_notice")
    assert authorisations.can_step(world.manager, case, "give_notice")
    with pytest.raises(RuleViolation) as caught:
        authorisations.check_step(world.manager, case, "no_such_step")
    assert caught.value.field == "step"


def test_the_approver_who_recommended_is_offered_no_decision(make_user, world) -> None:
    doublehat = make_user(Role.CASE_HANDLER, Role.APPROVER, username="doublehat")
    case = recommended_case(make_user(Role.INSTITUTION_MANAGER), doublehat)
    assert names(authorisations.next_steps(doublehat, case)) == []
    with pytest.raises(RuleViolation) as caught:
        authorisations.check_step(doublehat, case, "approve")
    assert caught.value.rule == "R17" and caught.value.field == "prepared_by"
    assert names(authorisations.next_steps(world.approver, case)) == ["approve", "refuse"]
    # the API lists the same answer for whoever asks
    url = f"/api/v1/people/cases/{case.pk}"
    assert api_client(doublehat).get(url).json()["next_steps"] == []
    assert api_client(world.approver).get(url).json()["next_steps"] == ["approve", "refuse"]


def test_each_person_sees_only_their_own_steps_on_a_registered_case(world) -> None:
    case = world.authorisation
    assert names(authorisations.next_steps(world.manager, case)) == ["give_notice"]
    assert names(authorisations.next_steps(world.approver, case)) == ["withdraw", "terminate"]
    assert names(authorisations.next_steps(world.secretary, case)) == []  # expiry is the sweep's
    assert names(authorisations.next_steps(world.case_handler, case)) == []
    url = f"/api/v1/people/cases/{case.pk}"
    assert api_client(world.manager).get(url).json()["next_steps"] == ["give_notice"]
    assert api_client(world.case_handler).get(url).json()["next_steps"] == []
    # and the case page draws the same buttons
    page = verified_client(world.manager).get(f"/people/cases/{case.pk}/")
    assert "Give three months&#x27; notice for the institution" in page.text
    assert "Withdraw the authorisation" not in page.text


def test_seeing_an_institution_and_acting_for_it(world, make_user) -> None:
    stranger = make_user(Role.INSTITUTION_MANAGER)
    assert institutions.can_see_institution(world.manager, world.institution)
    assert not institutions.can_see_institution(stranger, world.institution)
    with pytest.raises(AccessDenied) as denied:
        authorisations.check_see_case(stranger, world.authorisation)
    assert denied.value.reason == (
        "There is no such case for you: it does not exist, or it is not yours to see."
    )
    assert not authorisations.can_see_case(stranger, world.authorisation)
    with pytest.raises(RuleViolation) as caught:
        institutions.check_manage_researchers(stranger, world.institution)
    assert caught.value.rule == "Appendix 2"
    signed_in(world.manager, stranger)
    assert institutions.can_manage_researchers(world.manager, world.institution)
    assert not institutions.can_manage_researchers(stranger, world.institution)


def test_who_reads_signs_and_ends_an_agreement(world, make_user) -> None:
    agreement = world.agreement  # signed and countersigned
    stranger = make_user(Role.RESEARCHER)
    signed_in(world.case_handler, stranger)
    assert agreements.can_read_agreement(world.manager, agreement)
    assert agreements.can_read_agreement(world.case_handler, agreement)
    with pytest.raises(AccessDenied) as denied:
        agreements.check_read_agreement(stranger, agreement)
    assert denied.value.status == 404 and "not yours to see" in denied.value.reason
    assert not agreements.can_read_agreement(stranger, agreement)
    with pytest.raises(RuleViolation) as caught:
        agreements.check_sign_agreement(world.researcher, agreement)
    assert (caught.value.rule, caught.value.field) == ("R8", "state")
    assert not agreements.can_sign_agreement(world.researcher, agreement)
    with pytest.raises(RuleViolation) as caught:
        agreements.check_countersign(stranger, agreement)
    assert (caught.value.rule, caught.value.field) == ("Appendix 3", "institution")
    assert not agreements.can_countersign(world.manager, agreement)  # countersigned already
    assert agreements.can_give_notice(world.researcher, agreement)
    with pytest.raises(RuleViolation) as caught:
        agreements.check_give_notice(stranger, agreement)
    assert (caught.value.rule, caught.value.field) == ("Appendix 3", "agreement")


def test_the_reporter_may_not_decide_the_breach(world, make_user) -> None:
    reporter = make_user(Role.APPROVER)
    breach = Breach.objects.create(
        researcher=world.researcher, what_happened="x", evidence="y", reported_by=reporter
    )
    with pytest.raises(RuleViolation) as caught:
        sanctions.check_decide_breach(reporter, breach)
    assert (caught.value.rule, caught.value.field) == ("R24", "decided_by")
    assert str(caught.value).startswith("Four eyes: ")
    signed_in(reporter, world.approver)
    assert not sanctions.can_decide_breach(reporter, breach)
    assert sanctions.can_decide_breach(world.approver, breach)
    breach.state = Breach.State.DISMISSED
    with pytest.raises(RuleViolation) as caught:
        sanctions.check_decide_breach(world.approver, breach)
    assert (caught.value.rule, caught.value.field) == ("R24", "state")
    with pytest.raises(RuleViolation):
        sanctions.check_add_evidence(world.approver, breach)


def test_three_failed_attempts_pause_the_test(make_user) -> None:
    person = make_user(Role.RESEARCHER)
    assert certification.can_take_test(person)
    for _ in range(certification.FAILED_ATTEMPTS_PER_DAY):
        CertificationAttempt.objects.create(person=person, correct=0, total=5, passed=False)
    with pytest.raises(RuleViolation) as caught:
        certification.check_take_test(person)
    assert (caught.value.rule, caught.value.field) == ("R9", "answers")
    assert not certification.can_take_test(person)


def test_an_institution_of_ones_own_is_no_key_to_another(world, make_user) -> None:
    other = make_user(Role.INSTITUTION_MANAGER)
    own = Institution.objects.create(name="Aalborg University", kind="university", manager=other)
    assert institutions.can_see_institution(other, own)
    assert not institutions.can_see_institution(other, world.institution)
