"""The agreements in their recipient's language (issue 16, item 8): every word of a Danish
reader's agreement is Danish, terms and signature parties included; an English reader's stays
English; and a signed copy reads in the language of the document that was signed, even when
its reader has chosen another language since."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from fivesafes.accounts.models import User
from fivesafes.people.services import agreements
from fivesafes.people.services.document import signed_agreement
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client
from tests.pdf import pdf_text
from tests.people.conftest import add_member, authorise


def _reads(person: User, language: str) -> None:
    person.language = language
    person.save(update_fields=["language"])


def _danish_agreement(world, make_user):  # noqa: ANN001, ANN202
    """A Danish researcher's agreement in world's project, signed by both parties."""
    from fivesafes.people.services import researchers

    dane = make_user(Role.RESEARCHER, username="dorthe")
    dane.full_name = "Dorthe Dam"
    dane.save(update_fields=["full_name"])
    _reads(dane, "da")
    researchers.attach(actor=world.manager, institution=world.institution, researcher=dane)
    add_member(world.project, dane)
    today = timezone.localdate()
    agreement = agreements.create(
        actor=world.manager,
        researcher=dane,
        project=world.project,
        starts_on=today,
        ends_on=today + timedelta(days=365),
        allowed_networks="198.51.100.0/24",
    )
    agreements.sign(actor=dane, agreement=agreement)
    agreements.countersign(actor=world.manager, agreement=agreement)
    agreement.refresh_from_db()
    return dane, agreement


def test_a_danish_researchers_agreement_is_danish_and_stays_so_when_signed(
    world, make_user
) -> None:
    dane, agreement = _danish_agreement(world, make_user)
    assert agreement.document_language == "da"
    stored = pdf_text(default_storage.open(agreement.document, "rb").read())
    for danish in (
        "Forskeren arbejder kun med data fra det autoriserede forskningsmiljø",  # a term
        "tre måneders varsel",
        "Forskeren, Dorthe Dam",  # the researcher's signature line
        "For Aarhus University, institutionens ansvarlige leder",
    ):
        assert danish in stored, danish
    for english in ("The researcher,", "its responsible manager", "three months' notice"):
        assert english not in stored, english

    # she reads English from now on; the copy she downloads is worded as what she signed
    _reads(dane, "en-gb")
    url = reverse("people:researcher_agreement_pdf", kwargs={"pk": agreement.pk})
    response = verified_client(dane).get(url)
    assert response.status_code == 200
    signed = pdf_text(b"".join(response.streaming_content))
    assert "Forskeren, Dorthe Dam" in signed
    assert "Forskeren arbejder kun med data fra det autoriserede forskningsmiljø" in signed
    assert agreement.document_sha256 in signed
    assert "The researcher," not in signed and "three months' notice" not in signed


def test_an_english_researchers_agreement_is_english(world) -> None:
    assert world.agreement.document_language == "en-gb"
    text = pdf_text(default_storage.open(world.agreement.document, "rb").read())
    assert "The researcher, Rikke" in text
    assert "For Aarhus University, its responsible manager" in text
    assert "Neither the data nor any dataset derived from them may be downloaded" in text
    assert "Forskeren" not in text


def test_a_danish_managers_authorisation_is_danish_and_its_signed_copy_too(
    make_user, staff
) -> None:
    manager = make_user(Role.INSTITUTION_MANAGER, username="morten")
    manager.full_name = "Morten Mørk"
    manager.save(update_fields=["full_name"])
    _reads(manager, "da")
    case = authorise(manager=manager, name="Roskilde Universitet", **staff)
    assert case.agreement_language == "da"
    stored = pdf_text(default_storage.open(case.agreement_document, "rb").read())
    for danish in (
        "Kontoret kan aflægge uanmeldte besøg",  # a term
        "For Roskilde Universitet, institutionens ansvarlige leder",
        "For The Statistics Office, Research Services",  # the office by its letterhead name
    ):
        assert danish in stored, danish
    assert "its responsible manager" not in stored and "unannounced visits" not in stored

    _reads(manager, "en-gb")
    copy = signed_agreement(case)
    assert copy is not None
    signed = pdf_text(copy)
    assert "Kontoret kan aflægge uanmeldte besøg" in signed
    assert "For Roskilde Universitet, institutionens ansvarlige leder" in signed
    assert case.agreement_sha256 in signed
    assert "its responsible manager" not in signed


def test_an_old_authorisation_without_a_recorded_language_is_signed_in_the_default(
    world,
) -> None:
    """Rows stored before the language was recorded hold "": the default language, English."""
    case = world.authorisation
    case.agreement_language = ""
    case.save(update_fields=["agreement_language"])
    _reads(world.manager, "da")
    copy = signed_agreement(case)
    assert copy is not None
    text = pdf_text(copy)
    assert "For Aarhus University, its responsible manager" in text
    assert "The office may make unannounced visits" in text
