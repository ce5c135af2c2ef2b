"""The service's PDFs: one A4 page layout, titled and authored the same for every document."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import SimpleDocTemplate


def pdf(title: str, story: list[Any]) -> bytes:
    """The document `story` (reportlab flowables) as an A4 PDF titled `title`."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=2.5 * cm,
        title=title,
        author="fivesafes research service",
    )
    doc.build(story)
    return buffer.getvalue()
