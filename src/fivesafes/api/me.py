"""`/api/v1/me`: who the caller is, their roles and tokens."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from fivesafes.api.security import api_requires
from fivesafes.policy.permissions import Permission

router = Router()


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    roles: list[str]


class TokenOut(Schema):
    name: str
    key_id: str
    created_at: datetime
    expires_at: datetime
    state: str


@router.get("", response=MeOut, summary="The signed-in person")
@api_requires(Permission.VIEW_DASHBOARD)
def me(request: HttpRequest) -> MeOut:
    user = request.auth
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        roles=sorted(r.value for r in user.roles),
    )


@router.get("/tokens", response=list[TokenOut], summary="Your API tokens (never their secrets)")
@api_requires(Permission.USE_API_TOKENS)
def tokens(request: HttpRequest) -> list[TokenOut]:
    user = request.auth
    return [
        TokenOut(
            name=t.name,
            key_id=t.key_id,
            created_at=t.created_at,
            expires_at=t.expires_at,
            state=t.state,
        )
        for t in user.api_tokens.all()
    ]
