"""The API answers a malformed request body in JSON, naming what is wrong, never with a crash."""

from __future__ import annotations

import pytest
from django.test import Client

from fivesafes.accounts.models import ApiToken
from fivesafes.policy.permissions import Role

pytestmark = pytest.mark.django_db


def test_an_upload_without_a_multipart_boundary_is_refused_in_json(make_user) -> None:
    checker = make_user(Role.OUTPUT_CHECKER)  # may report breaches and attach evidence
    _token, plain = ApiToken.issue(user=checker, name="test", days=1)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {plain}").generic(
        "POST",
        "/api/v1/people/breaches/1/evidence",
        b"not a multipart body",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "multipart/form-data" in response.json()["detail"]
