"""R9: the certification test, its results, the question bank and reminders before expiry."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.audit.services import record
from fivesafes.people import queries, rules
from fivesafes.people.models import CertificationAttempt, CertificationQuestion
from fivesafes.people.models.certification import PASS_MARK
from fivesafes.policy.certification import check_take_test
from fivesafes.policy.permissions import Permission
from fivesafes.shared.language import in_language_of
from fivesafes.shared.refusals import RuleViolation
from fivesafes.shared.services import lock, require

if TYPE_CHECKING:
    from django.http import HttpRequest

    from fivesafes.accounts.models import User

REMIND_DAYS_BEFORE = 30


# The reads live with safe people's queries; named here too for the callers of this service.
current_certification = queries.current_certification
last_passed = queries.last_passed


def take_test(
    *, actor: User, answers: dict[int, int], request: HttpRequest | None = None
) -> CertificationAttempt:
    """Score the answers (question id -> chosen position) against the active question bank."""
    require(actor, Permission.WORK_IN_PROJECTS)
    check_take_test(actor)
    questions = list(CertificationQuestion.objects.filter(active=True))
    if not questions:
        raise RuleViolation("R9", "questions", _("The question bank is empty; ask the office."))
    missing = [q.pk for q in questions if q.pk not in answers]
    if missing:
        raise RuleViolation(
            "R9",
            "answers",
            _("Answer every question (%(count)s left).") % {"count": len(missing)},
        )
    correct = sum(1 for q in questions if answers[q.pk] == q.correct_choice)
    passed = rules.certification_passed(correct, len(questions), PASS_MARK)
    with transaction.atomic():
        attempt = CertificationAttempt.objects.create(
            person=actor,
            correct=correct,
            total=len(questions),
            pass_mark=PASS_MARK,
            passed=passed,
            answers={str(k): v for k, v in answers.items()},
        )
        record(
            action="certification.passed" if passed else "certification.failed",
            actor=actor,
            obj=attempt,
            after={"correct": correct, "total": len(questions), "passed": passed},
            request=request,
        )
    return attempt


def save_question(
    *,
    actor: User,
    text: str,
    choices: list[str],
    correct_choice: int,
    active: bool = True,
    question: CertificationQuestion | None = None,
    request: HttpRequest | None = None,
) -> CertificationQuestion:
    require(actor, Permission.EDIT_CERTIFICATION_QUESTIONS)
    choices = [c.strip() for c in choices if c.strip()]
    if not text.strip():
        raise RuleViolation("R9", "text", _("Write the question."))
    if len(choices) < 2:
        raise RuleViolation("R9", "choices", _("Give at least two answers, one per line."))
    if not 0 <= correct_choice < len(choices):
        raise RuleViolation(
            "R9",
            "correct_choice",
            _("The right answer is a number from 1 to %(count)s.") % {"count": len(choices)},
        )
    with transaction.atomic():
        before = None
        if question is None:
            question = CertificationQuestion(edited_by=actor)
        else:
            question = lock(question)
            before = {
                "text": question.text,
                "choices": question.choices,
                "correct_choice": question.correct_choice,
                "active": question.active,
            }
        question.text, question.choices = text.strip(), choices
        question.correct_choice, question.active = correct_choice, active
        question.edited_by, question.edited_at = actor, timezone.now()
        question.save()
        record(
            action="certification.question_saved",
            actor=actor,
            obj=question,
            before=before,
            after={
                "text": question.text,
                "choices": choices,
                "correct_choice": correct_choice,
                "active": active,
            },
            request=request,
        )
    return question


def _reminder(attempt: CertificationAttempt) -> tuple[str, str]:
    """The reminder's subject and body, in the language the person chose (else English)."""
    with in_language_of(attempt.person):
        return (
            _("Your data-security certification ends soon"),
            _(
                "Your certification is valid until %(day)s. Take the test again before then "
                "to keep access to your projects (R9)."
            )
            % {"day": attempt.valid_until},
        )


def send_reminders(*, on: date | None = None) -> int:
    """Remind everyone whose certification ends within REMIND_DAYS_BEFORE days (once per result)."""
    day = on or timezone.localdate()
    sent = 0
    seen: set[int] = set()
    for attempt in CertificationAttempt.objects.filter(passed=True).select_related("person"):
        if attempt.person_id in seen:
            continue  # only the latest passed attempt counts
        seen.add(attempt.person_id)
        if attempt.reminder_sent_at is not None:
            continue
        if not day <= attempt.valid_until <= day + timedelta(days=REMIND_DAYS_BEFORE):
            continue
        with transaction.atomic():
            subject, body = _reminder(attempt)
            send_mail(subject, body, None, [attempt.person.email])
            attempt.reminder_sent_at = timezone.now()
            attempt.save(update_fields=["reminder_sent_at"])
            record(
                action="certification.reminder_sent",
                obj=attempt,
                data={"person": attempt.person_id, "valid_until": attempt.valid_until},
            )
        sent += 1
    return sent
