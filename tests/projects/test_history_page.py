"""The application page's history reads in words with repeated edits folded (issue #16 item 5)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from fivesafes.audit.presentation import in_words
from tests.conftest import verified_client


@pytest.mark.django_db
def test_the_application_page_shows_its_history_in_words_with_edits_folded(pw, draft) -> None:
    from fivesafes.projects.services import applications as service

    line = draft.variables.first()
    for year in (2011, 2012, 2013):
        service.update_variable(
            actor=pw.researcher,
            line=line,
            first_year=year,
            last_year=2020,
            justification="Outcome.",
            identifying_justification="Exact age needed." if line.name == "birth_date" else "",
            coarsening="",
        )
    page = verified_client(pw.researcher).get(reverse("projects:application", args=[draft.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "application.variable_updated" not in html
    words = escape(in_words("application.variable_updated"))
    assert f'{words} <span class="muted">(3 times)</span>' in html
