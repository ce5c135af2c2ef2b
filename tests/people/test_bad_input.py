"""The issue's bad-input list: each refused with the rule named, and nothing changes.

"Nothing changes" is checked on the database rows that matter and on the audit log.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fivesafes.people.services import agreements, researchers, sanctions
from fivesafes.people.services import authorisation as cases
from fivesafes.policy.permissions import Role
from fivesafes.shared.refusals import RuleViolation
from tests.people.conftest import authorise, db_state


def refused(call, rule: str, field: str | None = None) -> RuleViolation:
    before = db_state()
    with pytest.raises(RuleViolation) as caught:
        call()
    assert caught.value.rule == rule, str(caught.value)
    if field is not None:
        assert caught.value.field == field, str(caught.value)
    assert rule in str(caught.value)
    assert db_state() == before
    return caught.value


def recommended_case(manager, case_handler):
    case = cases.apply(
        actor=manager,
        name="Odense Institute",
        kind="sector_research_institute",
        country="DK",
        recognition="",
        address="",
        application_text="Health services research.",
        research_group="A\nB\nC",
    )
    cases.take_step(actor=case_handler, authorisation=case, step="start_evaluation")
    cases.record_credibility(actor=case_handler, authorisation=case, assessment="Sound.")
    cases.take_step(actor=case_handler, authorisation=case, step="prepare_agreement")
    return cases.take_step(actor=case_handler, authorisation=case, step="recommend")


def test_approving_ones_own_preparation_is_refused(make_user) -> None:
    # One person holding both roles prepares and then tries to approve.
    both = make_user(Role.CASE_HANDLER, Role.APPROVER, username="doublehat")
    manager = make_user(Role.INSTITUTION_MANAGER)
    case = recommended_case(manager, both)
    # four eyes is the shared machine's rule (R17), the same in every room
    violation = refused(
        lambda: cases.take_step(actor=both, authorisation=case, step="approve"), "R17"
    )
    assert "Four eyes" in str(violation) and "a different person must approve" in str(violation)
    case.refresh_from_db()
    assert case.state == "recommended"


def test_signing_for_another_institution_is_refused(world, make_user) -> None:
    other_manager = make_user(Role.INSTITUTION_MANAGER, username="othermanager")
    manager = make_user(Role.INSTITUTION_MANAGER, username="applicant")
    case = recommended_case(manager, world.case_handler)
    cases.take_step(actor=world.approver, authorisation=case, step="approve")
    cases.take_step(actor=world.secretary, authorisation=case, step="send")
    refused(
        lambda: cases.take_step(actor=other_manager, authorisation=case, step="sign"),
        "Appendix 2",
        "institution",
    )
    # and countersigning another institution's researcher agreement
    refused(
        lambda: agreements.countersign(actor=other_manager, agreement=world.agreement),
        "Appendix 3",
        "institution",
    )


def test_attaching_to_an_unauthorised_institution_is_refused(make_user, world) -> None:
    manager = make_user(Role.INSTITUTION_MANAGER, username="newcomer")
    case = recommended_case(manager, world.case_handler)  # not approved, not registered
    person = make_user(Role.RESEARCHER)
    refused(
        lambda: researchers.attach(actor=manager, institution=case.institution, researcher=person),
        "R1",
        "institution",
    )


def test_attaching_to_a_sanctioned_institution_is_refused(world, make_user) -> None:
    checker = make_user(Role.OUTPUT_CHECKER)
    breach = sanctions.report_breach(
        actor=checker, researcher=world.researcher, what_happened="x", evidence="log 1"
    )
    today = timezone.localdate()
    sanctions.decide(
        actor=world.approver,
        breach=breach,
        decision="Serious",
        permanent=True,
        exclusion_ends_on=None,
        withdraw_institution_until=today + timedelta(days=180),
    )
    person = make_user(Role.RESEARCHER)
    refused(
        lambda: researchers.attach(
            actor=world.manager, institution=world.institution, researcher=person
        ),
        "R24",
        "institution",
    )


def test_attaching_an_excluded_researcher_anywhere_is_refused(world, make_user, staff) -> None:
    checker = make_user(Role.OUTPUT_CHECKER)
    breach = sanctions.report_breach(
        actor=checker, researcher=world.researcher, what_happened="x", evidence="log 1"
    )
    sanctions.decide(
        actor=world.approver,
        breach=breach,
        decision="Minor breach",
        permanent=False,
        exclusion_ends_on=timezone.localdate() + timedelta(days=3 * 366),
    )
    elsewhere_manager = make_user(Role.INSTITUTION_MANAGER, username="elsewhere")
    other = authorise(manager=elsewhere_manager, name="Roskilde University", **staff)
    refused(
        lambda: researchers.attach(
            actor=elsewhere_manager, institution=other.institution, researcher=world.researcher
        ),
        "R24",
        "researcher",
    )


def test_agreement_period_outside_the_authorisation_is_refused(world) -> None:
    end = world.authorisation.valid_until + timedelta(days=1)
    refused(
        lambda: agreements.create(
            actor=world.manager,
            researcher=world.researcher,
            project=world.project,
            starts_on=timezone.localdate(),
            ends_on=end,
            allowed_networks="192.0.2.0/24",
        ),
        "R8",
        "ends_on",
    )
    refused(
        lambda: agreements.create(
            actor=world.manager,
            researcher=world.researcher,
            project=world.project,
            starts_on=world.authorisation.valid_from - timedelta(days=1),
            ends_on=timezone.localdate() + timedelta(days=10),
            allowed_networks="192.0.2.0/24",
        ),
        "R8",
        "starts_on",
    )


@pytest.mark.parametrize("networks", ["192.0.2.1/24", "10.0.0.0/33", "office wifi", ""])
def test_invalid_cidr_is_refused(world, networks) -> None:
    refused(
        lambda: agreements.create(
            actor=world.manager,
            researcher=world.researcher,
            project=world.project,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=30),
            allowed_networks=networks,
        ),
        "R8",
        "allowed_networks",
    )


def test_sanction_shorter_than_three_years_is_refused(world, make_user) -> None:
    checker = make_user(Role.OUTPUT_CHECKER)
    breach = sanctions.report_breach(
        actor=checker, researcher=world.researcher, what_happened="x", evidence="log 1"
    )
    almost = timezone.localdate() + timedelta(days=3 * 365 - 5)
    refused(
        lambda: sanctions.decide(
            actor=world.approver,
            breach=breach,
            decision="Short",
            permanent=False,
            exclusion_ends_on=almost,
        ),
        "R24",
        "exclusion_ends_on",
    )
    refused(
        lambda: sanctions.decide(
            actor=world.approver,
            breach=breach,
            decision="No end",
            permanent=False,
            exclusion_ends_on=None,
        ),
        "R24",
    )


def test_foreign_institution_and_single_person_applications_are_refused(make_user) -> None:
    manager = make_user(Role.INSTITUTION_MANAGER)
    common = {
        "actor": manager,
        "name": "Somewhere",
        "recognition": "",
        "address": "",
        "application_text": "x",
    }
    refused(
        lambda: cases.apply(kind="foreign", country="SE", research_group="A\nB", **common), "R7"
    )
    refused(
        lambda: cases.apply(kind="consultancy", country="DK", research_group="Only me", **common),
        "R5",
        "research_group",
    )


def test_steps_out_of_order_and_reporter_deciding_are_refused(world, make_user) -> None:
    refused(
        lambda: cases.take_step(
            actor=world.secretary, authorisation=world.authorisation, step="register"
        ),
        "R1",
        "state",
    )
    approver_reporter = make_user(Role.APPROVER, Role.CASE_HANDLER)
    breach = sanctions.report_breach(
        actor=approver_reporter, researcher=world.researcher, what_happened="x", evidence="y"
    )
    refused(
        lambda: sanctions.decide(
            actor=approver_reporter,
            breach=breach,
            decision="d",
            permanent=True,
            exclusion_ends_on=None,
        ),
        "R24",
        "decided_by",
    )


def test_no_new_agreement_for_an_excluded_researcher_or_a_closed_project(world, make_user) -> None:
    today = timezone.localdate()

    def new_agreement():
        return agreements.create(
            actor=world.manager,
            researcher=world.researcher,
            project=world.project,
            starts_on=today,
            ends_on=today + timedelta(days=30),
            allowed_networks="192.0.2.0/24",
        )

    world.project.state = "closed"
    world.project.save()
    violation = refused(new_agreement, "R8", "project")
    assert "P-2026-001 is closed" in str(violation)
    world.project.state = "active"
    world.project.save()
    breach = sanctions.report_breach(
        actor=make_user(Role.OUTPUT_CHECKER),
        researcher=world.researcher,
        what_happened="x",
        evidence="log 1",
    )
    sanctions.decide(
        actor=world.approver, breach=breach, decision="d", permanent=True, exclusion_ends_on=None
    )
    violation = refused(new_agreement, "R24", "researcher")
    assert "excluded from the research schemes" in str(violation)


def test_backdating_an_attachment_does_not_get_round_a_sanction(world, make_user, staff) -> None:
    """An attachment dated before the decision would run on through the sanction (R24)."""
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    breach = sanctions.report_breach(
        actor=make_user(Role.OUTPUT_CHECKER),
        researcher=world.researcher,
        what_happened="x",
        evidence="log 1",
    )
    sanctions.decide(
        actor=world.approver,
        breach=breach,
        decision="Serious",
        permanent=True,
        exclusion_ends_on=None,
        withdraw_institution_until=today + timedelta(days=180),
    )
    elsewhere_manager = make_user(Role.INSTITUTION_MANAGER, username="elsewhere")
    other = authorise(manager=elsewhere_manager, name="Roskilde University", **staff)
    violation = refused(
        lambda: researchers.attach(
            actor=elsewhere_manager,
            institution=other.institution,
            researcher=world.researcher,
            starts_on=yesterday,
        ),
        "R24",
        "researcher",
    )
    assert "permanently" in str(violation)
    refused(
        lambda: researchers.attach(
            actor=world.manager,
            institution=world.institution,
            researcher=make_user(Role.RESEARCHER),
            starts_on=yesterday,
        ),
        "R24",
        "institution",
    )


def test_backdating_an_attachment_does_not_get_round_an_ended_authorisation(
    world, make_user
) -> None:
    """Authorised yesterday but not today: no researcher is attached, whatever the start (R1)."""
    from fivesafes.people.models import Authorisation

    yesterday = timezone.localdate() - timedelta(days=1)
    Authorisation.objects.filter(pk=world.authorisation.pk).update(valid_until=yesterday)
    violation = refused(
        lambda: researchers.attach(
            actor=world.manager,
            institution=world.institution,
            researcher=make_user(Role.RESEARCHER),
            starts_on=yesterday,
        ),
        "R1",
        "institution",
    )
    assert f"not an authorised institution on {timezone.localdate()}" in str(violation)


def test_a_secretary_cannot_expire_an_authorisation_before_its_end(world) -> None:
    """Expiry follows the period; ending it earlier is an approver's termination or withdrawal."""
    violation = refused(
        lambda: cases.take_step(
            actor=world.secretary, authorisation=world.authorisation, step="expire"
        ),
        "R1",
        "valid_until",
    )
    assert f"runs until {world.authorisation.valid_until}" in str(violation)
    assert world.institution.is_authorised()


def test_a_withdrawal_decided_on_a_breach_is_not_reinstated_before_its_end(
    world, make_user
) -> None:
    until = timezone.localdate() + timedelta(days=90)
    breach = sanctions.report_breach(
        actor=make_user(Role.OUTPUT_CHECKER),
        researcher=world.researcher,
        what_happened="x",
        evidence="log 1",
    )
    sanctions.decide(
        actor=world.approver,
        breach=breach,
        decision="Serious",
        permanent=True,
        exclusion_ends_on=None,
        withdraw_institution_until=until,
    )
    another_approver = make_user(Role.APPROVER)
    violation = refused(
        lambda: cases.take_step(
            actor=another_approver, authorisation=world.authorisation, step="reinstate"
        ),
        "R24",
        "withdrawn_until",
    )
    assert str(until) in str(violation)
    assert not world.institution.is_authorised()


def test_no_agreement_for_someone_who_is_not_a_project_member(world, make_user) -> None:
    """Members come from the approved application; an agreement adds nobody (R16)."""
    outsider = make_user(Role.RESEARCHER, username="outsider")
    researchers.attach(actor=world.manager, institution=world.institution, researcher=outsider)
    today = timezone.localdate()
    violation = refused(
        lambda: agreements.create(
            actor=world.manager,
            researcher=outsider,
            project=world.project,
            starts_on=today,
            ends_on=today + timedelta(days=30),
            allowed_networks="192.0.2.0/24",
        ),
        "R16",
        "researcher",
    )
    assert "is not a member of project P-2026-001" in str(violation)
    assert not world.project.members.filter(pk=outsider.pk).exists()
