"""The Danish texts: every text of every catalogue (one per room, `<room>/locale/`, and one for
the rest, `fivesafes/locale/`) is translated, and the compiled catalogue Django reads (the
committed django.mo, docs/decisions/0007-translations.md) says what its django.po says."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import fivesafes

SOURCE = Path(fivesafes.__file__).parent
CATALOGUES = sorted(p.parent for p in SOURCE.glob("**/locale/da/LC_MESSAGES/django.po"))


def test_the_rooms_keep_their_own_catalogues() -> None:
    rooms = {p.relative_to(SOURCE).parts[0] for p in CATALOGUES}
    assert {"locale", "web", "accounts"} <= rooms


@pytest.mark.parametrize("messages", CATALOGUES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_every_danish_text_is_translated_and_compiled(messages: Path) -> None:
    with (messages / "django.po").open("rb") as handle:
        catalogue = read_po(handle, locale="da")
    with (messages / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    texts = [m for m in catalogue if m.id]
    assert texts
    for message in texts:
        assert not message.fuzzy, f"fuzzy, so left out of the compiled file: {message.id!r}"
        context = message.context
        if isinstance(message.id, tuple):  # a text with a singular and a plural
            one, many = message.id
            assert all(message.string), f"not translated: {one!r}"
            if context:
                shown = (
                    compiled.npgettext(context, one, many, 1),
                    compiled.npgettext(context, one, many, 2),
                )
            else:
                shown = (compiled.ngettext(one, many, 1), compiled.ngettext(one, many, 2))
            assert shown == tuple(message.string), f"django.mo is older than django.po: {one!r}"
            continue
        assert message.string, f"not translated: {message.id!r}"
        read = compiled.pgettext(context, message.id) if context else compiled.gettext(message.id)
        assert read == message.string, (
            f"django.mo is older than django.po for {message.id!r}: run compilemessages"
        )


def test_a_text_reads_the_same_in_every_room() -> None:
    """Django merges the rooms' catalogues into one, so a text two rooms translate differently
    would read as whichever room comes first: the same English has the same Danish everywhere."""
    seen: dict[object, tuple[object, str]] = {}
    differing = []
    for messages in CATALOGUES:
        with (messages / "django.po").open("rb") as handle:
            for message in read_po(handle, locale="da"):
                if not message.id:
                    continue
                key = (message.context, message.id)
                room = str(messages.relative_to(SOURCE).parts[0])
                if key in seen and seen[key][0] != message.string:
                    differing.append((message.id, seen[key], (message.string, room)))
                seen.setdefault(key, (message.string, room))
    assert differing == []
