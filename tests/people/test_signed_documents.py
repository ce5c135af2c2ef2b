"""The agreements look official (issue 16, item 9): the office's letterhead, the people by
full name and institution, and, once signed, each electronic signature printed on its line."""

from __future__ import annotations

import re

from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from fivesafes.people.models import AgreementSignature, SignatureEvent
from tests.conftest import verified_client
from tests.pdf import pdf_text


def _named(world) -> None:
    """Full names that differ from the user names, as real people's do."""
    for user, name in (
        (world.researcher, "Rikke Holm Sørensen"),
        (world.manager, "Mads Nørgaard"),
        (world.approver, "Anna Wind"),
    ):
        user.full_name = name
        user.save(update_fields=["full_name"])


def _signed_line(text: str, signature, name: str, organisation: str) -> None:
    """The signature is printed: who and for whom, when (local time, to the second, with the
    zone) and the SHA-256 of the document signed."""
    local = timezone.localtime(signature.signed_at)
    assert local.strftime("%Z") in ("CET", "CEST")
    printed = (
        f"Signed electronically by {name}, {organisation} on "
        f"{local:%Y-%m-%d %H:%M:%S} {local:%Z} Document SHA-256: {signature.document_sha256}"
    )
    assert printed in text, text
    assert not re.search(r"\d\d:\d\d:\d\d\.\d", text), "no microseconds"


def test_the_signed_researcher_agreement_prints_both_signatures(world) -> None:
    _named(world)
    url = reverse("people:researcher_agreement_pdf", kwargs={"pk": world.agreement.pk})
    response = verified_client(world.researcher).get(url)
    text = pdf_text(b"".join(response.streaming_content))
    assert text.startswith("The Statistics Office, Research Services Sejrøgade 11")
    assert "Rikke Holm Sørensen, Aarhus University" in text
    assert "(rikke)" not in text and "mads" not in text
    researcher = AgreementSignature.objects.get(agreement=world.agreement, party="researcher")
    manager = AgreementSignature.objects.get(agreement=world.agreement, party="institution")
    assert researcher.document_sha256 == world.agreement.document_sha256
    _signed_line(text, researcher, "Rikke Holm Sørensen", "Aarhus University")
    _signed_line(text, manager, "Mads Nørgaard", "Aarhus University")
    assert "Signature: ____" not in text
    # the document they signed is the stored one, with lines to sign on; its hash is what the
    # signatures name, and signing does not change it
    stored = pdf_text(default_storage.open(world.agreement.document, "rb").read())
    assert stored.count("Signature: ____") == 2
    assert "Signed electronically" not in stored


def test_the_signed_authorisation_names_the_office_and_the_manager(world) -> None:
    _named(world)
    case = world.authorisation
    response = verified_client(world.manager).get(reverse("people:agreement_pdf", args=[case.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert "AUTHORISATION" in text and "Responsible manager: Mads Nørgaard." in text
    office = SignatureEvent.objects.get(authorisation=case, party="office")
    institution = SignatureEvent.objects.get(authorisation=case, party="institution")
    _signed_line(text, office, "Anna Wind", "The Statistics Office, Research Services")
    _signed_line(text, institution, "Mads Nørgaard", "Aarhus University")
