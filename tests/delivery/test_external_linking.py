"""A survey linked into a real delivery (R14, R15) with the real extraction and linkage cores
on generated registers: the survey's rows of persons in the population arrive under the same
pseudonyms as the registers' rows of those persons, persons outside the population are left
out (counted, never listed), the checked copy keyed by person number is deleted once linked,
and the staff's re-identification of a delivered pseudonym gives the person number back."""

from __future__ import annotations

import json

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from fivesafes.audit.models import AuditEvent
from fivesafes.delivery import extract, folders
from fivesafes.delivery.keys import key_store
from fivesafes.delivery.services import external, planning, reidentification, running
from fivesafes.pseudonymisation import Pseudonymiser
from tests.delivery.conftest import run_queued
from tests.delivery.external_world import REFERENCE, SOURCE, name_survey, send, survey_csv
from tests.delivery.test_with_core import REAL_SCOPE, registers  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(dw, registers, settings, monkeypatch):  # noqa: F811
    import fivesafes.extraction as core

    monkeypatch.setattr(extract, "core", lambda: core)
    extract._catalogue.cache_clear()
    (settings.DATA_DIR / "registers").symlink_to(registers, target_is_directory=True)
    scope = dict(REAL_SCOPE, members={str(dw.researcher.pk): dw.researcher.username})
    scope["population"] = dict(scope["population"], total=True, sample_size=None)
    dw.project.approved_scope = scope
    dw.project.save()
    name_survey(dw.project, dw.application)
    people = pq.read_table(registers / "POPULATION" / "1.0.0" / "data.parquet")
    born = pc.year(people.column("birth_date"))
    inside = people.filter(pc.and_(pc.greater_equal(born, 1950), pc.less_equal(born, 1990)))
    outside = people.filter(pc.greater(born, 1995))
    dw.inside = [str(p) for p in inside.column("pnr").to_pylist()[:40]]
    dw.outside = [str(p) for p in outside.column("pnr").to_pylist()[:5]]
    return dw


def test_the_survey_arrives_under_the_projects_pseudonyms(
    linked, django_capture_on_commit_callbacks
) -> None:
    delivery = planning.plan(actor=linked.handler, project=linked.project)
    upload, token = external.issue_link(
        actor=linked.handler, delivery=delivery, source=SOURCE, owner="DSI"
    )
    survey = linked.inside + linked.outside + ["9999999999"]
    received = send(token, survey_csv(survey))
    assert received.report["rows"] == 46
    delivery.refresh_from_db()
    assert any("SURVEY_OF_LIVING_CONDITIONS" in line for line in delivery.description)
    with django_capture_on_commit_callbacks(execute=True):
        delivered = run_queued(running.start(actor=linked.handler, delivery=delivery))
    assert delivered.state == "delivered", delivered.error

    folder = folders.delivery_dir(linked.project.number, delivered.number)
    table = pq.read_table(folder / "SURVEY_OF_LIVING_CONDITIONS.parquet")
    assert table.column_names == ["pnr", "satisfaction", "smoker"]
    assert table.num_rows == 40  # persons outside the population are not delivered
    # The pseudonyms are the project's: the same as the registers' rows of the same persons.
    pseudonymiser = Pseudonymiser(key_store().derive(linked.project.number, "person"))
    expected = {
        int(p): (i % 10) + 1
        for i, p in enumerate(pseudonymiser.apply([int(x) for x in linked.inside]).tolist())
    }
    got = dict(
        zip(table.column("pnr").to_pylist(), table.column("satisfaction").to_pylist(), strict=True)
    )
    assert got == expected
    book = json.loads((folder / "codebook.json").read_text())
    assert [v["name"] for v in book["external"][0]["variables"]] == table.column_names
    assert "satisfaction" in (folder / "codebook.html").read_text()
    population = set(pq.read_table(folder / "POPULATION.parquet").column("pnr").to_pylist())
    assert set(got) <= population
    assert not {str(p) for p in got} & set(survey)  # no person number reached the delivery

    received.refresh_from_db()
    assert received.state == "linked" and received.linked_rows == 40
    assert received.checked_deleted_at is not None
    assert not any(folders.external_dir(linked.project.number).rglob("*.parquet"))
    assert AuditEvent.objects.filter(action="delivery.external_linked").count() == 1
    assert received.agreement_reference == REFERENCE

    # Staff go back from one delivered pseudonym to the person: two people, audited.
    first = table.column("pnr").to_pylist()[0]
    item = reidentification.ask(
        actor=linked.handler,
        project=linked.project,
        pseudonym=first,
        reason="The survey owner reports a withdrawn consent for this respondent.",
    )
    reidentification.decide(actor=linked.pw.approver, item=item, approve=True)
    item.refresh_from_db()
    number = reidentification.reveal(actor=linked.handler, item=item)
    assert number in linked.inside
    assert pseudonymiser.apply([int(number)]).tolist() == [first]
