"""`catalogue import`: all or nothing, precise errors, versions kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fivesafes.audit.models import AuditEvent
from fivesafes.data.models import (
    CatalogueCode,
    CatalogueRegister,
    CatalogueVariable,
    RegisterVersion,
)
from fivesafes.data.services.catalogue import import_registers
from fivesafes.metadata import MetadataError


def test_import_stores_registers_variables_and_code_lists(catalogue: Path) -> None:
    assert set(CatalogueRegister.objects.values_list("short_name", flat=True)) == {
        "POPULATION",
        "PRESCRIPTIONS",
        "BUSINESS",
        "INCOME",
    }
    population = CatalogueRegister.objects.get(short_name="POPULATION")
    doc = json.loads((catalogue / "population.json").read_text())
    assert population.current.version == doc["version"]
    assert population.current.variables.count() == len(doc["variables"])
    assert CatalogueCode.objects.filter(
        variable__version__register__short_name="PRESCRIPTIONS"
    ).exists()
    assert AuditEvent.objects.filter(action="catalogue.register_imported").count() == 4
    # rows per year come from the Parquet files
    prescriptions = CatalogueRegister.objects.get(short_name="PRESCRIPTIONS").current
    assert sum(prescriptions.rows_by_year.values()) > 1500


def test_reimporting_unchanged_files_changes_nothing(catalogue: Path) -> None:
    before = (
        RegisterVersion.objects.count(),
        CatalogueVariable.objects.count(),
        AuditEvent.objects.count(),
    )
    result = import_registers([catalogue])
    assert sorted(result.unchanged) == ["BUSINESS", "INCOME", "POPULATION", "PRESCRIPTIONS"]
    assert (
        RegisterVersion.objects.count(),
        CatalogueVariable.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def _add_variable(doc: dict) -> None:
    extra = json.loads(json.dumps(doc["variables"][-1]))
    extra["name"] = "extra_measure"
    doc["variables"].append(extra)


def test_a_changed_file_becomes_a_new_version_and_the_old_stays(catalogue: Path) -> None:
    path = catalogue / "income.json"
    doc = json.loads(path.read_text())
    old_version = doc["version"]
    _add_variable(doc)
    major, minor, _patch = (int(x) for x in old_version.split("."))
    doc["version"] = f"{major}.{minor + 1}.0"
    path.write_text(json.dumps(doc))
    result = import_registers([path])
    assert result.new_versions == [f"INCOME {doc['version']}"]
    income = CatalogueRegister.objects.get(short_name="INCOME")
    assert income.current.version == doc["version"]
    assert set(income.versions.values_list("version", flat=True)) == {old_version, doc["version"]}


def test_reimporting_the_file_of_an_earlier_version_changes_nothing(catalogue: Path) -> None:
    """A folder still holding last year's file (or an archive of old files) imports cleanly."""
    path = catalogue / "income.json"
    original = path.read_text()
    doc = json.loads(original)
    old_version = doc["version"]
    _add_variable(doc)
    major, minor, _patch = (int(x) for x in old_version.split("."))
    doc["version"] = f"{major}.{minor + 1}.0"
    newer = catalogue.parent / "income-new.json"
    newer.write_text(json.dumps(doc))
    import_registers([newer])
    events = AuditEvent.objects.count()
    result = import_registers([path])  # the old file, unchanged
    assert result.unchanged == [
        f"INCOME {old_version} (an earlier version; the current one is {doc['version']})"
    ]
    income = CatalogueRegister.objects.get(short_name="INCOME")
    assert income.current.version == doc["version"]
    assert income.versions.count() == 2 and AuditEvent.objects.count() == events


def test_a_changed_file_with_the_wrong_version_is_refused_naming_file_and_path(
    catalogue: Path,
) -> None:
    path = catalogue / "income.json"
    doc = json.loads(path.read_text())
    _add_variable(doc)  # changed, but the version number was not raised
    path.write_text(json.dumps(doc))
    with pytest.raises(MetadataError) as caught:
        import_registers([path])
    assert any(
        issue.file == str(path) and issue.path == "$.version" for issue in caught.value.issues
    )
    assert RegisterVersion.objects.filter(register__short_name="INCOME").count() == 1


def test_one_bad_file_means_nothing_is_imported(db, metadata_dir: Path) -> None:
    bad = metadata_dir / "zz_broken.json"
    bad.write_text('{"shortName": "BROKEN", "version": 1')
    with pytest.raises(MetadataError) as caught:
        import_registers([metadata_dir])
    assert any(issue.file == str(bad) for issue in caught.value.issues)
    assert CatalogueRegister.objects.count() == 0
    assert not AuditEvent.objects.filter(action="catalogue.register_imported").exists()


def test_unknown_key_and_unknown_unit_type_are_named(db, metadata_dir: Path) -> None:
    path = metadata_dir / "business.json"
    doc = json.loads(path.read_text())
    doc["unitType"] = "spaceship"
    doc["colour"] = "blue"
    path.write_text(json.dumps(doc))
    with pytest.raises(CommandError):
        call_command("catalogue", "import", str(path))
    assert CatalogueRegister.objects.count() == 0


def test_verify_command_agrees_with_generated_data(catalogue: Path, capsys) -> None:
    call_command("catalogue", "verify", "POPULATION", "PRESCRIPTIONS")
    out = capsys.readouterr().out
    assert "POPULATION" in out and "data agree with the metadata" in out


def test_verify_command_fails_when_data_are_missing(catalogue: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="do not agree"):
        call_command("catalogue", "verify", "POPULATION", "--data", str(tmp_path))


def test_a_generator_output_folder_imports_its_metadata_subfolder(db, register_base: Path) -> None:
    from fivesafes.data.catalogue.importing import metadata_files

    files = metadata_files([register_base])
    assert files and all(f.parent.name == "metadata" for f in files)
    assert not any(f.name == "generation.json" for f in files)


def test_data_placed_after_the_metadata_get_their_coverage_on_reimport(
    db, metadata_dir: Path, register_base: Path, tmp_path: Path, settings, capsys
) -> None:
    from django.test import Client
    from django.urls import reverse

    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    call_command("catalogue", "import", str(metadata_dir))  # metadata first, no data yet
    income = RegisterVersion.objects.get(register__short_name="INCOME")
    assert income.rows_by_year == {}
    page = Client().get(reverse("data:register", args=["INCOME"])).content.decode()
    assert "No data files are registered for this version." in page

    (settings.DATA_DIR / "registers").symlink_to(register_base)  # the data arrive
    capsys.readouterr()
    call_command("catalogue", "import", str(metadata_dir))
    out = capsys.readouterr().out
    assert f"rows re-read  INCOME {income.version}" in out and "4 with new row counts" in out
    income.refresh_from_db()
    assert sum(income.rows_by_year.values()) > 1500 and "2020" in income.rows_by_year
    assert RegisterVersion.objects.count() == 4  # no new versions
    page = Client().get(reverse("data:register", args=["INCOME"])).content.decode()
    assert "<svg" in page and "2020:" in page
    assert AuditEvent.objects.filter(action="catalogue.coverage_refreshed").count() == 4


def test_an_unreadable_data_file_is_named_and_nothing_is_imported(
    db, metadata_dir: Path, register_base: Path, tmp_path: Path, settings
) -> None:
    import shutil

    settings.DATA_DIR = tmp_path / "data"
    income = settings.DATA_DIR / "registers" / "INCOME"
    shutil.copytree(register_base / "INCOME", income)
    broken = next(income.rglob("*.parquet"))
    broken.write_bytes(broken.read_bytes()[:100])  # a copy cut short
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("catalogue", "import", str(metadata_dir))
    with pytest.raises(MetadataError) as caught:
        import_registers([metadata_dir])
    [issue] = caught.value.issues
    assert issue.file == str(metadata_dir / "income.json")
    assert f"its data file {broken} cannot be read: not a readable Parquet file" in issue.reason
    assert CatalogueRegister.objects.count() == 0


def test_the_import_command_names_the_staff_member_in_the_audit_log(
    db, metadata_dir: Path, make_user
) -> None:
    from fivesafes.policy.permissions import Role

    with pytest.raises(CommandError, match="--by: no active user is called 'nobody'"):
        call_command("catalogue", "import", str(metadata_dir), "--by", "nobody")
    assert CatalogueRegister.objects.count() == 0
    clerk = make_user(Role.CASE_HANDLER, username="metadata_clerk")
    call_command("catalogue", "import", str(metadata_dir), "--by", "metadata_clerk")
    events = AuditEvent.objects.filter(action="catalogue.register_imported")
    assert events.exists() and all(e.actor_pk == clerk.pk for e in events)
