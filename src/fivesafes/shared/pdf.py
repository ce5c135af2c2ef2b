"""The office's documents as PDFs: an HTML template under the office's letterhead, rendered on
A4 by WeasyPrint, so staff change a document's wording and look in its template
(templates/documents/). The letterhead's name and address come from the settings
(FIVESAFES_OFFICE_NAME, FIVESAFES_OFFICE_ADDRESS), with the defaults below.

A document is written in its recipient's language (`User.language`, else the site's default,
English), whoever asks for it: `pdf(..., recipient=person)` renders the template in it, and
`shared.language.in_language_of(person)` is the block a caller builds the document's other words in (its
title, terms and signature parties), so the whole document reads in one language. A signed copy
is written in the language its stored document was (`language=`), whatever the recipient reads
now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from fivesafes.shared.language import in_language, in_language_of

OFFICE_NAME = "The Statistics Office, Research Services"
OFFICE_ADDRESS = "Sejrøgade 11\n2100 København Ø\nDenmark"
AUTHOR = "fivesafes research service"


@dataclass(frozen=True)
class Letterhead:
    name: str
    address_lines: tuple[str, ...]


def letterhead() -> Letterhead:
    """The office's name and address as the settings give them (else the defaults above)."""
    name = getattr(settings, "FIVESAFES_OFFICE_NAME", "") or OFFICE_NAME
    address = getattr(settings, "FIVESAFES_OFFICE_ADDRESS", "") or OFFICE_ADDRESS
    return Letterhead(name, tuple(line.strip() for line in address.splitlines() if line.strip()))


def moment(value: datetime | None) -> str:
    """A moment as a document prints it: in the office's time zone, to the second, with the
    zone's name ('2026-12-05 17:40:12 CET'); a dash when there is none."""
    if value is None:
        return "-"
    local = timezone.localtime(value).replace(microsecond=0)
    return local.strftime("%Y-%m-%d %H:%M:%S %Z")


def person(user: Any) -> str:
    """A person as a document names them: the full name, else the user name."""
    if user is None:
        return "-"
    return getattr(user, "full_name", "") or user.get_username()


@dataclass(frozen=True)
class SignatureLine:
    """Where a party signs: `signed` once signed electronically, with who, when and the
    SHA-256 of the document they signed."""

    party: str
    signer: str = ""
    organisation: str = ""
    signed_at: str = ""
    document_sha256: str = ""

    @property
    def signed(self) -> bool:
        return bool(self.signer)


def pdf(
    template: str,
    context: dict[str, Any],
    *,
    title: str,
    recipient: Any = None,
    language: str | None = None,
) -> bytes:
    """The document `template` (extending documents/letter.html) rendered with `context`, as
    an A4 PDF titled `title`, in the language of `recipient` (the person it is addressed to),
    or in `language` when given ("" for the default)."""
    from weasyprint import HTML

    with in_language(language) if language is not None else in_language_of(recipient):
        html = render_to_string(
            template, {**context, "title": str(title), "office": letterhead(), "author": AUTHOR}
        )
    return bytes(HTML(string=html).write_pdf())
