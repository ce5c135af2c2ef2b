"""Model pieces the rooms repeat: a link that may be empty, a question answered once, and the
state of an object that walks a state machine.

Nothing here is a table of its own: `Question` is abstract, and each room's model adds the
object asked about and the question's text; `state_field` and `InMachine` add a field and a
property to the room's model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from fivesafes.shared.workflow import StateMachine

USER = settings.AUTH_USER_MODEL
S = TypeVar("S")


def optional(to: Any = USER, related_name: str = "+", **more: Any) -> models.ForeignKey[Any, Any]:
    """A link that may be empty and keeps what it points at from being deleted (a person by
    default; `related_name="+"` by default: no way back)."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=models.PROTECT, related_name=related_name, **more
    )


class Question(models.Model):
    """Asked by someone at a time, answered once: the answer, who gave it and when.

    A room's question adds the object it is about (`about`) and its text (in `text_field`);
    `shared.services.ask`/`answer_once` store it and write its audit events on that object, naming
    the question by `audit_id`.
    """

    text_field: ClassVar[str] = "text"
    audit_id: ClassVar[str] = "question"

    asked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = optional()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["asked_at", "pk"]

    @property
    def about(self) -> models.Model:
        """The object the question is asked about (its events are kept with it)."""
        raise NotImplementedError

    @property
    def asked(self) -> str:
        """The question's text."""
        return str(getattr(self, self.text_field))

    def record_answer(self, text: str, by: Any) -> None:
        """Store `text` as the answer given by `by` now (the caller holds the row's lock)."""
        self.answer, self.answered_by, self.answered_at = text, by, timezone.now()
        self.save(update_fields=["answer", "answered_by", "answered_at"])


def state_field(machine: StateMachine[Any], max_length: int) -> models.CharField[Any, Any]:
    """The field holding an object's state in `machine`: the states with their labels as the
    choices, the machine's initial state as the default."""
    return models.CharField(
        max_length=max_length,
        choices=[(state.value, state.label) for state in machine.states],
        default=machine.initial.value,
    )


class InMachine(Generic[S]):
    """A model whose state field (see `state_field`) holds a state of `machine`."""

    machine: ClassVar[StateMachine[Any]]

    @property
    def state_enum(self) -> S:
        """The state as the machine's enum."""
        return cast(S, self.machine.states(getattr(self, self.machine.state_field)))
