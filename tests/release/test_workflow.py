"""The release request's machine as data, transactions that leave nothing behind on a
refusal, and differencing against the project's earlier releases."""

from __future__ import annotations

import pytest

from fivesafes.audit.models import AuditEvent
from fivesafes.release.models import ReleasedFile, RequestFile
from fivesafes.release.services import release as releasing
from fivesafes.release.services import requests
from fivesafes.release.workflow import RELEASE_REQUEST, RequestState
from fivesafes.shared.refusals import RuleViolation
from fivesafes.shared.workflow import MACHINES
from tests.release.conftest import OK_TABLE, ROLES, outputs, request_with, submitted_and_checked

S = RequestState


def test_the_machine_is_registered_and_walks_airlocks_path() -> None:
    assert RELEASE_REQUEST in MACHINES
    assert RELEASE_REQUEST.reachable() == set(S)
    path = [
        ("submit", S.SUBMITTED),
        ("checks_passed", S.CHECKED),
        ("first_review", S.PARTIALLY_REVIEWED),
        ("second_review", S.REVIEWED),
        ("approve", S.APPROVED),
        ("release", S.RELEASED),
    ]
    state = RELEASE_REQUEST.initial
    for step, target in path:
        transition = RELEASE_REQUEST.step(step)
        assert state in transition.sources and transition.target == target
        state = target
    assert RELEASE_REQUEST.step("second_review").not_by == ("author", "first_reviewer")
    assert all(
        t.automatic
        for n, t in RELEASE_REQUEST.transitions.items()
        if n in ("checks_passed", "auto_approve", "auto_return", "release")
    )
    assert RELEASE_REQUEST.step("return_to_author").needs_note


@pytest.mark.django_db
def test_a_refused_submission_changes_nothing_and_leaves_no_frozen_file(rw, tmp_path):
    release = request_with(
        rw, {"a.csv": (OK_TABLE, {"declarations": ROLES}), "b.png": (b"png", {})}
    )
    (outputs(rw.project) / "b.png").unlink()  # gone from the outputs area before submission
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolation, match="no file 'b.png'"):
        requests.submit(actor=rw.author, release=release)
    release.refresh_from_db()
    assert release.state == S.DRAFT
    assert not RequestFile.objects.exclude(stored_name="").exists()
    assert AuditEvent.objects.count() == events
    frozen = tmp_path / "files" / "release" / "frozen"
    assert not frozen.exists() or not any(frozen.iterdir())


@pytest.mark.django_db
def test_a_refused_vote_writes_nothing(rw):
    release = submitted_and_checked(rw, request_with(rw, {"b.png": (b"png", {})}))
    events = AuditEvent.objects.count()
    with pytest.raises(RuleViolation, match="Say what must change"):
        requests.vote(actor=rw.checker, file=release.files.get(), decision="reject")
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_a_table_close_to_an_earlier_release_is_flagged_for_differencing(rw):
    first = submitted_and_checked(
        rw, request_with(rw, {"all.csv": (OK_TABLE, {"declarations": ROLES})})
    )
    assert first.state == S.APPROVED
    releasing.run_batch()
    assert ReleasedFile.objects.count() == 1
    nearly = OK_TABLE.replace("120", "118")  # two people fewer: who are they?
    second = submitted_and_checked(
        rw, request_with(rw, {"some.csv": (nearly, {"declarations": ROLES})})
    )
    file = second.files.get()
    assert file.verdict in ("review", "fail"), file.reasons
    assert any("differenc" in reason for reason in file.reasons)
    assert second.state != S.APPROVED


@pytest.mark.django_db
def test_staff_raise_a_projects_sampling_and_risk_factors_are_named(rw, make_user):
    from fivesafes.shared.refusals import AccessDenied

    with pytest.raises(AccessDenied):
        requests.set_project_sample_rate(actor=rw.author, project=rw.project, rate=1, reason="x")
    with pytest.raises(RuleViolation, match="between 0 and 1"):
        requests.set_project_sample_rate(actor=rw.checker, project=rw.project, rate=2, reason="x")
    requests.set_project_sample_rate(
        actor=rw.checker, project=rw.project, rate=1.0, reason="Small registers."
    )
    from tests.projects.conftest import make_catalogue

    make_catalogue()
    rw.project.approved_scope = {
        "population": {"sample_size": 800},
        "variables": {"persons.diagnosis": {"first_year": 2010, "last_year": 2012}},
    }
    rw.project.save()
    release = submitted_and_checked(
        rw, request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    )
    assert release.sampled and release.state == S.CHECKED
    assert "a small population (800 units)" in release.risk_factors
    assert "special categories of data (GDPR art. 9): persons.diagnosis" in release.risk_factors
    assert AuditEvent.objects.filter(action="release.sampling_raised").count() == 1


@pytest.mark.django_db
def test_an_automatic_release_drawn_for_after_review_is_looked_at_by_a_checker(rw, settings):
    settings.FIVESAFES_RELEASE_AFTER_REVIEW_RATE = 1.0
    submitted_and_checked(rw, request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})}))
    releasing.run_batch()
    entry = ReleasedFile.objects.get()
    assert entry.after_review
    releasing.after_review(actor=rw.checker, released=entry, note="Fine.")
    entry.refresh_from_db()
    assert not entry.after_review
    with pytest.raises(RuleViolation, match="not waiting"):
        releasing.after_review(actor=rw.checker, released=entry)
