"""Reading the text of the PDFs fivesafes generates (agreements, contracts, letters, invoices)."""

from __future__ import annotations


def pdf_text(content: bytes) -> str:
    """The text drawn by reportlab's page streams (ASCII85 + Flate, or plain)."""
    import base64
    import contextlib
    import re
    import zlib

    shown = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        data = raw.strip()
        try:
            data = zlib.decompress(base64.a85decode(data, adobe=True))
        except ValueError:
            with contextlib.suppress(zlib.error):
                data = zlib.decompress(data)
        shown += re.findall(rb"\((.*?)\) Tj", data)
    return " ".join(part.decode("latin-1") for part in shown)
