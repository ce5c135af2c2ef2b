"""Safe projects in Danish (issue 16, item 8): a person who chose Danish reads the wizard, the
findings, the application and project pages, the refusals and the e-mails in Danish; a person
who reads English still gets English, also when a Danish reader caused what they receive."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from fivesafes.projects.rules import Severity, scope
from fivesafes.projects.services import decisions, pricing
from fivesafes.shared.refusals import RuleViolation
from tests.conftest import verified_client
from tests.projects.conftest import complete

pytestmark = pytest.mark.django_db


def _danish(person) -> None:  # noqa: ANN001
    person.language = "da"
    person.save(update_fields=["language"])


def _page(client, url: str, **options) -> str:  # noqa: ANN001, ANN003
    response = client.get(url, **options)
    assert response.status_code == 200
    return response.content.decode()


def test_a_danish_researcher_fills_in_the_wizard_in_danish(pw, draft) -> None:
    _danish(pw.researcher)
    client = verified_client(pw.researcher)
    text = _page(client, reverse("projects:wizard", args=[draft.pk, "project"]))
    assert '<html lang="da">' in text
    for danish in (
        f"Ansøgning {draft.reference}: Incomes",
        "Retsgrundlag og konsekvensanalyse (DPIA)",  # a step of the wizard
        "Projektets titel",  # a form label
        "Gem kladde",
        "Gem og fortsæt",
        "<h2>Fund</h2>",
        "Upload forskningsprotokollen eller projektbeskrivelsen (",  # a finding
        "Blokerende",  # its severity
    ):
        assert danish in text, danish
    for english in ("Save draft", "Findings", "Upload the research protocol", "Blocking"):
        assert english not in text, english

    variables = _page(client, reverse("projects:wizard", args=[draft.pk, "variables"]))
    assert "Tilføj variablerne i min datakurv" in variables
    assert "Grovere inddeling" in variables and "Til år og måned" in variables  # coarsenings
    assert escape("er særligt identificerende: giv en særskilt begrundelse") in variables


def test_an_english_researcher_keeps_english_pages(pw, draft) -> None:
    text = _page(
        verified_client(pw.researcher),
        reverse("projects:wizard", args=[draft.pk, "project"]),
        HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9",
    )
    assert "Save draft" in text and "Upload the research protocol" in text
    assert "Gem kladde" not in text and "Fund" not in text


def test_a_refused_submission_reads_in_danish(pw, draft) -> None:
    _danish(pw.researcher)
    client = verified_client(pw.researcher)
    response = client.post(reverse("projects:submit", args=[draft.pk]), follow=True)
    text = response.content.decode()
    assert "Indsendelse afvises, så længe fund blokerer:" in text
    assert "Submission is refused" not in text
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_the_case_handler_reads_the_application_and_its_steps_in_danish(pw, submitted) -> None:
    _danish(pw.case_handler)
    text = _page(
        verified_client(pw.case_handler), reverse("projects:application", args=[submitted.pk])
    )
    assert '<span class="badge" data-testid="application-state">Indsendt</span>' in text
    for danish in ("Sagsbehandling", "Variabelliste", "Start gennemgangen", "Historik"):
        assert danish in text, danish
    listed = _page(verified_client(pw.case_handler), reverse("projects:review"))
    assert "<h1>Projektansøgninger</h1>" in listed and "Tag sagen" in listed


def test_the_project_page_in_danish(pw, recommended) -> None:
    approved = decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    _danish(pw.researcher)
    client = verified_client(pw.researcher)
    text = _page(client, reverse("projects:project", args=[approved.project.pk]))
    number = approved.project.number
    assert f"Projekt {number}: Incomes" in text
    for danish in ("Godkendt omfang", "Afslutning (R25)", "Publikationer (R23)", "Aktivt"):
        assert danish in text, danish
    assert "Approved scope" not in text
    listed = _page(client, reverse("projects:projects"))
    assert "<h1>Projekter</h1>" in listed and "Frist for sletning" in listed


def test_labels_and_findings_follow_the_active_language() -> None:
    with translation.override("da"):
        assert Severity.NEEDS_JUSTIFICATION.label == "Kræver begrundelse"
    with translation.override("en-gb"):
        assert Severity.NEEDS_JUSTIFICATION.label == "Needs justification"


def test_a_refusal_is_worded_in_the_language_of_whoever_caused_it(pw, draft) -> None:
    with translation.override("da"), pytest.raises(RuleViolation) as refused:
        decisions.take_step(actor=pw.researcher, application=draft, step="submit")
    assert str(refused.value.finding.message).startswith("Indsendelse afvises")
    with translation.override("en-gb"), pytest.raises(RuleViolation) as refused:
        decisions.take_step(actor=pw.researcher, application=draft, step="submit")
    assert str(refused.value.finding.message).startswith("Submission is refused")


def test_e_mails_are_written_in_the_recipients_language(
    pw, draft, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    _danish(pw.researcher)  # the applicant reads Danish; the case handler and manager English
    take = decisions.take_step
    complete(draft, pw.researcher)
    with django_capture_on_commit_callbacks(execute=True), translation.override("en-gb"):
        take(actor=pw.researcher, application=draft, step="submit")
        take(actor=pw.case_handler, application=draft, step="start_review")
        decisions.ask_question(actor=pw.case_handler, application=draft, text="Why 2010?")
        take(actor=pw.case_handler, application=draft, step="recommend", note="Fine.")
        approved = take(actor=pw.approver, application=draft, step="approve", note="OK.")
        pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=1)
    question, decision, quote = mailoutbox
    assert question.subject == f"Et spørgsmål om ansøgning {draft.reference}"
    assert "Læs og besvar det på ansøgningens side i fivesafes." in question.body
    assert decision.subject == f"Ansøgning {draft.reference} godkendt"
    assert "Kontorets bemærkning: OK." in decision.body
    assert quote.to == [pw.manager.email]
    assert quote.subject == f"Price quote for application {draft.reference}"
    assert "including VAT" in quote.body


def test_the_population_reads_in_danish(pw, draft) -> None:
    complete(draft, pw.researcher)
    url = reverse("projects:wizard", args=[draft.pk, "population"])
    english = _page(verified_client(pw.researcher), url, HTTP_ACCEPT_LANGUAGE="en")
    assert "is recorded on 2010-01-01" in english
    assert "is between 1950-01-01 and 1990-12-31" in english
    _danish(pw.researcher)
    danish = _page(verified_client(pw.researcher), url)
    assert "er registreret den 2010-01-01" in danish
    assert "er mellem 1950-01-01 og 1990-12-31" in danish
    assert "Hvem der er i populationen (R11)" in danish and "is recorded" not in danish


def test_the_difference_to_the_approved_scope_in_danish() -> None:
    old = {
        "variables": {"p.a": {"first_year": 2010, "last_year": 2015, "coarsening": "year"}},
        "members": {"1": "ann", "2": "bo"},
        "population": {"definition": "X", "total": False, "sample_size": 100},
    }
    new = {
        "variables": {
            "p.a": {"first_year": 2010, "last_year": 2015, "coarsening": ""},
            "p.b": {"first_year": 2010, "last_year": 2010, "coarsening": ""},
        },
        "members": {"1": "ann"},
        "population": {"definition": "X", "total": True},
    }
    with translation.override("da"):
        described = [c.description for c in scope.diff(old, new)]
    assert described == [
        "p.a grovere inddeling 'year' -> 'ingen'",
        "tilføj p.b 2010-2010",
        "stikprøve -> totalpopulation",
        "fjern medlem bo",
    ]


def test_the_manager_reads_the_quote_in_danish(pw, recommended) -> None:
    approved = decisions.take_step(actor=pw.approver, application=recommended, step="approve")
    pricing.issue_quote(actor=pw.case_handler, application=approved, coordination_hours=1)
    _danish(pw.manager)
    text = _page(verified_client(pw.manager), reverse("projects:application", args=[approved.pk]))
    for danish in (
        "Pristilbud og kontrakt (R18)",
        "<td>Koordinering, afklaring, tilbud og aftale</td>",  # a line of the price list
        "<td>Moms 25 %</td>",
        "Ja, accepter tilbuddet",
        "<strong>Hvad sker der:</strong>",
        '<span class="badge">Tilbudt</span>',
    ):
        assert danish in text, danish
    assert "Coordination, clarification" not in text and "VAT 25" not in text
