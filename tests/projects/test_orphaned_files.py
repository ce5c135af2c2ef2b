"""Files never outlive a failed change, and `fivesafes files orphans` finds what a crash left.

Orphans are files no record refers to: listed, and with --delete removed (audited), while every
file a record names, and every agreement version, stays.
"""

from __future__ import annotations

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from fivesafes.audit.models import AuditEvent
from fivesafes.projects.services import applications
from tests.projects.conftest import PDF


def _attach(pw, draft):
    return applications.attach_document(
        actor=pw.researcher,
        application=draft,
        kind="protocol",
        upload=SimpleUploadedFile("protocol.pdf", PDF),
    )


def test_a_document_whose_record_fails_leaves_no_file(pw, draft, upload_dir, monkeypatch) -> None:
    def refuse(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(applications, "record", refuse)
    with pytest.raises(RuntimeError):
        _attach(pw, draft)
    draft.refresh_from_db()
    assert draft.protocol is None
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


def _age(path, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_orphans_are_listed_and_removed_with_an_audit_event(pw, draft, upload_dir, capsys) -> None:
    document = _attach(pw, draft)
    kept = upload_dir / document.stored_name
    stray = upload_dir / "0123abcd.pdf"
    stray.write_bytes(PDF)
    fresh = upload_dir / "fresh.pdf"
    fresh.write_bytes(PDF)
    agreement = upload_dir.parent / "people" / "agreements" / "authorisation-9-old.pdf"
    agreement.parent.mkdir(parents=True, exist_ok=True)
    agreement.write_bytes(PDF)
    for path in (kept, stray, agreement):
        _age(path, 48)

    call_command("files", "orphans")
    listed = capsys.readouterr().out
    assert "projects/0123abcd.pdf" in listed and "1 orphaned files" in listed
    assert document.stored_name not in listed and "fresh.pdf" not in listed
    assert "agreements" not in listed

    call_command("files", "orphans", "--delete")
    assert "Removed 1 orphaned files." in capsys.readouterr().out
    assert not stray.exists()
    assert kept.exists() and fresh.exists() and agreement.exists()
    event = AuditEvent.objects.get(action="files.orphan_removed")
    assert event.data["name"] == "projects/0123abcd.pdf" and event.data["size"] == len(PDF)

    call_command("files", "orphans", "--older-than", "0")
    assert "projects/fresh.pdf" in capsys.readouterr().out
