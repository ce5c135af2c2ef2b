"""Going back from a project's pseudonym to the person number (R14), a two-person operation.

A member of staff who delivers data, outside the project, asks with the reason (`ask`); a
second one, outside the project and not the one who asked, approves or refuses (`decide`);
after an approval the one who asked sees the person number once (`reveal`): the project's
person key is derived from the key store and the keyed permutation run backwards. The person
number is never stored, never logged and never written to the audit log; the audit records
who asked, why, who decided and when it was shown.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes.audit.services import record
from fivesafes.delivery.keys import key_store
from fivesafes.delivery.models import Reidentification
from fivesafes.policy import deliveries as policy
from fivesafes.projects.models import Project
from fivesafes.shared.refusals import RuleViolation, written

R = Reidentification.State
PERSON_DIGITS = 10
MAX_PSEUDONYM = (1 << 62) - 1


def _pseudonym(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= MAX_PSEUDONYM:
        raise RuleViolation(
            "R14",
            "pseudonym",
            _(
                "A pseudonym is a whole number from 0 to 4611686018427387903, as in the "
                "delivered files' pnr column."
            ),
        )
    return number


def _facts(item: Reidentification) -> dict[str, Any]:
    return {"project": item.project.number, "pseudonym": item.pseudonym}


def ask(
    *, actor: Any, project: Project, pseudonym: Any, reason: str, request: Any = None
) -> Reidentification:
    """Ask to re-identify one pseudonym of the project, with the reason."""
    policy.check_ask_reidentification(actor, project)
    number = _pseudonym(pseudonym)
    reason = written(reason, "R14", "reason", "State why the person must be identified.")
    with transaction.atomic():
        item = Reidentification.objects.create(
            project=project, pseudonym=number, reason=reason, asked_by=actor
        )
        record(
            action="delivery.reidentification_asked",
            actor=actor,
            obj=item,
            after={"state": item.state},
            data=_facts(item) | {"reason": reason},
            request=request,
        )
    return item


def decide(
    *, actor: Any, item: Reidentification, approve: bool, note: str = "", request: Any = None
) -> Reidentification:
    """A second person approves or refuses (refusing needs a note)."""
    policy.check_decide_reidentification(actor, item)
    note = (note or "").strip()[:500]
    if not approve and not note:
        raise RuleViolation("R14", "decision_note", _("Say why the re-identification is refused."))
    with transaction.atomic():
        locked = (
            Reidentification.objects.select_for_update().select_related("project").get(pk=item.pk)
        )
        policy.check_decide_reidentification(actor, locked)
        locked.state = R.APPROVED if approve else R.REFUSED
        locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note
        locked.save()
        record(
            action=f"delivery.reidentification_{'approved' if approve else 'refused'}",
            actor=actor,
            obj=locked,
            before={"state": "asked"},
            after={"state": locked.state},
            data=_facts(locked) | {"note": note, "asked_by": locked.asked_by.get_username()},
            request=request,
        )
    return locked


def person_number(project_number: str, pseudonym: int, kind: str = "person") -> str:
    """The person number behind a pseudonym of the project (the permutation run backwards)."""
    from fivesafes.pseudonymisation import Pseudonymiser

    identifier = int(
        Pseudonymiser(key_store().derive(project_number, kind)).reverse([pseudonym])[0]
    )
    return str(identifier).zfill(PERSON_DIGITS)


def reveal(*, actor: Any, item: Reidentification, request: Any = None) -> str:
    """The person number, shown once to the one who asked, after an approval."""
    policy.check_reveal(actor, item)
    with transaction.atomic():
        locked = (
            Reidentification.objects.select_for_update().select_related("project").get(pk=item.pk)
        )
        policy.check_reveal(actor, locked)
        number = person_number(locked.project.number, locked.pseudonym)
        locked.state, locked.shown_at = R.SHOWN, timezone.now()
        locked.save(update_fields=["state", "shown_at"])
        record(
            action="delivery.reidentification_shown",
            actor=actor,
            obj=locked,
            before={"state": "approved"},
            after={"state": locked.state},
            data=_facts(locked),
            request=request,
        )
    return number
