"""The room with the real extraction core: a
delivery of generated registers through the adapter, from the approved scope to a folder with
the approved, pseudonymised variables, a codebook and a manifest whose checksums match."""

from __future__ import annotations

import hashlib
import json

import pytest

from fivesafes.delivery import extract, folders
from fivesafes.delivery.services import planning, running
from fivesafes.shared.refusals import RuleViolation
from tests.delivery.conftest import run_queued

pytestmark = pytest.mark.django_db

REAL_SCOPE = {
    "variables": {
        "POPULATION.birth_date": {"first_year": 2015, "last_year": 2015, "coarsening": "year"},
        "INCOME.wage_income": {"first_year": 2015, "last_year": 2017, "coarsening": ""},
    },
    "population": {
        "definition": "Persons born 1950-1990",
        "unit": "person",
        "criteria": [
            {
                "variable": "POPULATION.birth_date",
                "operator": "between",
                "values": ["1950-01-01", "1990-12-31"],
            }
        ],
        "total": False,
        "sample_size": 200,
    },
    "period": {"starts_on": None, "ends_on": None},
    "external_data": [],
}


@pytest.fixture(scope="module")
def registers(tmp_path_factory):
    from fivesafes.synthetic.generate import generate

    out = tmp_path_factory.mktemp("registers")
    generate(out, 2000, 7, chunk_size=2000)
    return out


@pytest.fixture
def real(dw, registers, settings, monkeypatch):
    """The world of `dw`, with the real core and generated registers."""
    import fivesafes.extraction as core

    monkeypatch.setattr(extract, "core", lambda: core)
    extract._catalogue.cache_clear()
    (settings.DATA_DIR / "registers").symlink_to(registers, target_is_directory=True)
    dw.project.approved_scope = dict(
        REAL_SCOPE, members={str(dw.researcher.pk): dw.researcher.username}
    )
    dw.project.save()
    return dw


def test_a_real_delivery_holds_the_approved_pseudonymised_variables(real) -> None:
    delivery = planning.plan(actor=real.handler, project=real.project, formats=["csv"])
    assert delivery.estimated_rows and delivery.estimated_seconds is not None
    assert any("INCOME" in line for line in delivery.description)
    delivered = run_queued(running.start(actor=real.handler, delivery=delivery))
    assert delivered.state == "delivered", delivered.error
    folder = folders.delivery_dir(real.project.number, 1)
    names = {p.name for p in folder.iterdir()}
    assert {"codebook.html", "codebook.json", "manifest.json"} <= names
    assert {"INCOME.parquet", "POPULATION.parquet"} <= names
    assert delivered.sample_size == 200
    for entry in delivered.files:
        data = (folder / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert json.loads((folder / "manifest.json").read_text()) == delivered.manifest

    import pyarrow.parquet as pq

    income = pq.read_table(folder / "INCOME.parquet")
    assert "wage_income" in income.column_names
    assert "transfer_income" not in income.column_names  # not approved
    pnr = income.column("pnr").to_pylist()
    assert all(isinstance(v, int) for v in pnr[:10])  # pseudonyms, not 10-digit strings


def test_the_core_refuses_an_unapproved_variable_as_a_named_refusal(real) -> None:
    delivery = planning.plan(actor=real.handler, project=real.project)
    plan = dict(delivery.plan)
    approved = extract.request_for(
        real.project.number, 1, real.project.scope, tuple(delivery.formats)
    )
    narrower = dict(REAL_SCOPE)
    narrower["variables"] = {"INCOME.wage_income": REAL_SCOPE["variables"]["INCOME.wage_income"]}
    from fivesafes.projects.scope import Scope

    smaller = extract.request_for(real.project.number, 1, Scope.from_dict(narrower))
    extract.check_within(plan, approved)
    with pytest.raises(RuleViolation) as refused:
        extract.check_within(plan, smaller)
    assert refused.value.field.startswith("variables:POPULATION")
