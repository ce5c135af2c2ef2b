"""The access generation (`people.models.AccessGeneration`): moved in the same transaction by
every change to what the one access rule reads, read by whoever keeps an answer of the rule.

Every save and delete of the rows the rule reads moves it: sanctions, researcher agreements and
their signatures, certification attempts, attachments, institutions and their authorisations,
projects and their memberships, people (active or not), their roles and their second factors.
It is moved by the models' signals rather than by each service, so no writer can forget it
(services, the daily jobs, the admin, a data fix in the shell); the receivers run inside the
writer's transaction, so a change and its new generation commit together or not at all. The
few saves that change nothing the rule reads (a person's last sign-in, a second factor's
counter of used codes) leave it alone.

`current()` answers None when the counter cannot be read: whoever asks then runs the full rule
(fails closed).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from fivesafes.people.models import (
    AccessGeneration,
    AgreementSignature,
    Attachment,
    Authorisation,
    CertificationAttempt,
    Institution,
    ResearcherAgreement,
    Sanction,
)
from fivesafes.people.models.access_generation import ROW

logger = logging.getLogger(__name__)

# Saves of only these fields change nothing the access rule reads.
HARMLESS_FIELDS = {"last_login", "password"}


def bump(**_signal: Any) -> None:
    """Move the generation, inside the caller's transaction."""
    if not AccessGeneration.objects.filter(pk=ROW).update(value=F("value") + 1):
        AccessGeneration.objects.get_or_create(pk=ROW, defaults={"value": 1})


def current() -> int | None:
    """The generation now; None when it cannot be read (then ask the full rule)."""
    try:
        value = AccessGeneration.objects.filter(pk=ROW).values_list("value", flat=True).first()
    except DatabaseError:
        logger.exception("The access generation could not be read; the full rule is asked.")
        return None
    return 0 if value is None else int(value)


def _bump_unless_harmless(update_fields: Any = None, **signal: Any) -> None:
    if update_fields and set(update_fields) <= HARMLESS_FIELDS:
        return
    bump()


def _bump_unless_counting(instance: Any = None, created: bool = False, **signal: Any) -> None:
    """A second factor saves itself on every code used (its counters); only a device that is
    switched off changes access (a deleted one is caught by `post_delete`)."""
    if not created and not getattr(instance, "confirmed", True):
        bump()


def watched_models() -> list[Any]:
    """The models whose every save and delete moves the generation."""
    from fivesafes.accounts.models import RoleAssignment
    from fivesafes.projects.models import Project, ProjectMembership

    return [
        Sanction,
        ResearcherAgreement,
        AgreementSignature,
        CertificationAttempt,
        Attachment,
        Institution,
        Authorisation,
        Project,
        ProjectMembership,
        RoleAssignment,
    ]


def watch() -> None:
    """Connect the receivers (once, at start-up)."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from fivesafes.projects.models import Project

    for model in watched_models():
        uid = f"access-generation-{model._meta.label_lower}"
        post_save.connect(bump, sender=model, dispatch_uid=uid)
        post_delete.connect(bump, sender=model, dispatch_uid=uid + "-d")
    m2m_changed.connect(
        bump, sender=Project.members.through, dispatch_uid="access-generation-members"
    )
    user = get_user_model()
    post_save.connect(_bump_unless_harmless, sender=user, dispatch_uid="access-generation-user")
    post_delete.connect(bump, sender=user, dispatch_uid="access-generation-user-d")
    for device in (TOTPDevice, StaticDevice):
        uid = f"access-generation-{device._meta.label_lower}"
        post_save.connect(_bump_unless_counting, sender=device, dispatch_uid=uid)
        post_delete.connect(bump, sender=device, dispatch_uid=uid + "-d")
