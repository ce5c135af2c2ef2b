"""Active content in uploaded PDFs: scripts, launch actions, embedded files, rich media and
XFA forms are refused, because a PDF is opened by office staff on their own machines.

The names are looked for in the file's bytes and inside its compressed object streams
(`/ObjStm`, where a PDF 1.5+ writer hides dictionaries), after undoing `#xx` escapes in names
(`/J#61vaScript` is `/JavaScript`). Object streams are unpacked with a cap: one that would not
fit is not guessed about, the file is refused (fail closed).
"""

from __future__ import annotations

import re
import zlib

from django.utils.translation import gettext as _

from fivesafes.shared.labels import gettext_noop, translated

ACTIVE = {
    b"/JavaScript": gettext_noop("a script (JavaScript)"),
    b"/JS": gettext_noop("a script (JavaScript)"),
    b"/Launch": gettext_noop("an action that starts a program"),
    b"/EmbeddedFile": gettext_noop("an embedded file"),
    b"/EmbeddedFiles": gettext_noop("embedded files"),
    b"/RichMedia": gettext_noop("embedded rich media"),
    b"/XFA": gettext_noop("an XFA form, which can hold scripts"),
}
# A name token: a slash and the characters up to the next delimiter or white space.
NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm")
STREAM_START = re.compile(rb"stream\r?\n")
STREAM_CAP = 16 * 1024 * 1024
TOTAL_CAP = 64 * 1024 * 1024


class UnsafePdf(ValueError):
    """A PDF refused for what it holds, in words."""


def _unescape(name: bytes) -> bytes:
    return ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)


def _active_in(data: bytes) -> str | None:
    for token in NAME.findall(data):
        what = ACTIVE.get(_unescape(token))
        if what:
            return what
    return None


def _object_streams(content: bytes) -> list[bytes]:
    """The compressed bytes of each object stream (dictionary says /Type /ObjStm)."""
    found = []
    for marker in OBJECT_STREAM.finditer(content):
        start = STREAM_START.search(content, marker.end())
        if start is None:
            continue
        end = content.find(b"endstream", start.end())
        found.append(content[start.end() : end if end >= 0 else len(content)])
    return found


def check_pdf(content: bytes) -> None:
    """Refuse (`UnsafePdf`) a PDF with active content or object streams too big to look into."""
    what = _active_in(content)
    budget = TOTAL_CAP
    for packed in _object_streams(content):
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(packed, min(STREAM_CAP, budget) + 1)
        except zlib.error as error:
            raise UnsafePdf(_("it holds compressed objects that cannot be checked")) from error
        if len(data) > min(STREAM_CAP, budget) or inflater.unconsumed_tail:
            raise UnsafePdf(_("it holds compressed objects too large to be checked"))
        budget -= len(data)
        what = what or _active_in(data)
    if what:
        raise UnsafePdf(_("it holds %(what)s") % {"what": translated(what)})
