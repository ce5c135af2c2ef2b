"""Reading the text of the PDFs fivesafes generates (agreements, contracts, letters, invoices)."""

from __future__ import annotations

from io import BytesIO


def pdf_text(content: bytes) -> str:
    """The text of every page as a reader sees it, runs of white space as one space."""
    from pypdf import PdfReader

    pages = PdfReader(BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() or "" for page in pages).split())
