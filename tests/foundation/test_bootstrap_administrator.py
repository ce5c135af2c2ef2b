"""The first administrator of a new installation: created by a command with a one-time password,
sent to enrol an authenticator at the first sign-in; refused once one exists; audited. The
administration's add form asks for the (unique) e-mail address, so two accounts can be added."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from fivesafes.accounts.models import User
from fivesafes.audit.models import AuditEvent
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def test_the_command_creates_an_administrator_who_must_enrol_two_factors(capsys) -> None:
    call_command(
        "create_administrator", "ada", "--email", "ada@office.example", "--full-name", "Ada Admin"
    )
    out = capsys.readouterr().out
    password = re.search(r"One-time password \(shown only now\): (\S+)", out).group(1)
    ada = User.objects.get(username="ada")
    assert Role.ADMINISTRATOR in ada.roles
    assert AuditEvent.objects.filter(action="account.administrator_created").count() == 1
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "ada", "password": password})
    assert response.status_code == 302 and response.url == reverse("accounts:enrol")
    # not signed in until the authenticator is enrolled
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_a_second_bootstrap_and_bad_input_are_refused_with_the_field(make_user) -> None:
    make_user(Role.ADMINISTRATOR, username="first")
    with pytest.raises(CommandError, match="An administrator exists already"):
        call_command(
            "create_administrator", "bob", "--email", "bob@office.example", "--full-name", "Bob"
        )
    User.objects.filter(username="first").update(is_active=False)
    with pytest.raises(CommandError, match=r"is not an e-mail address. \(email\)"):
        call_command("create_administrator", "bob", "--email", "bob", "--full-name", "Bob")
    assert not User.objects.filter(username="bob").exists()


def test_the_administration_adds_two_accounts_each_with_its_e_mail(make_user) -> None:
    admin = make_user(Role.ADMINISTRATOR)
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)  # as bootstrapped
    admin.refresh_from_db()
    client = verified_client(admin)
    for name in ("carl", "dora"):
        response = client.post(
            reverse("admin:accounts_user_add"),
            {
                "username": name,
                "email": f"{name}@office.example",
                "full_name": name.title(),
                "usable_password": "false",
                "role_assignments-TOTAL_FORMS": "0",
                "role_assignments-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    assert set(
        User.objects.filter(username__in=["carl", "dora"]).values_list("email", flat=True)
    ) == {
        "carl@office.example",
        "dora@office.example",
    }
    page = client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'name="email"' in page and "required" in page
