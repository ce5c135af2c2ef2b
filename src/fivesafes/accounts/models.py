"""The user model, role assignments and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fivesafes.policy.permissions import Role


class User(AbstractUser):
    """A person who signs in: researcher, institution manager or a member of the office's staff."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    # The interface language the person chose (a code of settings.LANGUAGES); empty: the
    # browser's (Accept-Language), else the office's default.
    language = models.CharField("language", max_length=10, blank=True, default="")

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def roles(self) -> frozenset[Role]:
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(
                Role(r) for r in self.role_assignments.values_list("role", flat=True)
            )
            self._roles_cache = cached
        return cached

    def forget_roles(self) -> None:
        self.__dict__.pop("_roles_cache", None)

    def has_role(self, role: Role) -> bool:
        return role in self.roles


class RoleAssignment(models.Model):
    """One role held by one person; granting and removing roles is audited."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=40, choices=Role.choices())
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_assignment_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()}"


TOKEN_PREFIX = "fs"  # noqa: S105 - a label, not a secret


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A personal API token: shown once, stored as a hash, revocable and expiring."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text=_("What the token is for, e.g. 'my laptop'."))
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_id})"

    @classmethod
    def issue(cls, *, user: User, name: str, days: int) -> tuple[ApiToken, str]:
        """Create a token and return it with its plain text, which is never stored."""
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_id=key_id,
            secret_hash=hash_token(secret),
            expires_at=timezone.now() + timezone.timedelta(days=days),
        )
        return token, f"{TOKEN_PREFIX}_{key_id}_{secret}"

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"
