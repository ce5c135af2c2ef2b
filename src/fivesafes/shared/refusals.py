"""How the system says no: a `Finding` (one rule not met), a `RuleViolation` (a service refuses
and changes nothing) and `AccessDenied` (this person may not do this, with the HTTP status).

Framework-free: the rule cores, the policy, the services, the pages and the API all raise and
catch these same three types, so a refusal reads the same wherever it is met.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fivesafes.shared.labels import gettext_noop, translated


def cited(message: str, reference: str) -> str:
    """The words first, then the rule they rest on: "Sign the agreement first (R8)." (the
    reference goes inside a closing full stop, after any other ending)."""
    if message.endswith(".") and not message.endswith(".."):
        return f"{message[:-1]} ({reference})."
    return f"{message} ({reference})"


@dataclass(frozen=True)
class Finding:
    """One rule not met: the rule's number, the field it concerns and what to do. It reads
    words first, the rule after them: "Sign the agreement first (R8)." (issue 16)."""

    rule: str
    field: str
    message: str

    def __str__(self) -> str:
        return cited(self.message, self.rule)

    def with_field(self) -> str:
        """The words, then the rule and the field, for readers that act on the field (the
        API, a run's stored reason): "Not a CIDR range (R8, field: allowed_networks)." reads
        so."""
        return cited(self.message, f"{self.rule}, field: {self.field}" if self.field else self.rule)


class RuleViolation(Exception):
    """A service refuses: the state is left unchanged and the finding says why."""

    def __init__(self, rule: str, field: str, message: str) -> None:
        self.finding = Finding(rule, field, message)
        super().__init__(str(self.finding))

    @property
    def rule(self) -> str:
        return self.finding.rule

    @property
    def field(self) -> str:
        return self.finding.field


def refuse_if(findings: list[Finding]) -> None:
    """Raise the first finding as a RuleViolation."""
    if findings:
        first = findings[0]
        raise RuleViolation(first.rule, first.field, first.message)


def written(text: str, rule: str, field: str, missing: str) -> str:
    """`text` without surrounding blanks, or a refusal naming `field` when nothing is written."""
    stripped = text.strip()
    if not stripped:
        raise RuleViolation(rule, field, missing)
    return stripped


class AccessDenied(Exception):
    """Refused, with a reason a person can act on and the HTTP status that fits it."""

    def __init__(self, reason: str, *, status: int = 403, sign_in: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.sign_in = sign_in


def unseen(what: str) -> AccessDenied:
    """The refusal of an object the person may not see: it reads as a missing one (404, no
        name, no owner), so ids cannot be walked to learn what exists (issue 15). `what` is a noun the
    caller has put in the reader's language already (`unseen(_("application"))`)."""
    reason = translated(
        gettext_noop(
            "There is no such %(what)s for you: it does not exist, or it is not yours to see."
        )
    )
    return AccessDenied(reason % {"what": what}, status=404)


def passes(check: Callable[[], object]) -> bool:
    """The `can_x` twin of a `check_x`: True when the check refuses nothing."""
    try:
        check()
    except (AccessDenied, RuleViolation):
        return False
    return True
