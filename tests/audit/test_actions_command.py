"""`fivesafes audit actions`: what each recorded name means, and which room declares it."""

from __future__ import annotations

import io

from django.core.management import call_command


def test_the_declared_actions_are_listed_in_words_with_their_room() -> None:
    out = io.StringIO()
    call_command("audit", "actions", stdout=out)
    lines = out.getvalue().splitlines()
    failed = next(line for line in lines if line.startswith("login.failed "))
    assert failed.endswith("A sign-in failed: wrong username or password  [accounts]")
    added = next(line for line in lines if line.startswith("basket.variable_added "))
    assert added.endswith("[data]")
    assert [line.split()[0] for line in lines] == sorted(line.split()[0] for line in lines)
