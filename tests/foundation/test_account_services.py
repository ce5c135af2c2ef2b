"""Account changes go through `fivesafes.accounts.services`, each audited in its transaction."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_static.models import StaticToken

from fivesafes.accounts import services
from fivesafes.audit.models import AuditEvent
from fivesafes.policy.permissions import Role
from fivesafes.shared.refusals import AccessDenied

pytestmark = pytest.mark.django_db


def test_a_token_is_created_and_revoked_once_each_audited(make_user) -> None:
    rita = make_user(Role.RESEARCHER)
    token, plain = services.create_token(actor=rita, name="laptop", days=30)
    assert plain.startswith("fs_") and token.state == "active"
    created = AuditEvent.objects.get(action="api_token.created")
    assert created.actor == rita and created.after["key_id"] == token.key_id
    assert services.revoke_token(actor=rita, token=token) is True
    assert services.revoke_token(actor=rita, token=token) is False  # nothing left to change
    token.refresh_from_db()
    assert token.state == "revoked"
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_nobody_revokes_another_persons_token(make_user) -> None:
    rita, other = make_user(Role.RESEARCHER), make_user(Role.RESEARCHER)
    token, _plain = services.create_token(actor=rita, name="laptop", days=30)
    with pytest.raises(AccessDenied, match="only your own"):
        services.revoke_token(actor=other, token=token)
    token.refresh_from_db()
    assert token.state == "active"
    assert not AuditEvent.objects.filter(action="api_token.revoked").exists()


def test_new_recovery_codes_replace_the_old_set(make_user) -> None:
    rita = make_user(Role.RESEARCHER)
    old = services.renew_recovery_codes(actor=rita)
    new = services.renew_recovery_codes(actor=rita)
    kept = set(StaticToken.objects.filter(device__user=rita).values_list("token", flat=True))
    assert kept == set(new) and not kept & set(old)
    assert AuditEvent.objects.filter(action="two_factor.recovery_codes_renewed").count() == 2
