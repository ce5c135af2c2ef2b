"""The decision letter and the contract look official (issue 16, item 9): the office's
letterhead from the settings, the applicant and deciders by full name with the institution, and
the manager's acceptance printed where the institution signs the contract."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone

from fivesafes.projects.services import decisions, pricing
from tests.conftest import verified_client
from tests.pdf import pdf_text


def test_the_letter_and_the_contract_carry_the_letterhead_and_full_names(
    pw, recommended, settings
) -> None:
    settings.FIVESAFES_OFFICE_NAME = "Danmarks Statistik, Forskningsservice"
    settings.FIVESAFES_OFFICE_ADDRESS = "Sejrøgade 11\n2100 København Ø"
    for user, name in (
        (pw.researcher, "Rikke Holm Sørensen"),
        (pw.manager, "Mads Nørgaard"),
        (pw.approver, "Anna Wind"),
        (pw.case_handler, "Camilla Berg"),
    ):
        user.full_name = name
        user.save(update_fields=["full_name"])
    approved = decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    client = verified_client(pw.researcher)

    letter = pdf_text(client.get(reverse("projects:decision_pdf", args=[approved.pk])).content)
    assert letter.startswith("Danmarks Statistik, Forskningsservice Sejrøgade 11 2100 København Ø")
    assert f"Applicant: Rikke Holm Sørensen, {pw.institution.name}" in letter
    decided = timezone.localtime(approved.decided_at)
    assert (
        f"Recommended by Camilla Berg; decided by Anna Wind on {decided:%Y-%m-%d %H:%M:%S %Z}."
        in letter
    )
    assert "rikke" not in letter and "anna" not in letter

    quote = pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=2)
    accepted = pricing.accept_quote(actor=pw.manager, quote=quote)
    response = verified_client(pw.manager).get(reverse("projects:contract_pdf", args=[quote.pk]))
    contract = pdf_text(b"".join(response.streaming_content))
    assert contract.startswith("Danmarks Statistik, Forskningsservice")
    when = timezone.localtime(accepted.accepted_at)
    assert (
        f"Accepted for {pw.institution.name} Signed electronically by Mads Nørgaard, "
        f"{pw.institution.name} on {when:%Y-%m-%d %H:%M:%S %Z}" in contract
    )
    assert not re.search(r"\d\d:\d\d:\d\d\.\d", contract), "no microseconds"
