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
    public: bool
    permissions: tuple[Permission, ...] = ()

    def describe(self) -> str:
        if self.public:
            return "public"
        return "signed in with " + (", ".join(p.value for p in self.permissions) or "any role")


def _mark(view: F, rule: AccessRule) -> F:
    target = getattr(view, "view_class", None) or view
    setattr(target, ATTRIBUTE, rule)
    if target is not view:
        setattr(view, ATTRIBUTE, rule)
    return view


def public(view: F) -> F:
    return _mark(view, AccessRule(public=True))


def requires(*permissions: Permission) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        return _mark(view, AccessRule(public=False, permissions=tuple(permissions)))

    return decorate


def rule_of(view: Any) -> AccessRule | None:
    rule = getattr(view, ATTRIBUTE, None)
    if rule is None and hasattr(view, "view_class"):
        rule = getattr(view.view_class, ATTRIBUTE, None)
    return rule
