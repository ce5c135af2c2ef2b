"""Sign-in with password and authenticator code (R10), and what bad input gets."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fivesafes.audit.models import AuditEvent
from fivesafes.policy.permissions import Role
from tests.foundation.twofactor_helpers import current_code
from tests.page_text import rule_link, shown

PASSWORD = "correct horse battery 9"


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))


@pytest.fixture
def researcher(make_user):
    return make_user(Role.RESEARCHER, username="rikke")


def sign_in_password(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_password_then_code_reaches_the_dashboard(researcher) -> None:
    client = Client()
    response = sign_in_password(client, "rikke")
    assert response.status_code == 302 and response.url == reverse("accounts:verify")
    # Half-way, the person is not signed in: the dashboard still asks to sign in.
    assert client.get(reverse("web:dashboard")).status_code == 302
    device = researcher.totpdevice_set.get()
    response = client.post(reverse("accounts:verify"), {"code": current_code(device)})
    assert response.status_code == 302
    page = client.get(reverse("web:dashboard"))
    assert page.status_code == 200
    assert "Researcher" in page.content.decode()
    assert actions()[-2:] == ["login.password_accepted", "login.succeeded"]


def test_sign_in_by_email_address(researcher) -> None:
    response = sign_in_password(Client(), "rikke@example.org")
    assert response.status_code == 302 and response.url == reverse("accounts:verify")


def test_wrong_password_is_refused_and_audited(researcher) -> None:
    client = Client()
    response = sign_in_password(client, "rikke", "wrong password here")
    assert response.status_code == 400
    assert "The username or password is wrong." in response.content.decode()
    assert actions()[-1] == "login.failed"
    assert "fivesafes.pending_user" not in client.session


def test_five_wrong_passwords_pause_sign_in_for_that_name(researcher) -> None:
    client = Client()
    for _ in range(5):
        sign_in_password(client, "rikke", "wrong password here")
    response = sign_in_password(client, "rikke")  # even the right password is refused now
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "login.locked_out" in actions()


def test_wrong_code_and_reused_code_are_refused(researcher) -> None:
    device = researcher.totpdevice_set.get()
    client = Client()
    sign_in_password(client, "rikke")
    response = client.post(
        reverse("accounts:verify"),
        {"code": "000000" if current_code(device) != "000000" else "111111"},
    )
    assert response.status_code == 400
    assert "That code is wrong, expired or already used." in response.content.decode()
    assert actions()[-1] == "login.second_factor_failed"

    code = current_code(device)
    device.refresh_from_db()
    device.throttle_reset()
    assert client.post(reverse("accounts:verify"), {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))

    again = Client()
    sign_in_password(again, "rikke")
    response = again.post(reverse("accounts:verify"), {"code": code})
    assert response.status_code == 400, "a code must work only once"


def test_disabled_account_gets_a_clear_message(make_user) -> None:
    make_user(Role.RESEARCHER, username="gone", active=False)
    response = sign_in_password(Client(), "gone")
    assert response.status_code == 400
    assert "This account is disabled" in response.content.decode()
    assert actions()[-1] == "login.refused_disabled"


def test_first_sign_in_enrols_an_authenticator_and_shows_recovery_codes(make_user) -> None:
    make_user(Role.RESEARCHER, username="newbie", with_device=False)
    client = Client()
    assert sign_in_password(client, "newbie").url == reverse("accounts:enrol")
    page = client.get(reverse("accounts:enrol"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user__username="newbie", confirmed=False)
    # the same device (and QR code) survives a reload
    client.get(reverse("accounts:enrol"))
    assert TOTPDevice.objects.get(user__username="newbie").pk == device.pk

    wrong = client.post(reverse("accounts:enrol"), {"code": "12345"})
    assert wrong.status_code == 400 and "Enter the 6 digits" in wrong.content.decode()

    response = client.post(reverse("accounts:enrol"), {"code": current_code(device)})
    assert response.url == reverse("accounts:recovery_codes")
    codes_page = client.get(reverse("accounts:recovery_codes")).content.decode()
    stored = list(
        StaticToken.objects.filter(device__user__username="newbie").values_list("token", flat=True)
    )
    assert len(stored) == 10 and all(code in codes_page for code in stored)
    # shown once only
    assert client.get(reverse("accounts:recovery_codes")).status_code == 302
    assert "two_factor.enrolled" in actions()


def test_recovery_code_signs_in_once(researcher) -> None:
    from fivesafes.accounts.twofactor import new_recovery_codes

    code = new_recovery_codes(researcher)[0]
    client = Client()
    sign_in_password(client, "rikke")
    assert client.post(reverse("accounts:verify"), {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    again = Client()
    sign_in_password(again, "rikke")
    assert again.post(reverse("accounts:verify"), {"code": code}).status_code == 400


def test_code_step_without_password_step_sends_back_to_sign_in() -> None:
    response = Client().get(reverse("accounts:verify"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")


def test_missing_csrf_token_is_refused(researcher) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "rikke", "password": PASSWORD})
    assert response.status_code == 403
    assert "fivesafes.pending_user" not in client.session


def test_expired_session_says_so_and_is_audited(client_as, settings) -> None:
    client = client_as(Role.RESEARCHER)
    assert client.get(reverse("web:dashboard")).status_code == 200  # sets the marker cookie
    assert "fivesafes_signed_in" in client.cookies
    client.session.flush()
    client.cookies.pop(settings.SESSION_COOKIE_NAME)
    response = client.get(reverse("web:dashboard"), follow=True)
    assert "Your session ended after a period without activity" in response.content.decode()
    assert "session.expired" in actions()


def test_an_api_call_with_a_token_does_not_count_as_an_expired_session(client_as, settings) -> None:
    from fivesafes.accounts.models import ApiToken, User

    client = client_as(Role.RESEARCHER, username="tokenuser")
    assert client.get(reverse("web:dashboard")).status_code == 200  # sets the marker cookie
    client.session.flush()
    client.cookies.pop(settings.SESSION_COOKIE_NAME)
    user = User.objects.get(username="tokenuser")
    _token, plain = ApiToken.issue(user=user, name="t", days=1)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 200
    assert "session.expired" not in actions()


def test_sign_out_ends_the_session(client_as) -> None:
    client = client_as(Role.RESEARCHER)
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("web:dashboard")).status_code == 302
    assert actions()[-1] == "logout"


def test_open_redirect_after_sign_in_is_ignored(researcher) -> None:
    client = Client()
    client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": "rikke", "password": PASSWORD},
    )
    device = researcher.totpdevice_set.get()
    response = client.post(reverse("accounts:verify"), {"code": current_code(device)})
    assert response.url == reverse("web:dashboard")


def test_an_excluded_person_is_refused_at_sign_in_with_the_reason_and_audited(
    researcher, monkeypatch
) -> None:
    from fivesafes.policy import checks

    reason = "You are excluded from the research service until 2027-06-30 (R24)."
    monkeypatch.setattr(
        checks,
        "_exclusion_checks",
        [*checks._exclusion_checks, lambda user: reason if user.username == "rikke" else None],
    )
    client = Client()
    response = sign_in_password(client, "rikke")
    assert response.status_code == 400
    assert f"You cannot sign in: {reason}" in shown(response)
    assert rule_link("R24") in response.content.decode()
    assert actions()[-1] == "login.refused_excluded"
    assert "fivesafes.pending_user" not in client.session
    # a wrong password does not reveal the exclusion
    response = sign_in_password(Client(), "rikke", "wrong password here")
    assert "excluded" not in response.content.decode()
