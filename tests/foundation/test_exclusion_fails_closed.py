"""The access rule fails closed: when no room can say who is excluded (R24), nobody gets in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fivesafes.policy import checks
from fivesafes.policy.permissions import Permission, Role
from fivesafes.shared.refusals import AccessDenied
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db
REASON = "The exclusion register cannot be read, so access is refused (R24)."


def test_with_an_exclusion_check_a_signed_in_two_factor_person_gets_in(make_user) -> None:
    person = make_user(Role.RESEARCHER)
    person.otp_device = person.totpdevice_set.get()  # as django-otp marks a verified session
    assert checks.exclusion_reason(person) is None
    assert checks.can(person, Permission.USE_DATA_BASKET)


def test_without_an_exclusion_check_everyone_is_refused_with_the_reason(
    make_user, monkeypatch
) -> None:
    person = make_user(Role.RESEARCHER)
    person.otp_device = person.totpdevice_set.get()
    monkeypatch.setattr(checks, "_exclusion_checks", [])
    with pytest.raises(AccessDenied) as refusal:
        checks.check_permission(person, Permission.USE_DATA_BASKET)
    assert refusal.value.reason == REASON and refusal.value.status == 403
    assert not checks.can(person, Permission.USE_DATA_BASKET)


def test_without_an_exclusion_check_a_page_refuses_in_words(make_user, monkeypatch) -> None:
    client = verified_client(make_user(Role.RESEARCHER))
    assert client.get(reverse("data:basket")).status_code == 200
    monkeypatch.setattr(checks, "_exclusion_checks", [])
    response = client.get(reverse("data:basket"))
    assert response.status_code == 403
    assert "The exclusion register cannot be read" in response.content.decode()
