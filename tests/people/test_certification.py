"""R9: the test with a pass mark, results kept, valid one year, reminders, and the daily sweep."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from fivesafes.people.demo import ensure_questions
from fivesafes.people.models import CertificationAttempt, CertificationQuestion
from fivesafes.people.services.certification import current_certification
from fivesafes.people.tasks import run_daily_sweep
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client
from tests.page_text import rule_link, shown


def answers(right: int) -> dict[str, str]:
    data = {}
    for index, question in enumerate(CertificationQuestion.objects.all()):
        chosen = (
            question.correct_choice
            if index < right
            else (question.correct_choice + 1) % len(question.choices)
        )
        data[f"q{question.pk}"] = str(chosen)
    return data


def test_fail_then_pass_and_results_are_kept(make_user) -> None:
    ensure_questions()
    person = make_user(Role.RESEARCHER)
    client = verified_client(person)
    assert client.get(reverse("people:certification")).status_code == 200
    response = client.post(reverse("people:certification"), answers(3), follow=True)
    assert "Not passed: 3 of 5 right; 80 % are needed" in response.text
    assert current_certification(person) is None
    response = client.post(reverse("people:certification"), answers(4), follow=True)
    assert "Passed: 4 of 5 right" in response.text
    certification = current_certification(person)
    assert certification is not None
    assert certification.valid_until == timezone.localdate() + timedelta(days=365)
    assert list(
        CertificationAttempt.objects.filter(person=person).values_list("passed", flat=True)
    ) == [True, False]


def test_after_three_failed_attempts_the_test_pauses_until_tomorrow(make_user) -> None:
    """R9: answers cannot be tried until the pass mark comes up."""
    ensure_questions()
    person = make_user(Role.RESEARCHER)
    client = verified_client(person)
    for _ in range(3):
        client.post(reverse("people:certification"), answers(2))
    page = client.get(reverse("people:certification")).text
    assert "3 attempts failed today" in page and "Submit my answers" not in page
    response = client.post(reverse("people:certification"), answers(5))
    assert response.status_code == 400 and "take the test tomorrow" in response.text
    assert CertificationAttempt.objects.filter(person=person).count() == 3
    assert current_certification(person) is None
    # Attempts of an earlier day do not count.
    CertificationAttempt.objects.filter(person=person).update(
        taken_at=timezone.now() - timedelta(days=1)
    )
    response = client.post(reverse("people:certification"), answers(5), follow=True)
    assert "Passed: 5 of 5 right" in response.text


def test_unanswered_questions_are_refused(make_user) -> None:
    ensure_questions()
    client = verified_client(make_user(Role.RESEARCHER))
    response = client.post(reverse("people:certification"), {})
    assert response.status_code == 400
    assert not CertificationAttempt.objects.exists()


def test_staff_edit_the_question_bank(make_user) -> None:
    client = verified_client(make_user(Role.CASE_HANDLER))
    response = client.post(
        reverse("people:question_bank"),
        {
            "text": "May you share your password?",
            "choices": "Yes\nNo",
            "correct": "3",
            "active": "on",
        },
    )
    assert response.status_code == 400
    assert (
        "The right answer is a number from 1 to 2" in shown(response)
        and rule_link("R9") in response.text
    )
    assert not CertificationQuestion.objects.exists()
    client.post(
        reverse("people:question_bank"),
        {
            "text": "May you share your password?",
            "choices": "Yes\nNo",
            "correct": "2",
            "active": "on",
        },
    )
    assert CertificationQuestion.objects.get().correct_choice == 1
    researcher = verified_client(make_user(Role.RESEARCHER))
    assert researcher.get(reverse("people:question_bank")).status_code == 403


def test_reminder_before_expiry_once(make_user) -> None:
    person = make_user(Role.RESEARCHER)
    CertificationAttempt.objects.create(
        person=person,
        correct=5,
        total=5,
        passed=True,
        taken_at=timezone.now() - timedelta(days=350),
    )
    result = run_daily_sweep()
    assert result["reminded"] == 1
    assert len(mail.outbox) == 1 and person.email in mail.outbox[0].to
    assert run_daily_sweep()["reminded"] == 0


def test_sweep_expires_authorisations_past_their_period(world) -> None:
    from fivesafes.people.models import Authorisation

    Authorisation.objects.filter(pk=world.authorisation.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    assert run_daily_sweep()["expired"] == 1
    world.authorisation.refresh_from_db()
    world.agreement.refresh_from_db()
    assert world.authorisation.state == "expired"
    assert world.agreement.ended_at is not None and "expired" in world.agreement.end_reason


def test_my_access_warns_before_the_certification_ends(make_user) -> None:
    person = make_user(Role.RESEARCHER)
    attempt = CertificationAttempt.objects.create(
        person=person,
        correct=5,
        total=5,
        passed=True,
        taken_at=timezone.now() - timedelta(days=350),
    )
    response = verified_client(person).get(reverse("people:my_access"))
    assert f"until {attempt.valid_until}" in response.text and "Renew soon" in response.text
    attempt.taken_at = timezone.now()
    attempt.save()
    assert "Renew soon" not in verified_client(person).get(reverse("people:my_access")).text


def test_the_sweep_command(db) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("people_sweep", stdout=out)
    assert out.getvalue().strip() == "0 expired, 0 reinstated, 0 reminded"
