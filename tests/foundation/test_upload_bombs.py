"""Upload bombs and oddities (issue 15, defect 1): office files are inspected from the zip's
central directory and read with caps, so a zip bomb is refused in well under a second without
memory growing; PDFs with scripts, launch actions or embedded files are refused, also when the
name is escaped or hidden in a compressed object stream; ordinary documents still pass."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fivesafes.shared import uploads
from fivesafes.shared.refusals import RuleViolation

MB = 1024 * 1024


def bomb(unpacked_mb: int = 1024, member: str = "[Content_Types].xml") -> bytes:
    """A DOCX-shaped zip whose one member unpacks to `unpacked_mb` MB of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open(member, "w", force_zip64=True) as handle:
            chunk = b" " * MB
            for _ in range(unpacked_mb):
                handle.write(chunk)
        if member != "word/document.xml":
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    return bomb()


def docx(**extra: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + "text " * 5000 + "</w:document>")
        for name, text in extra.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def pdf(body: bytes) -> bytes:
    return b"%PDF-1.7\n1 0 obj\n" + body + b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def object_stream(objects: bytes) -> bytes:
    packed = zlib.compress(objects)
    return pdf(
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
        + str(len(packed)).encode()
        + b" >>\nstream\n"
        + packed
        + b"\nendstream"
    )


def check(content: bytes, name: str = "protocol.docx"):
    return uploads.check_upload(SimpleUploadedFile(name, content), rule="R12", field="protocol")


def refusal(content: bytes, name: str = "protocol.docx") -> str:
    with pytest.raises(RuleViolation) as caught:
        check(content, name)
    assert caught.value.rule == "R12" and caught.value.field == "protocol"
    return str(caught.value)


def test_a_zip_bomb_is_refused_fast_without_unpacking_it(zip_bomb) -> None:
    assert len(zip_bomb) < 2 * MB  # the upload itself is small and within the size limit
    tracemalloc.start()
    started = time.perf_counter()
    message = refusal(zip_bomb)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "zip bomb" in message and "[Content_Types].xml" in message
    assert elapsed < 0.5, f"took {elapsed:.2f} s"
    assert peak < 4 * len(zip_bomb) + 8 * MB, f"peak {peak / MB:.0f} MB"


def test_a_bomb_in_the_document_body_is_refused_too() -> None:
    assert "zip bomb" in refusal(bomb(64, member="word/document.xml"))


def test_too_many_parts_and_paths_outside_are_refused() -> None:
    many = docx(**{f"word/media/image{i}.xml": "x" for i in range(2_100)})
    assert "2,102 files" in refusal(many)
    climbing = docx(**{"../../etc/cron.d/job": "* * * * * root sh"})
    assert "outside" in refusal(climbing)


def test_a_type_declaration_larger_than_the_read_cap_is_refused(monkeypatch) -> None:
    from fivesafes.shared import archives

    monkeypatch.setattr(archives, "MEMBER_CAP", 1000)
    big_types = io.BytesIO()
    with zipfile.ZipFile(big_types, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types>" + "<x/>" * 1000 + "</Types>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert "larger than" in refusal(big_types.getvalue())


def test_an_ordinary_document_still_passes() -> None:
    assert check(docx()).extension == "docx"
    assert check(pdf(b"<< /Type /Catalog >>"), "p.pdf").extension == "pdf"
    clean_stream = object_stream(b"1 0 << /Type /Page /Contents 2 0 R >>")
    assert check(clean_stream, "p.pdf").extension == "pdf"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>", "script"),
        (b"<< /OpenAction << /S /J#61vaScript /JS (x) >> >>", "script"),
        (b"<< /Names << /EmbeddedFiles << /Names [(a.exe) 2 0 R] >> >> >>", "embedded file"),
        (b"<< /OpenAction << /S /Launch /F (cmd.exe) >> >>", "starts a program"),
        (b"<< /AcroForm << /XFA 3 0 R >> >>", "XFA"),
    ],
)
def test_pdfs_with_active_content_are_refused(body: bytes, words: str) -> None:
    assert words in refusal(pdf(body), "p.pdf")


def test_a_script_hidden_in_a_compressed_object_stream_is_found() -> None:
    hidden = object_stream(b"1 0 << /S /JavaScript /JS (app.launchURL('x')) >>")
    assert b"JavaScript" not in hidden
    assert "script" in refusal(hidden, "p.pdf")


def test_an_object_stream_that_cannot_be_unpacked_is_refused() -> None:
    damaged = pdf(b"<< /Type /ObjStm /N 1 /Filter /FlateDecode >>\nstream\nnot zlib\nendstream")
    assert "cannot be checked" in refusal(damaged, "p.pdf")
