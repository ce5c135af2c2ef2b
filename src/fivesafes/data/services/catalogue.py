"""The catalogue import: validate metadata files and store them, all or nothing (R26).

Re-importing an unchanged file changes no metadata; a changed one becomes a new version (the
version number must follow the revision rule: adding variables bumps minor, changing or removing
bumps major) and the old version stays. Every error names the file, the JSON path and the reason.
The rows per year shown as coverage are read from the data at import; re-importing an unchanged
file re-reads them, so data placed after the metadata get their chart. One transaction holds the
whole import with its audit events.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from fivesafes.audit.services import record
from fivesafes.data.catalogue.importing import (
    ImportResult,
    count_rows,
    metadata_files,
    register_search_text,
    variable_search_text,
)
from fivesafes.data.models import (
    CatalogueCode,
    CatalogueRegister,
    CatalogueVariable,
    RegisterDocument,
    RegisterVersion,
)
from fivesafes.metadata import (
    MetadataError,
    MetadataIssue,
    Register,
    Text,
    check_new_version,
    fingerprint,
    load_registers,
    register_to_dict,
)

if TYPE_CHECKING:
    from fivesafes.accounts.models import User


def in_both_languages(**texts: Text) -> dict[str, str]:
    """The catalogue's columns of texts kept in English and Danish: `<name>_en` and
    `<name>_da` for each of `texts`."""
    return {
        f"{name}_{language}": getattr(text, language)
        for name, text in texts.items()
        for language in ("en", "da")
    }


def _store_version(
    reg: Register,
    register: CatalogueRegister,
    source: str,
    actor: User | None,
    rows: dict[str, int],
) -> RegisterVersion:
    doc = register_to_dict(reg)
    version = RegisterVersion.objects.create(
        register=register,
        version=reg.version,
        fingerprint=fingerprint(reg),
        **in_both_languages(title=reg.title, description=reg.description),
        temporality=reg.temporality.value,
        first_year=reg.time_coverage.first_year,
        last_year=reg.time_coverage.last_year,
        data_owner=reg.data_owner.name.en,
        owner_is_office=reg.data_owner.is_statistics_office,
        rows_by_year=rows,
        search_text=register_search_text(
            reg.short_name, reg.title.en, reg.title.da, reg.description.en, reg.description.da
        ),
        source_file=source[:500],
        imported_by=actor,
    )
    RegisterDocument.objects.create(version=version, document=doc)
    codes: list[CatalogueCode] = []
    for position, (var, var_doc) in enumerate(zip(reg.variables, doc["variables"], strict=True)):
        domain = var.value_domain
        stored = CatalogueVariable.objects.create(
            version=version,
            name=var.name,
            position=position,
            **in_both_languages(label=var.label, description=var.description),
            data_type=var.data_type.value,
            role=var.role.value,
            unit_of_measure=var.unit_of_measure.en if var.unit_of_measure else "",
            links_to=var.links_to or "",
            code_list_name=domain.code_list.name if domain.code_list else "",
            directly_identifying=var.sensitivity.directly_identifying,
            particularly_identifying=var.sensitivity.particularly_identifying,
            special_category=var.sensitivity.special_category,
            business_data=var.sensitivity.business_data,
            search_text=variable_search_text(var_doc),
        )
        for code in domain.code_list.codes if domain.code_list else ():
            codes.append(
                CatalogueCode(
                    variable=stored,
                    code=code.code,
                    **in_both_languages(label=code.label),
                    valid_from=code.valid_from,
                    valid_until=code.valid_until,
                    level=code.level,
                    parent=code.parent or "",
                )
            )
        for sentinel in domain.sentinels:
            codes.append(
                CatalogueCode(
                    variable=stored,
                    code=sentinel.code,
                    **in_both_languages(label=sentinel.label),
                    valid_from="1900-01-01",
                    is_sentinel=True,
                )
            )
    CatalogueCode.objects.bulk_create(codes, batch_size=2000)
    register.current = version
    register.subject_area = reg.subject_area.value
    register.unit_type = reg.unit_type
    register.save(update_fields=["current", "subject_area", "unit_type"])
    return version


def _refresh_coverage(
    reg: Register,
    version: RegisterVersion,
    actor: User | None,
    result: ImportResult,
    counted: dict[str, int],
) -> None:
    """Store and audit the re-read rows per year of an unchanged version if they differ."""
    if counted == version.rows_by_year:
        return
    before = sum(version.rows_by_year.values())
    version.rows_by_year = counted
    version.save(update_fields=["rows_by_year"])
    result.coverage_refreshed.append(f"{reg.short_name} {reg.version}")
    record(
        action="catalogue.coverage_refreshed",
        actor=actor,
        obj=version,
        before={"rows": before},
        after={"rows": sum(counted.values()), "years": len(counted)},
    )


def import_registers(paths: Iterable[str | Path], *, actor: User | None = None) -> ImportResult:
    """Validate every file first; store all of them in one transaction, or nothing."""
    files = metadata_files(paths)
    if not files:
        raise MetadataError(
            [
                MetadataIssue(
                    file=", ".join(map(str, paths)),
                    path="$",
                    reason=_("no metadata files (*.json) found"),
                )
            ]
        )
    registers = load_registers(files)
    by_name: dict[str, Register] = {}
    issues: list[MetadataIssue] = []
    for file, reg in zip(files, registers, strict=True):
        if reg.short_name in by_name:
            issues.append(
                MetadataIssue(
                    str(file), "$.shortName", f"register {reg.short_name} is in more than one file"
                )
            )
        by_name[reg.short_name] = reg
    result = ImportResult()
    with transaction.atomic():
        for file, reg in zip(files, registers, strict=True):
            register, created = CatalogueRegister.objects.select_for_update().get_or_create(
                short_name=reg.short_name,
                defaults={"subject_area": reg.subject_area.value, "unit_type": reg.unit_type},
            )
            current = register.current
            counted = count_rows(reg, file, issues)
            if counted is None:
                continue
            if current is not None and current.fingerprint == fingerprint(reg):
                result.unchanged.append(reg.short_name)
                _refresh_coverage(reg, current, actor, result, counted)
                continue
            if RegisterVersion.objects.filter(
                register=register, version=reg.version, fingerprint=fingerprint(reg)
            ).exists():  # the file of an earlier version, as it was imported: nothing to do
                result.unchanged.append(
                    f"{reg.short_name} {reg.version} (an earlier version; "
                    f"the current one is {current.version if current else '-'})"
                )
                continue
            if current is not None:
                problems = check_new_version(current.model(), reg)
                if RegisterVersion.objects.filter(register=register, version=reg.version).exists():
                    problems.append(f"version {reg.version} exists already with other content")
                issues.extend(MetadataIssue(str(file), "$.version", p) for p in problems)
                if problems:
                    continue
            version = _store_version(reg, register, str(file), actor, counted)
            (result.created if created else result.new_versions).append(
                f"{reg.short_name} {reg.version}"
            )
            record(
                action="catalogue.register_imported",
                actor=actor,
                obj=version,
                after={
                    "register": reg.short_name,
                    "version": reg.version,
                    "variables": len(reg.variables),
                    "file": str(file),
                },
                before={"version": current.version} if current else None,
            )
        if issues:
            transaction.set_rollback(True)
    if issues:
        raise MetadataError(issues)
    return result
