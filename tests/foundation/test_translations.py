"""The Danish texts: every text is translated, and the compiled catalogue Django reads (the
committed django.mo, docs/decisions/0007-translations.md) says what the django.po says."""

from __future__ import annotations

import gettext
from pathlib import Path

from babel.messages.pofile import read_po

import fivesafes

MESSAGES = Path(fivesafes.__file__).parent / "locale" / "da" / "LC_MESSAGES"


def test_every_danish_text_is_translated_and_compiled() -> None:
    with (MESSAGES / "django.po").open("rb") as handle:
        catalogue = read_po(handle, locale="da")
    with (MESSAGES / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    texts = [m for m in catalogue if m.id]
    assert len(texts) > 80
    for message in texts:
        assert message.string, f"not translated: {message.id!r}"
        assert not message.fuzzy, f"fuzzy, so left out of the compiled file: {message.id!r}"
        assert isinstance(message.id, str)
        assert compiled.gettext(message.id) == message.string, (
            f"django.mo is older than django.po for {message.id!r}: run compilemessages"
        )
