"""The navigation marks the one entry the page belongs to."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from fivesafes.policy.permissions import Role
from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def current_entries(page: str) -> list[str]:
    return re.findall(r'<a href="[^"]+" aria-current="page">([^<]+)</a>', page)


@pytest.mark.parametrize(
    ("url_name", "entry"),
    [
        ("projects:review", "Project applications"),
        ("projects:projects", "Projects"),
        ("projects:prices", "Price list"),
        ("web:dashboard", "Dashboard"),
    ],
)
def test_one_entry_is_current(make_user, url_name, entry) -> None:
    handler = make_user(Role.CASE_HANDLER)
    page = verified_client(handler).get(reverse(url_name)).content.decode()
    assert current_entries(page) == [entry]
