"""What later rooms do once a person's access to a project has ended (R8, R24, R25).

An agreement that lapses or ends (a sanction, an authorisation withdrawn or expired, a member
removed, a project closed) means the person may no longer work in that project. A later room
(the workspace stops the person's running runs and JupyterLab sessions) registers a hook at
start-up (`when_access_ends`), so safe people imports none of them. Hooks run once the change
is committed, each with the person, the project (None: every project) and the reason in words;
a hook that fails is logged and the change stands (the room's own checks stop what is left).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

AccessEndedHook = Callable[..., None]
ACCESS_ENDED_HOOKS: list[AccessEndedHook] = []


def when_access_ends(hook: AccessEndedHook) -> AccessEndedHook:
    """Register `hook(person=, project=, reason=, actor=)` (once per hook)."""
    if hook not in ACCESS_ENDED_HOOKS:
        ACCESS_ENDED_HOOKS.append(hook)
    return hook


def access_ended(*, person: Any, project: Any, reason: str, actor: Any = None) -> None:
    """Tell the rooms, once the caller's transaction has committed."""

    def tell() -> None:
        for hook in ACCESS_ENDED_HOOKS:
            try:
                hook(person=person, project=project, reason=reason, actor=actor)
            except Exception:
                logger.exception("An access-ended hook failed for person %s", person.pk)

    transaction.on_commit(tell)
