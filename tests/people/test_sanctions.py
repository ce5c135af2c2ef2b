"""R24: a decided exclusion takes effect at once, on the web and the API, for sessions and tokens."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fivesafes.accounts.models import ApiToken
from fivesafes.audit.models import AuditEvent
from fivesafes.people.models import Sanction
from fivesafes.people.services import sanctions
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client
from tests.page_text import shown


def test_exclusion_takes_effect_at_once(world, make_user) -> None:
    web = verified_client(world.researcher)
    assert web.get(reverse("web:dashboard")).status_code == 200
    _token, plain = ApiToken.issue(user=world.researcher, name="laptop", days=30)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert api.get("/api/v1/people/my-access").status_code == 200
    sessions_before = Session.objects.count()

    breach = sanctions.report_breach(
        actor=make_user(Role.OUTPUT_CHECKER),
        researcher=world.researcher,
        what_happened="Tried to download micro data",
        evidence="Transfer log 2026-11-20",
    )
    ends = timezone.localdate() + timedelta(days=3 * 366)
    sanctions.decide(
        actor=world.approver,
        breach=breach,
        decision="Excluded for three years",
        permanent=False,
        exclusion_ends_on=ends,
    )

    # the session is gone: the next request goes to sign-in
    assert Session.objects.count() == sessions_before - 1
    response = web.get(reverse("web:dashboard"))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    # signing in again does not help: the policy refuses with the reason
    again = verified_client(world.researcher)
    response = again.get(reverse("web:dashboard"))
    assert response.status_code == 403
    assert f"excluded from the research schemes until {ends}" in response.text
    response = again.get(reverse("people:project_entry", kwargs={"pk": world.project.pk}))
    assert response.status_code == 403
    # the API token is revoked
    assert ApiToken.objects.get(user=world.researcher).revoked_at is not None
    assert api.get("/api/v1/people/my-access").status_code == 401
    # the agreements ended, and everything is in the audit log
    world.agreement.refresh_from_db()
    assert world.agreement.ended_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "breach.reported",
        "sanction.exclusion",
        "breach.decided",
        "agreement.lapsed",
    } <= actions
    exclusion = AuditEvent.objects.get(action="sanction.exclusion")
    assert exclusion.data["tokens_revoked"] == 1 and exclusion.data["sessions_ended"] == 1


def test_other_people_are_untouched(world, make_user) -> None:
    breach = sanctions.report_breach(
        actor=make_user(Role.OUTPUT_CHECKER),
        researcher=world.researcher,
        what_happened="a",
        evidence="b",
    )
    colleague = verified_client(world.manager)
    sanctions.decide(
        actor=world.approver, breach=breach, decision="d", permanent=True, exclusion_ends_on=None
    )
    assert colleague.get(reverse("web:dashboard")).status_code == 200


def test_withdrawal_of_the_institution(world, make_user) -> None:
    breach = sanctions.report_breach(
        actor=make_user(Role.OUTPUT_CHECKER),
        researcher=world.researcher,
        what_happened="a",
        evidence="b",
    )
    until = timezone.localdate() + timedelta(days=90)
    sanctions.decide(
        actor=world.approver,
        breach=breach,
        decision="d",
        permanent=True,
        exclusion_ends_on=None,
        withdraw_institution_until=until,
    )
    world.authorisation.refresh_from_db()
    assert world.authorisation.state == "withdrawn"
    assert world.authorisation.withdrawn_until == until
    assert Sanction.objects.filter(kind="withdrawal", institution=world.institution).exists()
    assert not world.institution.is_authorised()


def test_the_decision_form_refuses_less_than_three_years(world, make_user) -> None:
    breach = sanctions.report_breach(
        actor=make_user(Role.OUTPUT_CHECKER),
        researcher=world.researcher,
        what_happened="a",
        evidence="b",
    )
    client = verified_client(world.approver)
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("people:decide_breach", kwargs={"pk": breach.pk}),
        {
            "decision": "Two years is enough",
            "exclusion_ends_on": timezone.localdate() + timedelta(days=730),
        },
    )
    assert response.status_code == 400
    assert "Exclusion ends on: An exclusion lasts at least 3 years" in shown(response)
    assert AuditEvent.objects.count() == events
    assert not Sanction.objects.exists()


def test_a_report_naming_the_wrong_person_is_dismissed_without_a_sanction(world, make_user) -> None:
    from fivesafes.people.models import Breach
    from tests.people.conftest import db_state

    checker = make_user(Role.OUTPUT_CHECKER)
    breach = sanctions.report_breach(
        actor=checker,
        researcher=world.researcher,
        what_happened="Output with a single person's income",
        evidence="Release request 17",
    )
    url = reverse("people:dismiss_breach", kwargs={"pk": breach.pk})
    # The reporter does not decide, not even to dismiss; an empty reason is refused.
    assert verified_client(checker).post(url, {"dismiss-reason": "Oops"}).status_code == 403
    breach.refresh_from_db()
    assert breach.state == Breach.State.REPORTED
    approver = verified_client(world.approver)
    before = db_state()
    response = approver.post(url, {"dismiss-reason": ""})
    assert response.status_code == 400 and "This field is required" in response.text
    assert db_state() == before

    page = approver.get(reverse("people:breach", kwargs={"pk": breach.pk}))
    assert "Dismiss: no breach" in page.text
    response = approver.post(
        url, {"dismiss-reason": "The request was Rikke's colleague's; wrong person named."}
    )
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.state == Breach.State.DISMISSED and breach.decided_by == world.approver
    assert not Sanction.objects.exists()
    assert verified_client(world.researcher).get(reverse("web:dashboard")).status_code == 200
    event = AuditEvent.objects.get(action="breach.dismissed")
    assert event.actor_label == world.approver.username
    # Closed: neither a sanction nor a second dismissal over the API.
    _token, plain = ApiToken.issue(user=world.approver, name="t", days=1)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    response = api.post(
        f"/api/v1/people/breaches/{breach.pk}/decision",
        {"decision": "d", "permanent": True},
        content_type="application/json",
    )
    assert (
        response.status_code == 400
        and response.json()["rule"] == "R24"
        and response.json()["field"] == "state"
    )
    assert not Sanction.objects.exists()


def test_the_reporter_cannot_dismiss_over_the_api(world, make_user) -> None:
    both = make_user(Role.APPROVER, Role.CASE_HANDLER)
    breach = sanctions.report_breach(
        actor=both, researcher=world.researcher, what_happened="x", evidence="y"
    )
    _token, plain = ApiToken.issue(user=both, name="t", days=1)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {plain}").post(
        f"/api/v1/people/breaches/{breach.pk}/dismissal",
        {"text": "Nothing happened."},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["rule"] == "R24" and response.json()["field"] == "decided_by"
    assert response.json()["detail"].startswith("Four eyes: the person who reported a breach")
    breach.refresh_from_db()
    assert breach.state == "reported"


def test_the_institution_is_reinstated_by_the_sweep_when_the_withdrawal_ends(
    world, make_user
) -> None:
    from fivesafes.people.models import Authorisation
    from fivesafes.people.services import researchers
    from fivesafes.people.tasks import run_daily_sweep

    breach = sanctions.report_breach(
        actor=make_user(Role.OUTPUT_CHECKER),
        researcher=world.researcher,
        what_happened="a",
        evidence="b",
    )
    today = timezone.localdate()
    sanctions.decide(
        actor=world.approver,
        breach=breach,
        decision="d",
        permanent=True,
        exclusion_ends_on=None,
        withdraw_institution_until=today + timedelta(days=30),
    )
    assert run_daily_sweep()["reinstated"] == 0
    # The withdrawal period is over (dates moved back instead of waiting a month).
    yesterday = today - timedelta(days=1)
    Authorisation.objects.filter(pk=world.authorisation.pk).update(withdrawn_until=yesterday)
    Sanction.objects.filter(kind="withdrawal").update(ends_on=yesterday)
    assert run_daily_sweep()["reinstated"] == 1
    world.authorisation.refresh_from_db()
    assert world.authorisation.state == "registered" and world.institution.is_authorised()
    assert AuditEvent.objects.filter(action="authorisation.reinstate").count() == 1
    # it takes researchers again; the excluded one stays out
    researchers.attach(
        actor=world.manager, institution=world.institution, researcher=make_user(Role.RESEARCHER)
    )
    world.agreement.refresh_from_db()
    assert world.agreement.ended_at is not None
