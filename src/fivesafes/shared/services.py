"""What every service shares: the permission a step needs, the locked row, plain snapshots for
the audit log, `change` (set fields and record them before and after), and asking and
answering a question (`shared.models.Question`).

The object-level questions ("may this person do this to this object now") are the policy's
`check_*` functions; `require` is only the role check under them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.utils.translation import gettext as _

from fivesafes.policy.permissions import Permission, permissions_of
from fivesafes.shared.refusals import AccessDenied, RuleViolation

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest

    from fivesafes.shared.models import Question

M = TypeVar("M", bound="Model")
Q = TypeVar("Q", bound="Question")


def require(actor: Any, permission: Permission) -> None:
    """The actor's roles must grant `permission` (the web/API layer has checked two factors)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise AccessDenied(_("Sign in first."), status=401, sign_in=True)
    if permission not in permissions_of(actor.roles):
        raise AccessDenied(
            _("Your roles do not include the permission '%(permission)s' this step needs.")
            % {"permission": permission.value}
        )


def lock(obj: M, *related: str) -> M:
    """`obj`'s row read afresh and locked until the transaction ends (with the `related`
    links read in the same query); call it inside `transaction.atomic()`."""
    rows = type(obj)._default_manager.select_for_update()
    if related:
        rows = rows.select_related(*related)
    return rows.get(pk=obj.pk)


def next_free_number(model: type[Model], prefix: str, digits: int) -> str:
    """The next `<prefix><n>` (n zero-padded to `digits`) no `model` row has as its `number`."""
    taken = set(
        model._default_manager.filter(number__startswith=prefix).values_list("number", flat=True)
    )
    n = len(taken) + 1
    while f"{prefix}{n:0{digits}d}" in taken:
        n += 1
    return f"{prefix}{n:0{digits}d}"


def snapshot(obj: Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """The named fields of `obj` as plain values (foreign keys by id)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = getattr(obj, field.attname)
    return values


def change(
    obj: Model,
    values: dict[str, Any],
    *,
    audit_action: str,
    actor: Any,
    request: HttpRequest | None = None,
    data: dict[str, Any] | None = None,
    stamped: tuple[str, ...] = (),
) -> None:
    """Set `values` on `obj`, save those fields (and the `stamped` ones the caller set, which
    the event leaves out), and record `audit_action` with the fields before and after (links
    by id). Call it inside the service's transaction, with `obj` locked."""
    from fivesafes.audit.services import record

    fields = tuple(values)
    before = snapshot(obj, fields)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*fields, *stamped])
    record(
        action=audit_action,
        actor=actor,
        obj=obj,
        before=before,
        after=snapshot(obj, fields),
        data=data,
        request=request,
    )


def ask(question: Q, *, audit_action: str, request: HttpRequest | None = None) -> Q:
    """Store a new question (its object, text and asker set) and record `audit_action` on the
    object it is about, with the question's id and text. Call it inside the service's
    transaction, with that object locked."""
    from fivesafes.audit.services import record

    question.save()
    record(
        action=audit_action,
        actor=question.asked_by,
        obj=question.about,
        data={question.audit_id: question.pk, question.text_field: question.asked},
        request=request,
    )
    return question


def answer_once(
    question: Q,
    text: str,
    actor: Any,
    *,
    rule: str,
    audit_action: str,
    request: HttpRequest | None = None,
) -> Q:
    """Store `actor`'s answer to `question`, answered once (a refusal under `rule` otherwise),
    and record `audit_action` on the object it is about. Call it inside the service's
    transaction, with `question` locked."""
    from fivesafes.audit.services import record

    if question.answered_at is not None:
        raise RuleViolation(rule, "answer", _("This question has been answered already."))
    question.record_answer(text, actor)
    record(
        action=audit_action,
        actor=actor,
        obj=question.about,
        data={question.audit_id: question.pk, "answer": question.answer},
        request=request,
    )
    return question
