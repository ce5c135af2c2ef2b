"""Sign-in by username or e-mail address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if not username or password is None:
            return None
        users = get_user_model()._default_manager.filter(
            Q(username__iexact=username) | Q(email__iexact=username)
        )
        for user in users[:2]:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        # Run the hasher once anyway so timing does not reveal whether the name exists.
        get_user_model()().set_password(password)
        return None
