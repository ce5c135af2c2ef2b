"""The API's one way of refusing (`fivesafes.api.errors`): rule 400, role 403, both named."""

from __future__ import annotations

import pytest
from ninja.errors import HttpError

from fivesafes.shared.api import call_service
from fivesafes.shared.refusals import AccessDenied, RuleViolation


def raising(error: Exception):
    def call():
        raise error

    return call


def test_a_rule_refusal_is_400_naming_rule_and_field() -> None:
    with pytest.raises(HttpError) as caught:
        call_service(raising(RuleViolation("R8", "allowed_networks", "Not a CIDR range.")))
    assert caught.value.status_code == 400
    assert str(caught.value) == "Not a CIDR range (R8, field: allowed_networks)."


def test_a_role_refusal_keeps_its_status_and_reason() -> None:
    with pytest.raises(HttpError) as caught:
        call_service(raising(AccessDenied("Only the manager countersigns.")))
    assert (caught.value.status_code, str(caught.value)) == (403, "Only the manager countersigns.")
    with pytest.raises(HttpError) as caught:
        call_service(raising(AccessDenied("Sign in first.", status=401)))
    assert caught.value.status_code == 401


def test_a_call_that_succeeds_returns_its_value() -> None:
    assert call_service(lambda: 42) == 42
