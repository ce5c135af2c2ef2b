"""`/api/v1/me`: who the caller is, their roles and tokens, read from the objects themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from fivesafes.api.security import api_requires
from fivesafes.policy.permissions import Permission
from fivesafes.shared.api import ErrorOut

router = Router()


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    roles: list[str]

    @staticmethod
    def resolve_roles(user: Any) -> list[str]:
        return sorted(r.value for r in user.roles)


class TokenOut(Schema):
    name: str
    key_id: str
    created_at: datetime
    expires_at: datetime
    state: str


@router.get("", response={200: MeOut, 401: ErrorOut, 403: ErrorOut}, summary="The signed-in person")
@api_requires(Permission.VIEW_DASHBOARD)
def me(request: HttpRequest) -> Any:
    return request.auth


@router.get(
    "/tokens",
    response={200: list[TokenOut], 401: ErrorOut, 403: ErrorOut},
    summary="Your API tokens (never their secrets)",
)
@api_requires(Permission.USE_API_TOKENS)
def tokens(request: HttpRequest) -> Any:
    return list(request.auth.api_tokens.all())
