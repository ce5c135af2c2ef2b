"""A malformed request reads the same in every part of the API: 422, the words first naming the
field (`{"detail": "<field>: <reason>", "errors": [...]}`), whichever room answers."""

from __future__ import annotations

import pytest
from django.test import Client

from fivesafes.accounts.models import ApiToken
from fivesafes.policy.permissions import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(make_user) -> Client:
    """A client with the token of a person holding every role (no refusal comes first)."""
    _token, plain = ApiToken.issue(user=make_user(*Role), name="test", days=1)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/catalogue/variables?offset=9223372036854775808", "offset"),
        ("/api/v1/catalogue/registers?year=soon", "year"),
        ("/api/v1/people/cases/not-a-number", "case_id"),
        ("/api/v1/projects/applications/not-a-number", "application_id"),
    ],
)
def test_a_malformed_request_is_a_422_naming_the_field(api: Client, url: str, field: str) -> None:
    response = api.get(url)
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"].startswith(f"{field}: ")
    assert [error["loc"][-1] for error in body["errors"]] == [field]
