"""Safe outputs in Danish: a researcher who reads Danish gets the request pages, the refusals
of the outputs area and the e-mails of a release in Danish; a colleague who reads English gets
the same in English."""

from __future__ import annotations

import pytest
from django.test import TestCase
from django.urls import reverse

from fivesafes.release.models import ReleasedFile, ReleaseRequest
from fivesafes.release.services import release as releasing
from tests.conftest import verified_client
from tests.release.conftest import OK_TABLE, ROLES, request_with, submitted_and_checked

pytestmark = pytest.mark.django_db


def reads(person, language: str):
    person.language = language
    person.save(update_fields=["language"])
    return person


def test_a_danish_researcher_starts_a_request_in_danish(rw):
    browser = verified_client(reads(rw.author, "da"))
    page = browser.get(reverse("release:my_requests")).content.decode()
    assert "<h1>Resultater: anmodninger om udtræk</h1>" in page
    assert f"Ny anmodning om udtræk for {rw.project.number}" in page
    assert "Outputs: release requests" not in page
    answer = browser.post(reverse("release:new", args=[rw.project.pk]), follow=True)
    page = answer.content.decode()
    release = ReleaseRequest.objects.get()
    assert f"<h1>Anmodning om udtræk {release.reference}</h1>" in page
    assert "Anmodningen om udtræk er oprettet: tilføj de filer, der skal frigives." in page
    assert '<dd id="state">Kladde</dd>' in page
    assert "Tilføj filen" in page and "Hvad filen viser" in page
    assert "Add the file" not in page


def test_a_refusal_of_the_outputs_area_is_said_in_the_readers_language(rw):
    release = request_with(rw, {})
    danish = verified_client(reads(rw.author, "da"))
    refused = danish.post(
        reverse("release:add_file", args=[release.pk]),
        {"path": "tables/nothing.csv", "context": "Tal pr. region"},
        follow=True,
    ).content.decode()
    assert "Der er ingen fil &#x27;tables/nothing.csv&#x27; i resultatområdet (" in refused
    english = verified_client(reads(rw.colleague, "en-gb"))
    refused = english.post(
        reverse("release:add_file", args=[release.pk]),
        {"path": "tables/nothing.csv", "context": "Counts by region"},
        follow=True,
    ).content.decode()
    assert "There is no file &#x27;tables/nothing.csv&#x27; in the outputs area (" in refused
    assert "resultatområdet" not in refused
    assert not release.files.exists()


def test_the_checkers_queue_and_a_released_request_in_danish(rw):
    release = submitted_and_checked(rw, request_with(rw, {"fig.png": (b"png", {})}))
    queue = verified_client(reads(rw.checker, "da")).get(reverse("release:queue")).content.decode()
    assert "<h1>Outputkontrol</h1>" in queue and release.reference in queue
    assert "Kontrolleret: venter på to kontrollanter" in queue
    assert "Sæt projektets stikprøveandel" in queue
    english = verified_client(rw.second_checker).get(reverse("release:queue")).content.decode()
    assert "<h1>Output checking</h1>" in english
    assert "Checked: waiting for two checkers" in english


def test_the_release_mail_is_written_in_the_researchers_language(rw, mailoutbox):
    reads(rw.author, "da")
    release = submitted_and_checked(
        rw, request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    )
    releasing.run_batch()
    (mail,) = mailoutbox
    assert mail.subject == f"Frigivne filer fra {rw.project.number} ({release.reference})"
    assert f"Disse filer fra anmodning om udtræk {release.reference}" in mail.body
    assert "- t.csv (SHA-256 " in mail.body and "Hver overførsel bliver logget." in mail.body


def test_an_english_researcher_gets_the_release_mail_in_english(rw, mailoutbox):
    release = submitted_and_checked(
        rw, request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    )
    releasing.run_batch()
    (mail,) = mailoutbox
    assert mail.subject == f"Released files from {rw.project.number} ({release.reference})"
    assert "were checked and released to you" in mail.body


def test_a_withdrawal_tells_each_member_in_their_own_language(rw, mailoutbox):
    reads(rw.author, "da")
    submitted_and_checked(rw, request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})}))
    releasing.run_batch()
    entry = ReleasedFile.objects.get()
    mailoutbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        releasing.mark_breach(actor=rw.checker, released=entry, what_happened="Celler på 2.")
    by_reader = {tuple(mail.to): mail for mail in mailoutbox}
    assert set(by_reader) == {(rw.author.email,), (rw.colleague.email,)}
    danish, english = by_reader[(rw.author.email,)], by_reader[(rw.colleague.email,)]
    assert danish.subject == f"Frigivet fil trukket tilbage: t.csv ({rw.project.number})"
    assert "Filen kan ikke længere hentes." in danish.body
    assert english.subject == f"Released file withdrawn: t.csv ({rw.project.number})"
    assert "It can no longer be downloaded" in english.body


def test_the_release_log_and_dashboard_in_danish(rw):
    submitted_and_checked(rw, request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})}))
    releasing.run_batch()
    danish = verified_client(reads(rw.auditor, "da"))
    log = danish.get(reverse("release:log")).content.decode()
    assert "<h1>Udtrækslog (R22)</h1>" in log and "Eksportér som CSV" in log
    assert "<td>bestået</td>" in log and "<td>frigivet automatisk</td>" in log
    dashboard = danish.get(reverse("release:dashboard")).content.decode()
    assert "<h1>Oversigt over udtræk</h1>" in dashboard
    assert "1 bestod og blev frigivet automatisk" in dashboard
    assert "Andel bestået automatisk: 100 %." in dashboard
    english = verified_client(rw.checker).get(reverse("release:log")).content.decode()
    assert "<td>pass</td>" in english and "<td>released automatically</td>" in english
