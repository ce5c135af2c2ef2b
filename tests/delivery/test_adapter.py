"""The adapter's side of the contract: the request built from the approved scope, the key
store built from the settings, refusals named; and the delivery state machine's table."""

from __future__ import annotations

import pytest

from fivesafes.delivery import extract, folders, keys
from fivesafes.delivery.workflow import DELIVERY, DeliveryState
from fivesafes.projects.scope import Scope
from fivesafes.pseudonymisation.keys import EnvironmentKeyStore, FileKeyStore, KeyStoreError
from fivesafes.shared.refusals import RuleViolation
from tests.delivery.conftest import SCOPE


def test_the_request_holds_the_approved_variables_population_and_sample(core) -> None:
    request = extract.request_for("P-1", 3, Scope.from_dict(SCOPE), ("csv",))
    assert (request.project, request.delivery, request.sample_size) == ("P-1", 3, 5000)
    assert [(v.label, v.first_year, v.last_year, v.coarsening) for v in request.variables] == [
        ("persons.income", 2010, 2020, ""),
        ("persons.birth_date", 2010, 2010, "month"),
    ]
    assert request.formats == ("parquet", "csv")
    assert [c.variable for c in request.population.criteria] == [
        "persons.income",
        "persons.birth_date",
    ]
    total = dict(SCOPE, population=dict(SCOPE["population"], total=True))
    assert extract.request_for("P-1", 1, Scope.from_dict(total)).sample_size is None


def test_a_broken_population_or_format_is_refused_naming_the_field(core) -> None:
    broken = dict(SCOPE, population=dict(SCOPE["population"], criteria=[{"variable": ""}]))
    with pytest.raises(RuleViolation) as refused:
        extract.request_for("P-1", 1, Scope.from_dict(broken))
    assert refused.value.field.startswith("population:")
    with pytest.raises(RuleViolation, match="Unknown format: xlsx"):
        extract.request_for("P-1", 1, Scope.from_dict(SCOPE), ("xlsx",))


def test_an_unknown_engine_is_named(settings) -> None:
    settings.FIVESAFES_EXTRACTION_ENGINE = "pandas"
    with pytest.raises(extract.DeliveryFailed, match="'pandas'; it is one of duckdb, spark"):
        extract.engine()


def test_the_key_store_comes_from_the_settings(settings, tmp_path, monkeypatch) -> None:
    settings.DATA_DIR = tmp_path
    settings.FIVESAFES_PSEUDONYM_KEYS = ""
    store = keys.key_store()
    assert isinstance(store, FileKeyStore) and store.create
    assert store.path == tmp_path / "keys" / "pseudonym-master.key"
    store.derive("P-1", "person")
    assert store.path.exists() and oct(store.path.stat().st_mode)[-3:] == "600"

    settings.ENV = "production"
    settings.FIVESAFES_PSEUDONYM_KEYS = str(tmp_path / "elsewhere.key")
    production = keys.key_store()
    assert isinstance(production, FileKeyStore) and not production.create
    with pytest.raises(KeyStoreError, match="No pseudonym master secret"):
        production.derive("P-1", "person")

    settings.FIVESAFES_PSEUDONYM_KEYS = "env:OUR_SECRET"
    from_env = keys.key_store()
    assert isinstance(from_env, EnvironmentKeyStore) and from_env.variable == "OUR_SECRET"
    monkeypatch.setenv("OUR_SECRET", "5f1c" * 16)
    one = from_env.derive("P-1", "person")
    assert one.material == keys.key_store().derive("P-1", "person").material
    assert "5f1c" not in repr(one) and "5f1c" not in str(one)


def test_folder_names_cannot_climb_and_only_documents_are_named(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    assert folders.delivery_dir("P-2026-001", 2) == tmp_path / "projects/P-2026-001/data/2"
    for bad in ("..", "../x", "a/b", "", ".hidden"):
        with pytest.raises(folders.FolderError):
            folders.project_data_dir(bad)
    assert folders.document_path("P-1", 1, "PERSONS.parquet") is None
    assert folders.document_path("P-1", 1, "codebook.html").name == "codebook.html"


def test_the_delivery_machine() -> None:
    S = DeliveryState
    by_name = DELIVERY.transitions
    assert by_name["start"].sources == {S.PLANNED}
    assert by_name["rerun"].sources == {S.FAILED}
    assert by_name["delete"].sources == {S.DELIVERED} and by_name["delete"].automatic
    assert {t.name for t in DELIVERY.available(S.RUNNING)} == {"finish", "fail"}
    assert all(t.automatic for t in DELIVERY.available(S.RUNNING))
    assert DELIVERY.final == {S.DISCARDED, S.DELETED}
    assert DELIVERY.reachable() == set(S)
