"""The page of the rules, and every refusal linking the rule it names there: the words first,
then the rule as a link to its text (issue 16)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fivesafes.people.demo import ensure_questions
from fivesafes.people.services import sanctions
from fivesafes.policy.permissions import Role
from tests.conftest import verified_client
from tests.page_text import rule_link, shown
from tests.people.conftest import staff, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

DANISH = {"HTTP_ACCEPT_LANGUAGE": "da-DK,da;q=0.9,en;q=0.5"}


def test_the_rules_page_shows_r1_to_r26_each_at_its_anchor(make_user) -> None:
    page = verified_client(make_user(Role.RESEARCHER)).get(reverse("web:rules"))
    assert page.status_code == 200
    for number in range(1, 27):
        assert f'id="R{number}"' in page.text
    text = shown(page)
    assert "<h1>The rules</h1>" in page.text
    assert "Foreign researchers through affiliation (R7)" in text
    assert "Two-factor sign-in, always (R10)" in text


def test_visitors_read_the_rules_in_danish_too() -> None:
    page = Client().get(reverse("web:rules"), **DANISH)
    assert page.status_code == 200
    text = shown(page)
    assert "Udenlandske forskere via tilknytning (R7)" in text
    assert "Foreign researchers through affiliation" not in text


def test_the_filter_escapes_the_text_and_links_each_rule() -> None:
    template = Template("{{ text|rule_links }}")
    with translation.override("da"):
        html = template.render(Context({"text": "<b>Not</b> R27, but R7 & R24."}))
    assert html.startswith("&lt;b&gt;Not&lt;/b&gt; R27, but ")
    assert (
        '<a class="rule-link" href="/rules/#R7" title="Udenlandske forskere via tilknytning">R7</a>'
        in html
    )
    assert html.endswith(">R24</a>.") and "&amp;" in html


def test_a_refusal_on_a_form_reads_words_first_with_the_rule_linked(make_user) -> None:
    ensure_questions()
    client = verified_client(make_user(Role.CASE_HANDLER))
    page = client.post(
        reverse("people:question_bank"),
        {"text": "May you share your password?", "choices": "Yes\nNo", "correct": "3"},
    )
    assert page.status_code == 400
    assert "The right answer is a number from 1 to 2 (R9)" in shown(page)
    assert rule_link("R9") in page.text
    assert "R9:" not in shown(page)


def test_the_refusal_page_links_the_rule(world, make_user) -> None:  # noqa: F811 - fixture
    breach = sanctions.report_breach(
        actor=make_user(Role.OUTPUT_CHECKER),
        researcher=world.researcher,
        what_happened="Tried to download micro data",
        evidence="Transfer log",
    )
    sanctions.decide(
        actor=world.approver,
        breach=breach,
        decision="Excluded permanently",
        permanent=True,
        exclusion_ends_on=None,
    )
    page = verified_client(world.researcher).get(reverse("web:dashboard"))
    assert page.status_code == 403
    assert "excluded from the research schemes permanently after a breach of the rules (R24)" in (
        shown(page)
    )
    assert rule_link("R24") in page.text
