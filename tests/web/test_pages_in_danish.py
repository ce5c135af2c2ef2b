"""Every page in Danish (issue 16, item 8): for each role, every list page and every page of
the objects of the walk's world (tests/foundation/security_world.py) opens for a person who
reads Danish without a server error, says it is Danish (`<html lang="da">`), and shows no
interface text in English that the catalogues translate, which is what a text put on the page
without `gettext` (an enum label, a message built in Python) looks like."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import fivesafes
from fivesafes.policy.permissions import Role
from tests.conftest import use_file_store, verified_client
from tests.foundation import security_world
from tests.foundation.routes import web_routes
from tests.foundation.test_security_walk import object_routes

pytestmark = pytest.mark.django_db


@cache
def english_with_danish() -> frozenset[str]:
    """Every interface text whose Danish differs from its English (both plural forms)."""
    texts: set[str] = set()
    for path in Path(fivesafes.__file__).parent.glob("**/locale/da/LC_MESSAGES/django.po"):
        with path.open("rb") as handle:
            for message in read_po(handle, locale="da"):
                if message.context:  # its English elsewhere may read the same in Danish
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                texts.update(i for i in ids if i and "%" not in i and i not in strings)
    return frozenset(texts)


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder") and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style") and self._hidden > 0

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def english_left(page: str) -> list[str]:
    reader = _Texts()
    reader.feed(page)
    known = english_with_danish()
    return sorted({t for t in reader.texts if t in known or t.rstrip(".:") in known})


# Signing out ends the walk; the health check answers 503 by design while no worker runs.
SKIPPED = {"accounts:logout", "health:healthz"}


@pytest.fixture
def world(make_user, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    use_file_store(settings, tmp_path / "files")
    return security_world.build(make_user)


def test_the_check_sees_an_english_label_on_a_danish_page() -> None:
    assert "Sign in" in english_with_danish()  # "Log ind"
    sample = "Sign in"
    assert english_left(f"<table><th>{sample}</th></table>") == [sample]
    assert english_left('<p aria-label="x">OWN-A project</p>') == []


@pytest.mark.parametrize("role", list(Role))
def test_every_page_reads_in_danish(role, world) -> None:
    person = world.people[role]
    person.language = "da"
    person.save(update_fields=["language"])
    browser = verified_client(person)
    browser.raise_request_exception = True
    urls = [r.url for r in web_routes() if not r.params and r.name not in SKIPPED]
    for targets in (world.own, world.other_institution):
        urls += [url for _name, url, _names in object_routes(targets)]
    failed: dict[str, object] = {}
    for url in dict.fromkeys(urls):
        answer = browser.get(url)
        if answer.status_code >= 500:
            failed[url] = answer.status_code
            continue
        kind = answer.get("Content-Type", "")
        if answer.status_code != 200 or answer.streaming or not kind.startswith("text/html"):
            continue
        page = answer.content.decode()
        if re.search(r"<html[^>]*>", page) and '<html lang="da"' not in page:
            failed[url] = "not marked Danish"
            continue
        left = english_left(page)
        if left:
            failed[url] = left
    assert failed == {}
