"""How a route declares its access rule. A route without a declaration is refused.

@public                      anyone, signed in or not (login pages, health, public catalogue)
@requires(Permission.X, ...) a signed-in, two-factor, permitted person
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fivesafes.policy.permissions import Permission

F = TypeVar("F", bound=Callable[..., Any])
ATTRIBUTE = "fivesafes_access_rule"


@dataclass(frozen=True)
class AccessRule:
    """Public, or signed in with every one of `permissions` and, if `any_of` is given, at least
    one of those (an operation two kinds of person may take, each under its own permission)."""

    public: bool
    permissions: tuple[Permission, ...] = ()
    any_of: tuple[Permission, ...] = ()

    def allows(self, granted: frozenset[Permission]) -> bool:
        """Whether a person holding `granted` passes the rule (the object rules come after)."""
        if self.public:
            return True
        return set(self.permissions) <= granted and (
            not self.any_of or bool(set(self.any_of) & granted)
        )

    def describe(self) -> str:
        if self.public:
            return "public"
        text = "signed in with " + (", ".join(p.value for p in self.permissions) or "any role")
        if self.any_of:
            text += " and one of " + ", ".join(p.value for p in self.any_of)
        return text


def _mark(view: F, rule: AccessRule) -> F:
    target = getattr(view, "view_class", None) or view
    setattr(target, ATTRIBUTE, rule)
    if target is not view:
        setattr(view, ATTRIBUTE, rule)
    return view


def public(view: F) -> F:
    return _mark(view, AccessRule(public=True))


def requires(*permissions: Permission, any_of: tuple[Permission, ...] = ()) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        return _mark(view, AccessRule(public=False, permissions=tuple(permissions), any_of=any_of))

    return decorate


def rule_of(view: Any) -> AccessRule | None:
    rule = getattr(view, ATTRIBUTE, None)
    if rule is None and hasattr(view, "view_class"):
        rule = getattr(view.view_class, ATTRIBUTE, None)
    return rule
