"""Personal API tokens: made only in a two-factor session, shown once, hashed, revocable, expiring."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fivesafes.accounts.models import ApiToken
from fivesafes.audit.models import AuditEvent
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client


def create_token(client: Client, name: str = "laptop", days: int = 30) -> str:
    response = client.post(reverse("accounts:create_token"), {"name": name, "days": days})
    assert response.status_code == 200
    match = re.search(r'data-testid="new-token">(fs_[^<]+)<', response.content.decode())
    assert match, "the new token is shown"
    return match.group(1)


def test_token_is_shown_once_and_stored_only_as_a_hash(make_user) -> None:
    user = make_user(Role.RESEARCHER)
    client = verified_client(user)
    plain = create_token(client)
    stored = ApiToken.objects.get(user=user)
    assert plain.split("_", 2)[2] not in (stored.secret_hash, stored.key_id)
    assert plain not in client.get(reverse("accounts:account")).content.decode()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {plain}").get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == user.username
    assert response.json()["roles"] == ["researcher"]
    assert AuditEvent.objects.filter(action="api_token.created").exists()


def test_token_form_names_the_field_and_reason(make_user) -> None:
    client = verified_client(make_user(Role.RESEARCHER))
    response = client.post(reverse("accounts:create_token"), {"name": "x", "days": 1000})
    assert response.status_code == 400
    assert (
        "Valid for (days): Ensure this value is less than or equal to 365."
        in response.content.decode()
    )
    assert not ApiToken.objects.exists()


def test_no_token_without_a_two_factor_session(make_user) -> None:
    user = make_user(Role.RESEARCHER)
    client = Client()
    client.force_login(user, backend="fivesafes.accounts.backends.UsernameOrEmailBackend")
    response = client.post(reverse("accounts:create_token"), {"name": "sneaky", "days": 30})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not ApiToken.objects.exists()


def test_revoked_expired_and_wrong_tokens_get_401_and_are_audited(make_user) -> None:
    user = make_user(Role.RESEARCHER)
    client = verified_client(user)
    plain = create_token(client)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert api.get("/api/v1/me").status_code == 200

    key_id = plain.split("_")[1]
    client.post(reverse("accounts:revoke_token", args=[key_id]))
    assert api.get("/api/v1/me").status_code == 401

    expired_plain = create_token(client, name="old")
    ApiToken.objects.filter(name="old").update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client(HTTP_AUTHORIZATION=f"Bearer {expired_plain}").get("/api/v1/me").status_code == 401

    tampered = plain[:-2] + ("AA" if not plain.endswith("AA") else "BB")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {tampered}").get("/api/v1/me").status_code == 401
    assert Client().get("/api/v1/me").status_code == 401
    reasons = list(AuditEvent.objects.filter(action="api.refused").values_list("data", flat=True))
    assert any("revoked" in r["reason"] for r in reasons)
    assert any("expired" in r["reason"] for r in reasons)


def test_someone_elses_token_cannot_be_revoked(make_user) -> None:
    owner = make_user(Role.RESEARCHER)
    _token, plain = ApiToken.issue(user=owner, name="mine", days=5)
    other = verified_client(make_user(Role.RESEARCHER))
    response = other.post(reverse("accounts:revoke_token", args=[plain.split("_")[1]]))
    assert response.status_code == 404
    assert ApiToken.objects.get(name="mine").revoked_at is None


def test_openapi_document_is_published(db) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "fivesafes API"
    assert "/api/v1/me" in document["paths"]
