"""Who may see a project's deliveries, plan, start and book time, and when (every role)."""

from __future__ import annotations

import pytest

from fivesafes.delivery.services import planning, running
from fivesafes.policy import deliveries as policy
from fivesafes.policy.permissions import Role
from fivesafes.shared.refusals import AccessDenied, RuleViolation

pytestmark = pytest.mark.django_db

# role -> (sees the deliveries of a project they are not in, may plan and start)
TABLE = {
    Role.RESEARCHER: (False, False),
    Role.INSTITUTION_MANAGER: (False, False),
    Role.CASE_HANDLER: (True, True),
    Role.SECRETARY: (True, False),
    Role.APPROVER: (True, False),
    Role.OUTPUT_CHECKER: (False, False),
    Role.AUDITOR: (True, False),
    Role.ADMINISTRATOR: (False, False),
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_and_delivers_as_the_policy_says(dw, make_user, role) -> None:
    person = make_user(role)
    sees, delivers = TABLE[role]
    delivery = planning.plan(actor=dw.handler, project=dw.project)
    assert policy.can_see(person, dw.project) is sees
    assert policy.can_see_delivery(person, delivery) is sees
    assert policy.can_plan(person, dw.project) is delivers
    assert bool(policy.next_steps(delivery, person)) is delivers
    assert policy.can_record_time(person, delivery) is delivers


def test_members_see_their_projects_deliveries_but_do_not_deliver(dw) -> None:
    delivery = planning.plan(actor=dw.handler, project=dw.project)
    assert policy.can_see_delivery(dw.researcher, delivery)
    assert policy.next_steps(delivery, dw.researcher) == []
    with pytest.raises(AccessDenied, match="deliver_data"):
        policy.check_step(dw.researcher, delivery, "start")


def test_the_manager_of_the_institution_is_not_shown_the_deliveries(dw) -> None:
    with pytest.raises(AccessDenied, match="There is no such project for you"):
        policy.check_see(dw.pw.manager, dw.project)


def test_a_case_handler_who_is_a_member_does_not_deliver_the_projects_data(dw, make_user) -> None:
    from fivesafes.projects.models import ProjectMembership

    insider = make_user(Role.CASE_HANDLER, Role.RESEARCHER)
    ProjectMembership.objects.create(project=dw.project, person=insider)
    with pytest.raises(RuleViolation) as refused:
        policy.check_plan(insider, dw.project)
    assert (refused.value.rule, refused.value.field) == ("R17", "requested_by")


def test_the_next_steps_follow_the_state(dw, core) -> None:
    delivery = planning.plan(actor=dw.handler, project=dw.project)
    assert [t.name for t in policy.next_steps(delivery, dw.handler)] == ["start", "discard"]
    started = running.start(actor=dw.handler, delivery=delivery)
    assert policy.next_steps(started, dw.handler) == []
    core.FAIL["population"] = "yes"
    from tests.delivery.conftest import run_queued

    failed = run_queued(started)
    assert [t.name for t in policy.next_steps(failed, dw.handler)] == ["rerun", "discard"]


def test_not_ready_without_approval_quote_or_signed_agreements(dw, make_user) -> None:
    assert policy.readiness(dw.project) == []
    # A new member without an agreement.
    from fivesafes.projects.models import ProjectMembership

    newcomer = make_user(Role.RESEARCHER, username="nils")
    ProjectMembership.objects.create(project=dw.project, person=newcomer)
    assert [(f.rule, f.field) for f in policy.readiness(dw.project)] == [("R8", "agreements")]
    assert "nils" in policy.readiness(dw.project)[0].message
    ProjectMembership.objects.filter(person=newcomer).delete()
    # An agreement signed but not countersigned does not count.
    dw.agreement.refresh_from_db()
    signed = dw.agreement.countersigned_at
    dw.agreement.countersigned_at = None
    dw.agreement.save()
    assert [f.field for f in policy.readiness(dw.project)] == ["agreements"]
    dw.agreement.countersigned_at = signed
    dw.agreement.save()
    # No accepted quote, no approved application.
    dw.quote.state = "offered"
    dw.quote.save()
    dw.application.state = "recommended"
    dw.application.save()
    assert [(f.rule, f.field) for f in policy.readiness(dw.project)] == [
        ("R11", "project"),
        ("R18", "quote"),
    ]


def test_a_closed_project_gets_no_delivery(dw) -> None:
    from fivesafes.projects.services import closure

    closure.close(actor=dw.handler, project=dw.project, reason="Done.")
    dw.project.refresh_from_db()
    with pytest.raises(RuleViolation) as refused:
        policy.check_plan(dw.handler, dw.project)
    assert (refused.value.rule, refused.value.field) == ("R25", "project")


def test_documents_only_of_a_delivered_delivery(dw) -> None:
    delivery = planning.plan(actor=dw.handler, project=dw.project)
    with pytest.raises(RuleViolation, match="codebook is there once it is delivered"):
        policy.check_read_documents(dw.researcher, delivery)
