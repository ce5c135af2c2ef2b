"""State machines as data, and the one walker that moves an object along them.

A room declares its machine with `machine(...)`: the states (an enum), the initial and final
states, who acts next in each open state (`owners`), and its `Transition`s (sources, target,
the permission its actor needs, the audit action it writes, the earlier actors who may not
take it, the field that stamps who took it, whether only the person in a field may take it,
whether it needs a note). Every machine is registered, so one completeness test covers all of
them (`tests/test_state_machines.py`).

`take_step` is the walker: it checks the permission, locks the object, checks the state, the
actor (owner only, four eyes) and the note, runs the room's hooks for the step, stamps the
state and the actor, saves, and writes the transition's audit event, all in one transaction.
`steps_for` answers "what may this person do next with this object", the one answer used to
draw buttons, to list `next_steps` in the API and (through `check_step`) to guard the service.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from django.utils.translation import gettext as _

from fivesafes.policy.permissions import Permission, permissions_of
from fivesafes.shared.labels import gettext_noop, translated
from fivesafes.shared.refusals import AccessDenied, RuleViolation

S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class Transition(Generic[S]):
    """One step: from any of `sources` to `target`, taken by a person with `permission`."""

    name: str
    # The step's name as written, in English (marked `gettext_noop` where it is declared);
    # `label` is what a page shows, in the reader's language.
    words: str
    sources: frozenset[S]
    target: S
    permission: Permission
    audit_action: str
    # Fields of the object holding earlier actors who may not take this step (four eyes).
    not_by: tuple[str, ...] = ()
    # The field of the object that records who took this step.
    actor_field: str | None = None
    # Only the person in this field of the object may take the step (e.g. the applicant).
    owner_field: str | None = None
    # The step needs a note (a reason to return, refuse, recommend).
    needs_note: bool = False
    # The field of the object the note is kept in, if any.
    note_field: str | None = None
    # Taken by the system (a daily sweep), never offered to a person.
    automatic: bool = False
    # The system (a daily sweep) may take it too, though it is offered to people as well.
    by_system: bool = False

    @property
    def label(self) -> str:
        return translated(self.words)


@dataclass(frozen=True)
class Steps(Generic[S]):
    """Writes a table's transitions briefly: `Steps[CaseState]("authorisation")("approve", ...)`
    is the transition whose audit action is "authorisation.approve"; `sources` may be any
    collection of states."""

    prefix: str

    def __call__(
        self,
        name: str,
        label: str,
        sources: Iterable[S],
        target: S,
        permission: Permission,
        **options: Any,
    ) -> Transition[S]:
        return Transition(
            name=name,
            words=label,
            sources=frozenset(sources),
            target=target,
            permission=permission,
            audit_action=f"{self.prefix}.{name}",
            **options,
        )


@dataclass(frozen=True)
class StateMachine(Generic[S]):
    """A workflow as data: see the module docstring."""

    name: str
    subject: str
    rule: str
    states: type[S]
    initial: S
    final: frozenset[S]
    owners: Mapping[S, str]
    transitions: Mapping[str, Transition[S]]
    four_eyes_rule: str = "R17"
    # The field a four-eyes refusal names (e.g. "decided_by"); the earlier actor's field if unset.
    four_eyes_field: str | None = None
    # The field of the object that holds its state.
    state_field: str = "state"

    def state_of(self, obj: Any) -> S:
        """The object's current state as a member of `states`."""
        return self.states(getattr(obj, self.state_field))

    def step(self, name: str) -> Transition[S]:
        """The transition called `name`, or a refusal naming the field `step`."""
        transition = self.transitions.get(name)
        if transition is None:
            raise RuleViolation(
                self.rule,
                "step",
                _("'%(step)s' is not a step of %(subject)s.")
                % {"step": name, "subject": self.subject},
            )
        return transition

    def available(self, state: S) -> list[Transition[S]]:
        """The transitions that leave `state`, in the table's order."""
        return [t for t in self.transitions.values() if state in t.sources]

    def reachable(self) -> set[S]:
        """Every state reachable from the initial one."""
        seen = {self.initial}
        frontier = [self.initial]
        while frontier:
            state = frontier.pop()
            for transition in self.available(state):
                if transition.target not in seen:
                    seen.add(transition.target)
                    frontier.append(transition.target)
        return seen

    def state_refusal(self, state: S, transition: Transition[S], what: str) -> RuleViolation | None:
        """Why the step does not leave the object's current state, or None when it does."""
        if state in transition.sources:
            return None
        return RuleViolation(
            self.rule,
            "state",
            _("%(what)s is %(state)s; '%(step)s' is not possible now.")
            % {
                "what": what,
                "state": state.label.lower(),  # type: ignore[attr-defined]
                "step": transition.label,
            },
        )

    def check_state(self, state: S, transition: Transition[S], what: str) -> None:
        """Refuse a step that does not leave the object's current state."""
        refusal = self.state_refusal(state, transition, what)
        if refusal is not None:
            raise refusal


def permission_refusal(actor: Any, transition: Transition[Any]) -> AccessDenied | None:
    """Why the actor's roles do not allow the step, or None when they do."""
    if transition.permission in permissions_of(getattr(actor, "roles", frozenset())):
        return None
    return AccessDenied(
        _("Your roles do not include the permission '%(permission)s' needed to %(step)s.")
        % {"permission": transition.permission.value, "step": transition.label.lower()}
    )


MACHINES: list[StateMachine[Any]] = []


def machine(
    *,
    name: str,
    subject: str,
    rule: str,
    states: type[S],
    initial: S,
    final: frozenset[S] | set[S],
    owners: Mapping[S, str],
    transitions: list[Transition[S]],
    four_eyes_rule: str = "R17",
    four_eyes_field: str | None = None,
    state_field: str = "state",
) -> StateMachine[S]:
    """Declare and register a state machine (see the module docstring)."""
    declared = StateMachine(
        name=name,
        subject=subject,
        rule=rule,
        states=states,
        initial=initial,
        final=frozenset(final),
        owners=dict(owners),
        transitions={t.name: t for t in transitions},
        four_eyes_rule=four_eyes_rule,
        four_eyes_field=four_eyes_field,
        state_field=state_field,
    )
    MACHINES[:] = [m for m in MACHINES if m.name != name] + [declared]
    return declared


# The people the tables' fields name, as a refusal names them (marked for the catalogue).
PERSON_WORDS = {
    "applicant": gettext_noop("applicant"),
    "case_handler": gettext_noop("case handler"),
    "responsible": gettext_noop("responsible"),
    "person": gettext_noop("person"),
    "author": gettext_noop("author"),
    "first_reviewer": gettext_noop("first reviewer"),
}


def person_label(field_name: str) -> str:
    """'recommended_by' -> 'recommended', 'case_handler' -> 'case handler', in the reader's
    language for the fields of PERSON_WORDS."""
    written = PERSON_WORDS.get(field_name)
    return translated(written) if written else field_name.removesuffix("_by").replace("_", " ")


@dataclass(frozen=True)
class ActorFacts:
    """What the actor checks need to know about the person (plain facts)."""

    pk: Any
    permissions: frozenset[Permission]


def actor_facts(actor: Any) -> ActorFacts:
    return ActorFacts(pk=actor.pk, permissions=permissions_of(actor.roles))


Earlier = Callable[[str], bool]


def refusal_for(
    sm: StateMachine[Any],
    transition: Transition[Any],
    obj: Any,
    actor: Any,
    *,
    state: Any = None,
    earlier: Earlier | None = None,
    what: str = "",
) -> Exception | None:
    """Why `actor` may not take `transition` on `obj` now (None when they may).

    The state, the permission, owner-only steps and four eyes: the fields in `not_by` hold
    earlier actors; `earlier(field)` says whether the actor filled that role in an earlier
    round (the audit trail remembers what the fields forget).
    """
    current = state if state is not None else sm.state_of(obj)
    label = what or str(obj)
    wrong_state = sm.state_refusal(current, transition, label)
    if wrong_state is not None:
        return wrong_state
    if actor is None or not getattr(actor, "is_authenticated", False):
        return AccessDenied(_("Sign in first."), status=401, sign_in=True)
    not_permitted = permission_refusal(actor, transition)
    if not_permitted is not None:
        return not_permitted
    if transition.owner_field and getattr(obj, f"{transition.owner_field}_id") != actor.pk:
        return AccessDenied(
            _("Only the %(person)s can %(step)s.")
            % {"person": person_label(transition.owner_field), "step": transition.label.lower()}
        )
    for name in transition.not_by:
        if getattr(obj, f"{name}_id", None) == actor.pk or (earlier is not None and earlier(name)):
            return RuleViolation(
                sm.four_eyes_rule,
                sm.four_eyes_field or name,
                _("Four eyes: you %(did)s on %(what)s, so a different person must %(step)s.")
                % {"did": _did(name), "what": label, "step": transition.label.lower()},
            )
    return None


def _did(field_name: str) -> str:
    done = {
        "applicant": _("applied"),
        "case_handler": _("handled it"),
        "recommended_by": _("recommended it"),
        "prepared_by": _("prepared the agreement"),
    }
    return done.get(field_name) or _("were the %(person)s") % {"person": person_label(field_name)}


@dataclass
class Step(Generic[S]):
    """What a hook sees: the locked object, the step, who takes it, the note and options.

    Hooks may change the object (and name the fields in `fields`), put what the audit event
    should show after the step in `after`, and add `data` to the event.
    """

    obj: Any
    transition: Transition[S]
    actor: Any
    note: str
    options: dict[str, Any]
    request: Any
    fields: list[str] = field(default_factory=list)
    after: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


Hook = Callable[[Step[Any]], None]


@dataclass(frozen=True)
class Hooks:
    """A room's per-step code: `check` runs before any step (after the actor checks), `before`
    and `after` by step name around the state change, `on_commit` once the change is committed.
    `earlier` answers four eyes over earlier rounds; `snapshot` lists the fields the audit event
    shows before and after."""

    lock: Callable[[Any], Any]
    check: Hook | None = None
    before: Mapping[str, Hook] = field(default_factory=dict)
    after: Mapping[str, Hook] = field(default_factory=dict)
    on_commit: Mapping[str, Hook] = field(default_factory=dict)
    earlier: Callable[[Any, Any], Earlier] | None = None
    snapshot: tuple[str, ...] = ("state",)
    describe: Callable[[Any], str] = str
    # The object the audit event is about, if not the object itself (a quote's event is kept
    # with its application, so the application's history shows it).
    audited: Callable[[Any], Any] | None = None


def take_step(
    sm: StateMachine[S],
    hooks: Hooks,
    *,
    obj: Any,
    step: str,
    actor: Any,
    note: str = "",
    request: Any = None,
    **options: Any,
) -> Any:
    """Walk one transition of `sm` for `obj`; one transaction with its audit event.

    `actor=None` is the system (a daily sweep): only automatic steps, no actor checks.
    """
    from django.db import transaction
    from django.utils import timezone

    from fivesafes.audit.services import record

    transition = sm.step(step)
    note = note.strip()
    if actor is None and not (transition.automatic or transition.by_system):
        raise AccessDenied(_("Sign in first."), status=401, sign_in=True)
    if actor is not None and (not_permitted := permission_refusal(actor, transition)):
        raise not_permitted
    with transaction.atomic():
        locked = hooks.lock(obj)
        what = hooks.describe(locked)
        sm.check_state(sm.state_of(locked), transition, what)
        if actor is not None:
            earlier = hooks.earlier(locked, actor) if hooks.earlier else None
            refusal = refusal_for(sm, transition, locked, actor, earlier=earlier, what=what)
            if refusal is not None:
                raise refusal
        if transition.needs_note and not note:
            raise RuleViolation(
                sm.rule, "note", _("'%(step)s' needs a note.") % {"step": transition.label}
            )
        taken = Step(
            obj=locked,
            transition=transition,
            actor=actor,
            note=note,
            options=options,
            request=request,
        )
        if hooks.check is not None:
            hooks.check(taken)
        if transition.name in hooks.before:
            hooks.before[transition.name](taken)
        before = {name: _plain(getattr(locked, name)) for name in hooks.snapshot}
        setattr(locked, sm.state_field, transition.target.value)
        taken.fields.append(sm.state_field)
        if transition.actor_field and actor is not None:
            setattr(locked, transition.actor_field, actor)
            taken.fields.append(transition.actor_field)
        if transition.note_field and taken.note:
            setattr(locked, transition.note_field, taken.note)
            taken.fields.append(transition.note_field)
        if hasattr(locked, "changed_at"):
            locked.changed_at = timezone.now()
            taken.fields.append("changed_at")
        locked.save(update_fields=sorted(set(taken.fields)))
        if transition.name in hooks.after:
            hooks.after[transition.name](taken)
        after = {name: _plain(getattr(locked, name)) for name in hooks.snapshot}
        record(
            action=transition.audit_action,
            actor=actor,
            obj=hooks.audited(locked) if hooks.audited else locked,
            before=before,
            after={**after, **taken.after},
            data={**({"note": taken.note} if taken.note else {}), **taken.data} or None,
            request=request,
        )
        if transition.name in hooks.on_commit:
            commit_hook = hooks.on_commit[transition.name]
            transaction.on_commit(lambda: commit_hook(taken))
    return locked


def _plain(value: Any) -> Any:
    return getattr(value, "pk", value) if hasattr(value, "_meta") else value


def steps_for(
    sm: StateMachine[S],
    obj: Any,
    actor: Any,
    *,
    earlier: Earlier | None = None,
    extra: Callable[[Transition[S]], bool] | None = None,
) -> list[Transition[S]]:
    """The steps `actor` may take on `obj` now: the one answer for buttons, API and service.

    `extra(transition)` lets the room's policy add conditions (a fast track only when
    eligible); automatic steps are never offered."""
    state = sm.state_of(obj)
    return [
        t
        for t in sm.available(state)
        if not t.automatic
        and refusal_for(sm, t, obj, actor, state=state, earlier=earlier) is None
        and (extra is None or extra(t))
    ]


RoomRefusal = Callable[[Any, Any, "Transition[Any]"], Exception | None]


@dataclass(frozen=True)
class StepPolicy(Generic[S]):
    """A room's one answer to "may this person take this step on this object now": the
    machine's conditions (`refusal_for`: state, permission, owner, four eyes) and then the
    room's own, `room(obj, person, transition)`. The room's policy module names the answers
    `step_refusal`, `check_step`, `can_step` and `next_steps`, so the buttons, the API's
    `next_steps` and the service's guard are the one answer.

    `describe(obj)` names the object in a refusal; `earlier(obj, person)` says which earlier
    roles the person filled (see `refusal_for`); `offered(obj, transition)` holds back a step
    from `next_steps` only (a fast track offered to an eligible object alone)."""

    sm: StateMachine[S]
    room: RoomRefusal
    describe: Callable[[Any], str] = str
    earlier: Callable[[Any, Any], Earlier | None] | None = None
    offered: Callable[[Any, Transition[S]], bool] | None = None

    def _earlier(self, obj: Any, person: Any) -> Earlier | None:
        return self.earlier(obj, person) if self.earlier is not None else None

    def refusal(self, obj: Any, person: Any, step: str) -> Exception | None:
        """Why `person` may not take `step` on `obj` now, or None when they may."""
        transition = self.sm.step(step)
        earlier = self._earlier(obj, person)
        what = self.describe(obj)
        refusal = refusal_for(self.sm, transition, obj, person, earlier=earlier, what=what)
        return refusal or self.room(obj, person, transition)

    def check(self, person: Any, obj: Any, step: str) -> None:
        refusal = self.refusal(obj, person, step)
        if refusal is not None:
            raise refusal

    def can(self, person: Any, obj: Any, step: str) -> bool:
        return self.refusal(obj, person, step) is None

    def recheck(self, step: Step[S]) -> None:
        """The room's conditions asked again of the locked object: a walker's `check` hook."""
        refusal = self.room(step.obj, step.actor, step.transition)
        if refusal is not None:
            raise refusal

    def next_steps(self, obj: Any, person: Any) -> list[Transition[S]]:
        """The steps `person` may take on `obj` now, in the table's order (never automatic)."""
        offered = self.offered

        def allowed(t: Transition[S]) -> bool:
            return self.room(obj, person, t) is None and (offered is None or offered(obj, t))

        return steps_for(self.sm, obj, person, earlier=self._earlier(obj, person), extra=allowed)
