"""Danish and English pages: English by default, Danish from the browser or the person's choice,
with Danish navigation and Danish numbers and dates; the choice is kept on the account."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from fivesafes.audit.models import AuditEvent
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client
from tests.projects.conftest import draft, pw, submitted, upload_dir  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

DANISH = {"HTTP_ACCEPT_LANGUAGE": "da-DK,da;q=0.9,en;q=0.5"}


def test_english_is_the_default(make_user) -> None:
    page = verified_client(make_user(Role.CASE_HANDLER)).get(reverse("web:dashboard"))
    text = page.content.decode()
    assert '<html lang="en-gb">' in text
    assert "<h1>Dashboard</h1>" in text and "Sign out" in text and ">People</button>" in text
    assert "Oversigt" not in text


def test_a_danish_browser_gets_danish_navigation_and_dashboard(make_user) -> None:
    client = verified_client(make_user(Role.CASE_HANDLER))
    text = client.get(reverse("web:dashboard"), **DANISH).content.decode()
    assert '<html lang="da">' in text
    assert "<h1>Oversigt</h1>" in text
    for danish in ("Log ud", ">Projekter</button>", ">Personer</button>", "Projektansøgninger"):
        assert danish in text, danish
    assert '<h2 id="role-1">Sagsbehandler</h2>' in text
    assert "åbne autorisationssager" in text  # the figures of the dashboard too
    assert "Sign out" not in text and "Project applications" not in text


def test_the_sign_in_page_in_danish(client) -> None:
    text = client.get(reverse("accounts:login"), **DANISH).content.decode()
    assert "<h1>Log ind</h1>" in text and "Brugernavn eller e-mailadresse" in text
    refused = client.post(
        reverse("accounts:login"), {"username": "nobody", "password": "wrong"}, **DANISH
    ).content.decode()
    assert (
        "Der er et problem" in refused and "Brugernavnet eller adgangskoden er forkert." in refused
    )


def test_a_page_in_danish_shows_danish_dates(pw, submitted) -> None:  # noqa: F811
    client = verified_client(pw.case_handler)
    local = timezone.localtime(submitted.submitted_at)
    english = client.get(reverse("projects:review")).content.decode()
    danish = client.get(reverse("projects:review"), **DANISH).content.decode()
    assert f"<td>{local:%Y-%m-%d}</td>" in english
    assert f"<td>{local.day}.{local.month}.{local.year}</td>" in danish
    assert f"{local:%Y-%m-%d}" not in danish


def test_the_person_chooses_danish_and_keeps_it(make_user) -> None:
    person = make_user(Role.RESEARCHER)
    client = verified_client(person)
    answer = client.post(reverse("web:language"), {"language": "da", "next": "/dashboard/"})
    assert answer.status_code == 302 and answer["Location"] == "/dashboard/"
    person.refresh_from_db()
    assert person.language == "da"
    event = AuditEvent.objects.get(action="account.language_chosen")
    assert event.actor_id == person.pk
    # Another browser (no cookie, an English Accept-Language): the account's choice wins.
    other = verified_client(person)
    text = other.get(reverse("web:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Oversigt</h1>" in text


def test_an_unknown_language_is_refused_and_nothing_changes(make_user) -> None:
    person = make_user(Role.RESEARCHER)
    client = verified_client(person)
    answer = client.post(reverse("web:language"), {"language": "xx"}, follow=True)
    assert "Language: choose one of English, Dansk." in answer.content.decode()
    person.refresh_from_db()
    assert person.language == ""
    assert not AuditEvent.objects.filter(action="account.language_chosen").exists()


def test_a_visitor_chooses_danish_with_the_cookie(client) -> None:
    client.post(reverse("web:language"), {"language": "da", "next": "https://evil.example/"})
    text = client.get(reverse("accounts:login")).content.decode()
    assert "<h1>Log ind</h1>" in text


def test_danish_pages_keep_machine_numbers_in_inputs_unlocalised(make_user) -> None:
    """A Danish page writes 2.500,50 for people, but an input's value stays 2500.50."""
    from fivesafes.projects.models import PriceItem

    item = PriceItem.objects.get(code="event_history_table")
    item.unit_price = "2500.50"
    item.save()
    text = (
        verified_client(make_user(Role.CASE_HANDLER))
        .get(reverse("projects:prices"), **DANISH)
        .content.decode()
    )
    assert 'value="2500.50"' in text
