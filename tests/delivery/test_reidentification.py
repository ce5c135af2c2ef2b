"""Going back from a pseudonym to the person number (R14): two members of staff outside the
project (one asks with the reason, another decides), shown once to the one who asked, the
number never stored nor audited; the policy for every role; the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fivesafes.audit.models import AuditEvent
from fivesafes.delivery.keys import key_store
from fivesafes.delivery.models import Reidentification
from fivesafes.delivery.services import reidentification as service
from fivesafes.policy import deliveries as policy
from fivesafes.policy.permissions import Role
from fivesafes.projects.models import ProjectMembership
from fivesafes.pseudonymisation import Pseudonymiser
from fivesafes.shared.refusals import AccessDenied, RuleViolation
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db

PERSON = "0101800001"
REASON = "The survey owner reports that this respondent withdrew consent."


def pseudonym_of(project, person: str = PERSON) -> int:
    return int(Pseudonymiser(key_store().derive(project.number, "person")).apply([int(person)])[0])


def asked(dw) -> Reidentification:
    return service.ask(
        actor=dw.handler, project=dw.project, pseudonym=pseudonym_of(dw.project), reason=REASON
    )


def test_two_people_then_the_number_is_shown_once(dw, make_user) -> None:
    item = asked(dw)
    assert item.state == "asked"
    with pytest.raises(RuleViolation) as same:
        service.decide(actor=dw.handler, item=item, approve=True)
    assert same.value.field == "decided_by"
    with pytest.raises(RuleViolation):
        service.reveal(actor=dw.handler, item=item)  # not approved yet
    second = make_user(Role.CASE_HANDLER)
    service.decide(actor=second, item=item, approve=True)
    item.refresh_from_db()
    with pytest.raises(AccessDenied):
        service.reveal(actor=second, item=item)  # only the one who asked
    assert service.reveal(actor=dw.handler, item=item) == PERSON
    item.refresh_from_db()
    assert item.state == "shown"
    with pytest.raises(RuleViolation):
        service.reveal(actor=dw.handler, item=item)  # once
    events = AuditEvent.objects.filter(action__startswith="delivery.reidentification")
    assert list(events.order_by("pk").values_list("action", flat=True)) == [
        "delivery.reidentification_asked",
        "delivery.reidentification_approved",
        "delivery.reidentification_shown",
    ]
    assert REASON in str(events.order_by("pk").first().data)
    for event in events:
        assert PERSON not in f"{event.data}{event.before}{event.after}"


def test_a_refusal_needs_a_note_and_ends_it(dw) -> None:
    item = asked(dw)
    with pytest.raises(RuleViolation) as refused:
        service.decide(actor=dw.pw.approver, item=item, approve=False)
    assert refused.value.field == "decision_note"
    service.decide(actor=dw.pw.approver, item=item, approve=False, note="No legal basis.")
    item.refresh_from_db()
    assert item.state == "refused"
    with pytest.raises(RuleViolation):
        service.reveal(actor=dw.handler, item=item)


@pytest.mark.parametrize("bad", ["", "abc", "-1", str(1 << 62)])
def test_a_pseudonym_that_cannot_be_one_is_refused(dw, bad) -> None:
    with pytest.raises(RuleViolation) as refused:
        service.ask(actor=dw.handler, project=dw.project, pseudonym=bad, reason=REASON)
    assert refused.value.field == "pseudonym"
    assert not Reidentification.objects.exists()


def test_the_reason_is_required(dw) -> None:
    with pytest.raises(RuleViolation) as refused:
        service.ask(actor=dw.handler, project=dw.project, pseudonym=5, reason="  ")
    assert refused.value.field == "reason"


def test_the_policy_for_every_role(dw, make_user) -> None:
    item = asked(dw)
    assert policy.can_ask_reidentification(dw.handler, dw.project)
    assert policy.can_decide_reidentification(dw.pw.approver, item)
    assert not policy.can_decide_reidentification(dw.handler, item)  # asked it
    nobody = {
        "researcher (member)": dw.researcher,
        "manager": dw.pw.manager,
        "secretary": dw.pw.secretary,
        "auditor": make_user(Role.AUDITOR),
        "output checker": make_user(Role.OUTPUT_CHECKER),
        "administrator": make_user(Role.ADMINISTRATOR),
        "another institution's manager": make_user(Role.INSTITUTION_MANAGER, Role.RESEARCHER),
    }
    for who, person in nobody.items():
        assert not policy.can_ask_reidentification(person, dw.project), who
        assert not policy.can_decide_reidentification(person, item), who
        assert not policy.can_reveal(person, item), who
        assert not policy.can_see_reidentifications(person), who
    assert not policy.can_ask_reidentification(dw.pw.approver, dw.project)  # decides only
    insider = make_user(Role.CASE_HANDLER)
    ProjectMembership.objects.create(project=dw.project, person=insider)
    assert not policy.can_ask_reidentification(insider, dw.project)
    assert not policy.can_decide_reidentification(insider, item)


def test_the_page_asks_decides_and_shows(dw) -> None:
    url = reverse("delivery:reidentify", args=[dw.project.pk])
    handler = verified_client(dw.handler)
    answer = handler.post(url, {"pseudonym": str(pseudonym_of(dw.project)), "reason": REASON})
    assert answer.status_code == 302
    item = Reidentification.objects.get()
    approver = verified_client(dw.pw.approver)
    assert "Approve" in approver.get(url).content.decode()
    approver.post(reverse("delivery:decide_reidentification", args=[item.pk, "approve"]))
    shown = handler.post(reverse("delivery:reveal", args=[item.pk]))
    assert shown.status_code == 200 and PERSON in shown.content.decode()
    assert "no-store" in shown["Cache-Control"] or "max-age=0" in shown["Cache-Control"]
    assert PERSON not in handler.get(url).content.decode()
    assert verified_client(dw.researcher).get(url).status_code == 403
