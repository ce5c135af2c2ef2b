"""The 404 and 500 pages: in the layout, styled, in the person's language, revealing nothing."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from fivesafes.policy.permissions import Role
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def test_a_missing_page_has_the_layout_and_the_persons_navigation(make_user) -> None:
    client = verified_client(make_user(Role.CASE_HANDLER))
    answer = client.get("/projects/no-such-thing-7731/")
    text = answer.content.decode()
    assert answer.status_code == 404
    assert "css/fivesafes.css" in text and '<nav aria-label="Main">' in text
    assert "<h1>Page not found</h1>" in text
    main = text[text.index("<main") : text.index("</main>")]
    assert "no-such-thing-7731" not in main  # the page says nothing of the address


def test_an_object_one_may_not_see_reads_like_a_missing_page(make_user) -> None:
    """A missing application and one refused as unseen answer the same 404."""
    stranger = verified_client(make_user(Role.RESEARCHER))
    answer = stranger.get(reverse("projects:application", args=[987654]))
    assert answer.status_code == 404
    assert "fivesafes.css" in answer.content.decode()


def test_a_missing_page_in_danish(client) -> None:
    answer = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE="da")
    assert answer.status_code == 404
    assert "<h1>Siden findes ikke</h1>" in answer.content.decode()


def test_the_server_error_page_is_styled_and_says_nothing_of_the_error() -> None:
    request = RequestFactory().get("/projects/applications/1/")
    with translation.override("en-gb"):
        answer = server_error(request)
    text = answer.content.decode()
    assert answer.status_code == 500
    assert "css/fivesafes.css" in text and "<h1>Something went wrong</h1>" in text
    for leak in ("Traceback", "Exception", "/projects/applications/1/", "SECRET"):
        assert leak not in text
