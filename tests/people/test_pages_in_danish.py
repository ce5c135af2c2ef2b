"""Safe people in Danish: a person who chose Danish reads the institution, case and access
pages, the refusals and the certification reminder in Danish; an English reader keeps English."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from fivesafes.people.models import CertificationAttempt
from fivesafes.people.tasks import run_daily_sweep
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client


def reads_danish(person):
    person.language = "da"
    person.save(update_fields=["language"])
    return verified_client(person)


def page(client, name: str, **kwargs) -> str:
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_manager_reads_the_institution_page_in_danish(world) -> None:
    text = page(reads_danish(world.manager), "people:institution", pk=world.institution.pk)
    assert '<html lang="da">' in text
    for danish in (
        "<h2>Autorisationssager</h2>",
        "<h2>Forskeraftaler</h2>",
        "Universitet · DK",
        '<span class="badge">Registreret</span>',
        "Forsker (brugernavn eller e-mail)",
        "Tilknyttet (ansat)",
        "Udarbejd aftalen",
        "Opsig R-",
    ):
        assert danish in text, danish
    assert "Researcher agreements" not in text and "Registered" not in text


def test_an_english_reader_keeps_the_english_institution_page(world) -> None:
    text = page(verified_client(world.manager), "people:institution", pk=world.institution.pk)
    assert '<html lang="en-gb">' in text
    for english in (
        "<h2>Researcher agreements</h2>",
        "University · DK",
        '<span class="badge">Registered</span>',
        "Researcher (username or e-mail)",
        "Draw up the agreement",
    ):
        assert english in text, english
    assert "Forskeraftaler" not in text


def test_the_case_handler_reads_cases_in_danish(world) -> None:
    client = reads_danish(world.case_handler)
    listing = page(client, "people:cases")
    assert "<h1>Autorisationssager</h1>" in listing and "Alle åbne" in listing
    case = page(client, "people:case", pk=world.authorisation.pk)
    number = world.authorisation.pk
    assert f"Autorisationssag A-{number}: Aarhus University" in case
    for danish in (
        "Vurdering af troværdighed (R6)",
        "Kan autoriseres (R2, R5, R7)",
        "<h2>Underskrifter</h2>",
        "Statistikkontoret: Anna,",
        "Autorisationsaftalen (PDF)",
    ):
        assert danish in case, danish


def test_the_researcher_reads_their_access_in_danish(world) -> None:
    text = page(reads_danish(world.researcher), "people:my_access")
    for danish in (
        "<h1>Min adgang og hvorfor</h1>",
        '<span class="badge ok">Certificeret</span>',
        "Tag certificeringstesten",
        "Tilknyttet (ansat): Aarhus University fra",
    ):
        assert danish in text, danish


def test_a_refusal_on_the_page_reads_danish(world) -> None:
    today = timezone.localdate()
    response = reads_danish(world.manager).post(
        reverse("people:new_agreement", kwargs={"pk": world.institution.pk}),
        {
            "agreement-researcher": "rikke",
            "agreement-project": "P-2026-001",
            "agreement-starts_on": today,
            "agreement-ends_on": today + timedelta(days=10),
            "agreement-allowed_networks": "192.0.2.1/24",
        },
    )
    assert response.status_code == 400
    text = unescape(response.content.decode())
    assert "'192.0.2.1/24' er ikke en gyldig IP-adresse eller et gyldigt CIDR-område" in text
    assert "is not a valid" not in text


def test_a_rule_refusal_of_a_service_reads_danish_and_english(world) -> None:
    form = {"attach-researcher": "rikke"}
    url = reverse("people:attach", kwargs={"pk": world.institution.pk})
    english = unescape(verified_client(world.manager).post(url, form).content.decode())
    assert "Rikke is already attached to Aarhus University (" in english
    danish = unescape(reads_danish(world.manager).post(url, form).content.decode())
    assert "Rikke er allerede tilknyttet Aarhus University (" in danish
    assert "already attached" not in danish


def test_a_success_message_reads_danish(world, make_user) -> None:
    make_user(Role.RESEARCHER, username="newbie")
    client = reads_danish(world.manager)
    response = client.post(
        reverse("people:attach", kwargs={"pk": world.institution.pk}),
        {"attach-researcher": "newbie"},
        follow=True,
    )
    assert "Newbie er nu tilknyttet Aarhus University." in unescape(response.content.decode())


def test_the_certification_reminder_is_written_in_the_readers_language(make_user) -> None:
    dane, english = make_user(Role.RESEARCHER), make_user(Role.RESEARCHER)
    dane.language = "da"
    dane.save(update_fields=["language"])
    for person in (dane, english):
        CertificationAttempt.objects.create(
            person=person,
            correct=5,
            total=5,
            passed=True,
            taken_at=timezone.now() - timedelta(days=350),
        )
    assert run_daily_sweep()["reminded"] == 2
    sent = {message.to[0]: message for message in mail.outbox}
    danish, kept = sent[dane.email], sent[english.email]
    assert danish.subject == "Din certificering i datasikkerhed udløber snart"
    assert "Tag testen igen inden da" in danish.body and "(R9)" in danish.body
    assert kept.subject == "Your data-security certification ends soon"
    assert "Take the test again before then" in kept.body
