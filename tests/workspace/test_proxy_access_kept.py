"""The proxy keeps a passing answer of the access rule and reuses it only while nothing the rule
reads has changed: every kind of change ends access at the very next request (a sanction, an
ended agreement, a certification that lapsed by date, a membership removed, the institution's
authorisation withdrawn, the project closed, the second factor reset, the role taken away).
A request that reuses the answer costs a handful of queries, not the full rule's; when the
access generation cannot be read, the full rule is asked.

The sandbox is faked: a request the proxy lets through finds no JupyterLab and answers 502."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fivesafes.workspace.models import LabSession
from tests.workspace.lab_world import NUMBER, cookie_of, lab_world  # noqa: F401
from tests.workspace.test_lab_services import fake, start  # noqa: F401
from tests.workspace.test_proxy_access import get, proxy  # noqa: F401

STATUS = f"/workspace/{NUMBER}/lab/api/status"
PASSED = 502  # let through; the faked session does not answer


def passing(proxy: Any, cookie: str) -> None:  # noqa: F811
    answer = get(proxy, STATUS, cookie)
    assert answer.status_code == PASSED, answer.text


def queries_of_one_request(proxy: Any, cookie: str) -> int:  # noqa: F811
    with CaptureQueriesContext(connection) as queries:
        passing(proxy, cookie)
    return len(queries)


def test_a_kept_answer_costs_a_few_queries_and_the_full_rule_many(lab_world, fake, proxy) -> None:  # noqa: F811
    from fivesafes.policy import access_generation

    start(lab_world)
    cookie = cookie_of(lab_world.owner)
    passing(proxy, cookie)  # the first request asks the full rule
    kept = queries_of_one_request(proxy, cookie)
    access_generation.bump()
    full = queries_of_one_request(proxy, cookie)
    assert kept <= 5, kept
    assert full >= kept + 8, (kept, full)


def _sanction(world: Any) -> None:
    from fivesafes.people.models import Breach, Sanction

    breach = Breach.objects.create(
        researcher=world.owner, what_happened="x", evidence="y", reported_by=world.staff
    )
    Sanction.objects.create(
        breach=breach,
        kind=Sanction.Kind.EXCLUSION,
        person=world.owner,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=3 * 366),
        decided_by=world.staff,
    )


def _agreement_ended(world: Any) -> None:
    from fivesafes.people.services.agreements import end_agreements_of

    end_agreements_of(world.owner, reason="notice given")


def _membership_removed(world: Any) -> None:
    world.project.memberships.filter(person=world.owner).delete()


def _institution_suspended(world: Any) -> None:
    for authorisation in world.project.institution.authorisations.all():
        authorisation.valid_until = timezone.localdate() - timedelta(days=1)
        authorisation.save()


def _project_closed(world: Any) -> None:
    project = world.project
    project.state = project.State.CLOSED
    project.closed_at = timezone.now()
    project.save()


def _second_factor_reset(world: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=world.owner).delete()


def _role_taken_away(world: Any) -> None:
    world.owner.role_assignments.all().delete()


def _deactivated(world: Any) -> None:
    world.owner.is_active = False
    world.owner.save()


def _new_member(world: Any, make_user: Any, name: str) -> Any:
    """Another member of the project, able to work in it like the owner."""
    from fivesafes.people.services import researchers
    from fivesafes.policy.permissions import Role
    from fivesafes.projects.models import ProjectMembership
    from tests.delivery.conftest import make_agreement
    from tests.people.conftest import certify

    person = make_user(Role.RESEARCHER, username=name)
    manager = world.project.responsible
    researchers.attach(actor=manager, institution=world.project.institution, researcher=person)
    certify(person)
    ProjectMembership.objects.create(project=world.project, person=person)
    make_agreement(manager, person, world.project)
    return person


# Each change ends one person's access; the others' kept answers still pass afterwards.
PERSONAL_CHANGES = {
    "sanction": (_sanction, "excluded"),
    "agreement ended": (_agreement_ended, "agreement"),
    "membership removed": (_membership_removed, "no such"),
    "second factor reset": (_second_factor_reset, "two-factor"),
    "role taken away": (_role_taken_away, "roles"),
    "deactivated": (_deactivated, "Sign in"),
}


def test_every_change_to_a_person_ends_their_access_at_the_next_request_and_only_theirs(
    lab_world,  # noqa: F811
    fake,  # noqa: F811
    proxy,  # noqa: F811
    make_user,
) -> None:
    people = {
        change: _new_member(lab_world, make_user, f"m{i}")
        for i, change in enumerate(PERSONAL_CHANGES)
    }
    start(lab_world)
    cookies = {}
    for change, person in people.items():
        start(lab_world, person)
        cookies[change] = cookie_of(person)
        passing(proxy, cookies[change])
        passing(proxy, cookies[change])  # now from the kept answer
    for change, (make, words) in PERSONAL_CHANGES.items():
        world = SimpleNamespace(
            owner=people[change], project=lab_world.project, staff=lab_world.staff
        )
        make(world)
        answer = get(proxy, STATUS, cookies[change])
        assert answer.status_code in (401, 403, 404), (change, answer.status_code, answer.text)
        assert words in answer.json()["message"], (change, answer.json()["message"])
    passing(proxy, cookie_of(lab_world.owner))  # untouched by the others' changes
    # The institution's authorisation ends: nobody may work in the project any more.
    cookie = cookie_of(lab_world.colleague)
    start(lab_world, lab_world.colleague)
    passing(proxy, cookie)
    _institution_suspended(lab_world)
    answer = get(proxy, STATUS, cookie)
    assert answer.status_code == 403 and "not authorised" in answer.json()["message"]


def test_a_kept_answer_serves_one_address_and_a_closed_project_ends_it(
    lab_world,  # noqa: F811
    fake,  # noqa: F811
    proxy,  # noqa: F811
) -> None:
    start(lab_world)
    cookie = cookie_of(lab_world.owner)
    passing(proxy, cookie)
    passing(proxy, cookie)
    elsewhere = get(proxy, STATUS, cookie, address="10.9.9.9")
    assert elsewhere.status_code == 403 and "10.9.9.9" in elsewhere.json()["message"]
    _project_closed(lab_world)
    answer = get(proxy, STATUS, cookie)
    assert answer.status_code == 403 and "closed" in answer.json()["message"]
    assert LabSession.objects.get().state != "running"


def test_a_certification_that_lapses_by_date_ends_access_the_next_day(
    lab_world,  # noqa: F811
    fake,  # noqa: F811
    proxy,  # noqa: F811
    monkeypatch,
) -> None:
    from fivesafes.people.models import CertificationAttempt
    from fivesafes.people.models.certification import CERTIFICATION_VALID_DAYS

    start(lab_world)
    # Certified a year ago: valid today, lapsed tomorrow.
    CertificationAttempt.objects.filter(person=lab_world.owner).update(
        taken_at=timezone.now() - timedelta(days=CERTIFICATION_VALID_DAYS)
    )
    passing(proxy, cookie_of(lab_world.owner))
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=1))
    answer = get(proxy, STATUS, cookie_of(lab_world.owner))  # signed in again, next day
    assert answer.status_code == 403
    assert "certification lapsed" in answer.json()["message"]


def test_when_the_generation_cannot_be_read_the_full_rule_is_asked(
    lab_world,  # noqa: F811
    fake,  # noqa: F811
    proxy,  # noqa: F811
    monkeypatch,
) -> None:
    from fivesafes.people.models import ResearcherAgreement
    from fivesafes.policy import access_generation

    start(lab_world)
    cookie = cookie_of(lab_world.owner)
    passing(proxy, cookie)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("no such table")

    monkeypatch.setattr(access_generation.AccessGeneration.objects, "filter", broken)
    assert access_generation.current() is None
    # A change that moves no generation (a bulk update): only the full rule sees it.
    ResearcherAgreement.objects.filter(researcher=lab_world.owner).update(ended_at=timezone.now())
    answer = get(proxy, STATUS, cookie)
    assert answer.status_code == 403 and "agreement" in answer.json()["message"]
