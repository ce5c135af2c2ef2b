"""The owner's file, checked before anything is kept (R15): the agreement reference against
the one the approved application gives, the file's name and size, a bounded copy to a
temporary name renamed into place, and the read by the linkage core into a checked Parquet
copy keyed by person number, its refusals in words naming the field."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from fivesafes.delivery.models import ExternalUpload
from fivesafes.policy import deliveries as policy
from fivesafes.shared.refusals import RuleViolation

MIB = 1024 * 1024
CHUNK = MIB
# What the owner's file may be called; its kind is still told by its content.
SUFFIXES = (".csv", ".txt", ".tsv", ".parquet", ".dta", ".sav", ".zsav", ".sas7bdat")


def max_bytes() -> int:
    return int(getattr(settings, "FIVESAFES_EXTERNAL_MAX_BYTES", 200 * MIB))


def reference_on_file(upload: ExternalUpload) -> str:
    """The data-protection reference the approved application gives for the source ("" if
    none was given there)."""
    application = policy.approved_application(upload.delivery.project)
    if application is None:
        return ""
    item = application.external_data.filter(source=upload.source).first()
    return (item.approval_reference or "").strip() if item is not None else ""


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def check_reference(upload: ExternalUpload, reference: str) -> str:
    reference = " ".join((reference or "").split())
    if not reference:
        raise RuleViolation(
            "R15",
            "agreement_reference",
            _(
                "Give the reference of the data-processing agreement (the data-protection "
                "approval) under which these data are sent."
            ),
        )
    if len(reference) > 100:
        raise RuleViolation("R15", "agreement_reference", _("The reference is at most 100 long."))
    on_file = reference_on_file(upload)
    if on_file and not _same(on_file, reference):
        raise RuleViolation(
            "R15",
            "agreement_reference",
            _(
                "This is not the agreement reference the approved application gives for this "
                "source; check it with the researcher's institution."
            ),
        )
    return reference


def check_file(uploaded: Any) -> str:
    if uploaded is None:
        raise RuleViolation("R15", "file", _("Choose the file to send."))
    name = os.path.basename(str(getattr(uploaded, "name", "") or "")).strip()
    if not name.lower().endswith(SUFFIXES):
        raise RuleViolation(
            "R15",
            "file",
            _(
                "The file must be CSV, Parquet, Stata (.dta), SPSS (.sav, .zsav) or SAS "
                "(.sas7bdat); '%(name)s' is none of these."
            )
            % {"name": name[:80]},
        )
    size = int(getattr(uploaded, "size", 0) or 0)
    if size <= 0:
        raise RuleViolation("R15", "file", _("The file is empty."))
    if size > max_bytes():
        raise RuleViolation(
            "R15",
            "file",
            _("The file is %(size)s MiB; at most %(most)s MiB are accepted.")
            % {"size": size // MIB, "most": max_bytes() // MIB},
        )
    return name[:200]


def store(uploaded: Any, folder: Path, stem: str) -> Path:
    """The upload copied in bounded chunks to a temporary name, then renamed (never more than
    the limit read)."""
    final = folder / f"{stem}.upload"
    temporary = folder / f".partial-{stem}"
    written = 0
    try:
        with open(temporary, "xb") as out:
            os.chmod(temporary, 0o600)
            for chunk in uploaded.chunks(CHUNK):
                written += len(chunk)
                if written > max_bytes():
                    raise RuleViolation(
                        "R15",
                        "file",
                        _("The file is larger than %(most)s MiB.") % {"most": max_bytes() // MIB},
                    )
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.rename(temporary, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    return final


def _where(field: str) -> str:
    if field.startswith("column:"):
        return _("Column '%(column)s'") % {"column": field.removeprefix("column:")}
    if field.startswith("line"):
        return field.capitalize()
    return {"file": _("The file"), "encoding": _("Encoding"), "header": _("Header line")}.get(
        field, field.capitalize()
    )


def delete_file(path: Path) -> bool:
    """Delete a file we wrote and check it is gone."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    return not (path.exists() or path.is_symlink())


def read_checked(upload: ExternalUpload, raw: Path, checked: Path) -> Any:
    """Read and check the raw file with the linkage core into the checked copy; its report."""
    from fivesafes.linkage import (
        ExternalDataError,
        Limits,
        accept_serial_data,
        link_external,
        load_scrambling_key,
    )

    limits = Limits(max_file_bytes=max_bytes(), max_data_bytes=4 * max_bytes())
    try:
        if upload.keyed_by == "serial":  # distributed linking: serials back to person numbers
            key = load_scrambling_key(Path(upload.scrambling_key))
            _table, report = accept_serial_data(
                key, raw.parent, raw.name, checked, table_name=upload.table_name, limits=limits
            )
        else:
            _table, report = link_external(
                raw.parent, raw.name, checked, table_name=upload.table_name, limits=limits
            )
    except FileNotFoundError:
        raise RuleViolation(
            "R15", "file", _("The scrambling key of this link is gone; ask for a new link.")
        ) from None
    except ExternalDataError as error:
        # The linkage core's own words (English) follow the field, named in the reader's language.
        raise RuleViolation(
            "R15",
            "file",
            _("%(where)s: %(problem)s") % {"where": _where(error.field), "problem": error.message},
        ) from None
    return report
