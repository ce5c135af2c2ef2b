"""In a real browser: first sign-in with enrolment, then sign-in with a code, for every role."""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import expect

from fivesafes.policy.permissions import Role
from tests.browser.conftest import main_nav_pages
from tests.foundation.twofactor_helpers import current_code

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery 9"


def code_for_key(base32_key: str) -> str:
    """What an authenticator app shows for the key typed in from the enrolment page."""
    import time

    from tests.foundation.twofactor_helpers import code_at

    raw = base32_key.replace(" ", "")
    return code_at(base64.b32decode(raw + "=" * (-len(raw) % 8)), time.time())


def code_for_device(device) -> str:
    return current_code(device)


def test_first_sign_in_sets_up_the_authenticator(page, make_user) -> None:
    make_user(Role.RESEARCHER, username="newcomer", with_device=False)
    page.goto("/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Username or e-mail address").fill("newcomer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Code shown by your authenticator app").fill(code_for_key(secret))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".codes li")).to_have_count(10)
    page.get_by_role("link", name="I have stored them: continue").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name="Researcher")).to_be_visible()


def test_wrong_code_shows_the_reason_next_to_the_field(page, make_user) -> None:
    make_user(Role.RESEARCHER, username="typo")
    page.goto("/accounts/login/")
    page.get_by_label("Username or e-mail address").fill("typo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Authenticator code").fill("999999")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".field.has-error .error")).to_contain_text("That code is wrong")


NAV_BY_ROLE = {
    Role.RESEARCHER: ("Dashboard", "Jobs", "My access"),
    Role.INSTITUTION_MANAGER: ("Dashboard", "Institution"),
    Role.CASE_HANDLER: ("Dashboard", "Jobs"),
    Role.SECRETARY: ("Dashboard",),
    Role.APPROVER: ("Dashboard",),
    Role.OUTPUT_CHECKER: ("Dashboard",),
    Role.AUDITOR: ("Dashboard", "Audit log"),
    Role.ADMINISTRATOR: ("Dashboard", "Administration"),
}
NOT_IN_NAV = {Role.RESEARCHER: ("Audit log", "Administration"), Role.AUDITOR: ("Administration",)}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_and_sees_its_dashboard(page, make_user, role) -> None:
    user = make_user(role, username=f"user-{role.value}")
    page.goto("/accounts/login/")
    page.get_by_label("Username or e-mail address").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Authenticator code").fill(code_for_device(user.totpdevice_set.get()))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=role.label, exact=True)).to_be_visible()
    pages = main_nav_pages(page)
    for label in NAV_BY_ROLE[role]:
        assert label in pages, f"{label} is missing from {pages}"
    for label in NOT_IN_NAV.get(role, ()):
        assert label not in pages
    # Their own account is one click away, from their name beside "Sign out".
    expect(page.locator("header .who-name")).to_have_attribute("href", "/accounts/")
    expect(page.locator("header .who-name")).to_be_visible()
