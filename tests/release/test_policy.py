"""The release policy for every role: members make requests while they are with the author;
checkers review, never the author, a member, nor a person of the project's institution; one
answer (`next_steps`) for buttons, API and services."""

from __future__ import annotations

import pytest

from fivesafes.policy import releases as policy
from fivesafes.policy.permissions import Role
from fivesafes.release.services import requests
from tests.release.conftest import make_project, request_with, submitted_and_checked

pytestmark = pytest.mark.django_db


def names(release, person) -> set[str]:
    return {t.name for t in policy.next_steps(release, person)}


def test_every_role_on_a_draft_and_on_a_request_waiting_for_checkers(rw, make_user):
    release = request_with(rw, {"a.png": (b"png", {})})
    assert names(release, rw.author) == names(release, rw.colleague) == {"submit", "withdraw"}
    others = [rw.outsider, rw.manager, rw.checker, rw.auditor, *rw.staff.values()]
    others += [make_user(Role.ADMINISTRATOR)]
    for person in others:
        assert names(release, person) == set(), person
        assert not policy.can_edit(person, release)
    assert policy.can_edit(rw.colleague, release)

    release = submitted_and_checked(rw, release)
    for person in (rw.author, rw.colleague, rw.outsider, rw.manager, rw.auditor):
        assert names(release, person) == set(), person
        assert not policy.can_edit(person, release)
    # a checker must vote on every file before submitting a review
    assert "first_review" not in names(release, rw.checker)
    assert names(release, rw.checker) == {"return_to_author"}
    file = release.files.get()
    assert policy.can_vote(rw.checker, file) and not policy.can_vote(rw.colleague, file)
    requests.vote(actor=rw.checker, file=file, decision="approve")
    assert names(release, rw.checker) == {"first_review", "return_to_author"}


def test_who_sees_a_request_and_the_release_log(rw, make_user):
    release = request_with(rw, {"a.png": (b"png", {})})
    for person in (rw.author, rw.colleague, rw.checker, rw.auditor):
        assert policy.can_see(person, release), person
    for person in (rw.outsider, rw.manager, make_user(Role.CASE_HANDLER)):
        assert not policy.can_see(person, release), person
    assert policy.can_see_log(rw.checker) and policy.can_see_log(rw.auditor)
    assert not policy.can_see_log(rw.author)


def test_a_checker_who_is_a_member_of_the_project_never_reviews_it(rw, make_user):
    from fivesafes.projects.models import ProjectMembership

    both = make_user(Role.OUTPUT_CHECKER, Role.RESEARCHER)
    ProjectMembership.objects.create(project=rw.project, person=both)
    release = submitted_and_checked(rw, request_with(rw, {"a.png": (b"png", {})}))
    assert not policy.can_review(both, release)
    with pytest.raises(Exception, match="member of project"):
        policy.check_vote(both, release.files.get())
    assert names(release, both) == set()


def test_a_checker_of_the_same_institution_never_reviews(rw, make_user):
    from fivesafes.people.services import researchers

    colleague_checker = make_user(Role.OUTPUT_CHECKER, Role.RESEARCHER)
    researchers.attach(actor=rw.manager, institution=rw.institution, researcher=colleague_checker)
    release = submitted_and_checked(rw, request_with(rw, {"a.png": (b"png", {})}))
    with pytest.raises(Exception, match="institution"):
        policy.check_review(colleague_checker, release)
    # the institution's manager, were they a checker, is of it too
    from fivesafes.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=rw.manager, role=Role.OUTPUT_CHECKER.value)
    rw.manager.forget_roles()
    assert not policy.can_review(rw.manager, release)
    assert policy.can_review(rw.checker, release)


def test_the_author_never_reviews_even_holding_the_checker_role(rw):
    from fivesafes.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=rw.author, role=Role.OUTPUT_CHECKER.value)
    rw.author.forget_roles()
    release = submitted_and_checked(rw, request_with(rw, {"a.png": (b"png", {})}))
    with pytest.raises(Exception, match="Four eyes: you wrote"):
        policy.check_review(rw.author, release)


def test_the_second_review_is_another_persons(rw):
    release = submitted_and_checked(rw, request_with(rw, {"a.png": (b"png", {})}))
    file = release.files.get()
    requests.vote(actor=rw.checker, file=file, decision="approve")
    release = requests.submit_review(actor=rw.checker, release=release)
    assert names(release, rw.checker) == {"return_to_author"}
    file.refresh_from_db()
    file.request = release
    assert not policy.can_vote(rw.checker, file)
    requests.vote(actor=rw.second_checker, file=file, decision="approve")
    assert "second_review" in names(release, rw.second_checker)
    assert not policy.can_vote(rw.third_checker, file)  # two votes are in


def test_requests_on_closed_projects_are_refused(rw):
    release = request_with(rw, {"a.png": (b"png", {})})
    rw.project.state = "closed"
    rw.project.save()
    release.refresh_from_db()
    assert not policy.can_create(rw.author, rw.project)
    assert not policy.can_edit(rw.author, release)
    assert names(release, rw.author) == set()


def test_only_members_of_an_open_project_download(rw, make_user):
    from fivesafes.release.models import ReleasedFile
    from fivesafes.release.services import release as releasing
    from tests.release.conftest import OK_TABLE, ROLES

    other = make_project("P-2026-099", rw.institution, rw.outsider)
    assert other.number != rw.project.number
    release = request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    submitted_and_checked(rw, release)
    releasing.run_batch()
    entry = ReleasedFile.objects.get()
    assert policy.can_download(rw.author, entry) and policy.can_download(rw.colleague, entry)
    for person in (rw.outsider, rw.manager, rw.checker, rw.auditor):
        assert not policy.can_download(person, entry), person
    rw.project.state = "closed"
    rw.project.save()
    entry.project.refresh_from_db()
    assert not policy.can_download(rw.author, entry)


def test_the_systems_steps_are_never_a_persons(rw):
    from fivesafes.shared.refusals import AccessDenied

    release = request_with(rw, {"t.png": (b"png", {})})
    requests.submit(actor=rw.author, release=release)
    release.refresh_from_db()
    for step in ("auto_approve", "checks_passed", "auto_return"):
        with pytest.raises(AccessDenied, match="taken by the system"):
            requests.take_step(actor=rw.checker, release=release, step=step)
    release.refresh_from_db()
    assert release.state == "submitted"
