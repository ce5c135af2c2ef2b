"""The shared parts in Danish (issue 16, item 8): the account pages, the refusals the policy and
the shared upload check give, and the office's documents, which are written in the recipient's
language whoever opens them; an English reader still reads English."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from fivesafes.people.services import researchers
from fivesafes.policy.permissions import Role
from fivesafes.policy.project_access import check_project_access, project_access
from fivesafes.projects.services import decisions
from fivesafes.shared.refusals import AccessDenied
from tests.conftest import verified_client
from tests.pdf import pdf_text
from tests.people.conftest import certify, staff, world  # noqa: F401 - fixtures
from tests.projects.conftest import (  # noqa: F401 - fixtures
    draft,
    pw,
    recommended,
    submitted,
    upload_dir,
)

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def _reads(person, language: str) -> None:
    person.language = language
    person.save(update_fields=["language"])


def test_the_account_page_in_danish_and_in_english(make_user) -> None:
    dane = make_user(Role.RESEARCHER)
    _reads(dane, "da")
    text = verified_client(dane).get(reverse("accounts:account")).content.decode()
    for danish in ("<h1>Din konto</h1>", "API-nøgler", "Ingen nøgler endnu.", "Gyldig i (dage)"):
        assert danish in text, danish
    assert "Create token" not in text and "Your account" not in text

    english = verified_client(make_user(Role.RESEARCHER)).get(reverse("accounts:account"))
    text = english.content.decode()
    assert "<h1>Your account</h1>" in text and "Create token" in text
    assert "Din konto" not in text


def test_a_token_is_created_and_revoked_in_danish(make_user) -> None:
    dane = make_user(Role.RESEARCHER)
    _reads(dane, "da")
    client = verified_client(dane)
    created = client.post(reverse("accounts:create_token"), {"name": "bærbar", "days": 30})
    assert "Nøglen er oprettet. Kopiér den nu" in created.content.decode()
    token = dane.api_tokens.get()
    revoked = client.post(reverse("accounts:revoke_token", args=[token.key_id]), follow=True)
    text = revoked.content.decode()
    assert "Nøglen &#x27;bærbar&#x27; er tilbagekaldt." in text
    assert ">tilbagekaldt</span>" in text


def test_a_page_the_roles_do_not_allow_says_why_in_danish(make_user) -> None:
    dane = make_user(Role.RESEARCHER)
    _reads(dane, "da")
    answer = verified_client(dane).get(reverse("people:cases"))
    text = answer.content.decode()
    assert answer.status_code == 403
    assert "<h1>Ikke tilladt</h1>" in text
    assert "Dine roller giver ikke tilladelsen &#x27;view_people_cases&#x27;" in text

    english = verified_client(make_user(Role.RESEARCHER)).get(reverse("people:cases"))
    assert "Your roles do not include the permission" in english.content.decode()


def test_an_upload_refused_by_its_content_is_explained_in_danish(pw, draft) -> None:  # noqa: F811
    _reads(pw.researcher, "da")
    page = verified_client(pw.researcher).post(
        reverse("projects:upload_document", args=[draft.pk, "protocol"]),
        {"file": SimpleUploadedFile("protocol.pdf", ELF)},
        follow=True,
    )
    text = page.content.decode()
    assert "Filen er et Linux-program (ELF), uanset hvad navnet siger." in text
    assert "Kun filer af typen PDF, DOCX, ODT og almindelig tekst accepteres (" in text
    assert "whatever its name says" not in text


def test_the_decision_letter_is_in_the_applicants_language(pw, recommended) -> None:  # noqa: F811
    approved = decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    url = reverse("projects:decision_pdf", args=[approved.pk])
    _reads(pw.researcher, "da")
    letter = pdf_text(verified_client(pw.researcher).get(url).content)
    assert "AFGØRELSE OM ADGANG" in letter and "Ansøgningen er GODKENDT." in letter
    deadline = approved.deletion_deadline
    assert f"Data slettes senest {deadline.day}.{deadline.month}.{deadline.year} (R25)." in letter
    assert "ACCESS DECISION" not in letter

    # The applicant reads English: so does the letter, though a Danish reader opens it.
    _reads(pw.researcher, "")
    _reads(pw.approver, "da")
    letter = pdf_text(verified_client(pw.approver).get(url).content)
    assert "ACCESS DECISION" in letter and "The application is APPROVED." in letter
    assert "AFGØRELSE" not in letter


def test_a_step_the_roles_do_not_allow_is_refused_in_the_actors_language(
    pw,  # noqa: F811
    recommended,  # noqa: F811
) -> None:
    for language, reason in (
        ("da", "Dine roller giver ikke tilladelsen 'decide_project_applications'"),
        ("en-gb", "Your roles do not include the permission 'decide_project_applications'"),
    ):
        with translation.override(language), pytest.raises(AccessDenied) as refused:
            decisions.take_step(actor=pw.case_handler, application=recommended, step="approve")
        assert refused.value.reason.startswith(reason), refused.value.reason


def test_the_access_rule_names_what_fails_in_the_readers_language(world, make_user) -> None:  # noqa: F811
    newcomer = make_user(Role.RESEARCHER)
    researchers.attach(actor=world.manager, institution=world.institution, researcher=newcomer)
    certify(newcomer)
    newcomer.is_verified = lambda: True  # signed in with two factors
    number = world.project.number
    with translation.override("da"), pytest.raises(AccessDenied) as refused:
        check_project_access(newcomer, world.project)
    assert refused.value.reason.startswith(
        f"Du kan ikke arbejde i projekt {number}. "
        f"Forskeraftale: du har ingen forskeraftale for projekt {number} (R8)"
    )
    with translation.override("da"):  # the name stays the key; the label is read in Danish
        failed = [(c.name, c.label) for c in project_access(newcomer, world.project).failed]
    assert failed == [("Researcher agreement", "Forskeraftale")]

    with pytest.raises(AccessDenied) as refused:
        check_project_access(newcomer, world.project)
    assert "Researcher agreement: you have no researcher agreement" in refused.value.reason
