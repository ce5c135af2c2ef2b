"""The state machine table is complete and consistent; the whole journey walks through it."""

from __future__ import annotations

from fivesafes.audit.models import AuditEvent
from fivesafes.people.models import SignatureEvent
from fivesafes.people.workflow import CASE, FINAL_STATES, TRANSITIONS, CaseState
from fivesafes.policy.permissions import ROLE_PERMISSIONS, Role, permissions_of
from fivesafes.shared.workflow import MACHINES
from tests.pdf import pdf_text


def test_every_state_is_reachable_and_every_non_final_state_has_a_way_out() -> None:
    targets = {t.target for t in TRANSITIONS.values()}
    sources = set().union(*(t.sources for t in TRANSITIONS.values()))
    assert targets | {CaseState.APPLIED} == set(CaseState)
    assert sources == set(CaseState) - FINAL_STATES


def test_the_case_is_a_machine_of_the_shared_mechanism_with_an_owner_for_each_open_state() -> None:
    assert CASE in MACHINES
    assert CASE.reachable() == set(CaseState)
    assert set(CASE.owners) == set(CaseState) - FINAL_STATES
    # only the daily sweep expires an authorisation; it reinstates as an approver may
    assert [t.name for t in TRANSITIONS.values() if t.automatic] == ["expire"]
    assert TRANSITIONS["reinstate"].by_system and not TRANSITIONS["reinstate"].automatic


def test_every_transition_names_a_granted_permission_and_its_audit_action() -> None:
    granted = set().union(*ROLE_PERMISSIONS.values())
    for transition in TRANSITIONS.values():
        assert transition.permission in granted, transition.name
        assert transition.audit_action == f"authorisation.{transition.name}"


def test_the_approver_is_never_the_preparer_by_the_table() -> None:
    approve = TRANSITIONS["approve"]
    assert {"prepared_by", "recommended_by"} <= set(approve.not_by)
    assert approve.permission in permissions_of({Role.APPROVER})
    assert approve.permission not in permissions_of({Role.CASE_HANDLER})


def test_the_journey_writes_each_step_with_its_actor(world) -> None:
    case = world.authorisation
    steps = list(
        AuditEvent.objects.filter(object_id=str(case.pk), object_type="people.authorisation")
        .order_by("sequence")
        .values_list("action", "actor_label")
    )
    assert steps == [
        ("authorisation.applied", "mads"),
        ("authorisation.start_evaluation", "camilla"),
        ("authorisation.credibility_assessed", "camilla"),
        ("authorisation.prepare_agreement", "camilla"),
        ("authorisation.recommend", "camilla"),
        ("authorisation.approve", "anna"),
        ("authorisation.send", "soren"),
        ("authorisation.sign", "mads"),
        ("authorisation.register", "soren"),
    ]
    signatures = list(
        SignatureEvent.objects.filter(authorisation=case).values_list("party", "signer__username")
    )
    assert signatures == [("office", "anna"), ("institution", "mads")]


def test_the_agreement_pdf_is_generated_from_the_institution(world) -> None:
    import hashlib

    from django.core.files.storage import default_storage

    case = world.authorisation
    content = default_storage.open(case.agreement_document, "rb").read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == case.agreement_sha256
    text = pdf_text(content)
    assert "Aarhus University" in text
    assert "three years" in text
