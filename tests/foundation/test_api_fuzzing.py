"""Schemathesis over the whole OpenAPI document (issue 15): every operation gets a bounded
number of generated requests, valid and invalid, as nobody, as a researcher with a personal API
token and as a case handler with theirs. No answer may be a server error, and every answer must
be one the document promises: a documented status, its media type, its schema (refusals in the
one error format, ErrorOut).

The requests go to the Django application in-process (WSGI) on the test database, in the world
of the security walk: two institutions with their projects, cases, applications, agreements,
breaches, deliveries, runs and release requests. Path parameters are sometimes generated and
mostly drawn from the ids of that world (the person's own objects, another project's and
another institution's), so that operations answer with real objects, not only with 404. Each
operation runs in a savepoint that is rolled back, so every operation sees the same world.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fivesafes.policy.permissions import Role
from tests.conftest import use_file_store
from tests.foundation import security_world

# Generated requests per operation and person, valid and invalid, kept small: 128 operations
# for three people must stay within about a minute on SQLite. Without a token every operation
# but the catalogue's answers 401 before reading anything, so fewer are enough there.
EXAMPLES_SIGNED_IN = 5
EXAMPLES_SIGNED_OUT = 2
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SUPPRESSED = list(HealthCheck)
# Registers imported into the catalogue as the office imports them (metadata files only).
CATALOGUE = ("population", "business")


def known_ids(world: security_world.SecurityWorld | None) -> dict[str, list[Any]]:
    """Values for each path parameter: the ids of the world's objects on every side (only the
    catalogue's names without a world)."""
    from fivesafes.data.models import CatalogueRegister, CatalogueVariable
    from fivesafes.people.models import CertificationQuestion
    from fivesafes.projects.models import PriceItem

    sides = (world.own, world.other_project, world.other_institution) if world else ()

    def ids(*kinds: str) -> list[Any]:
        return [side.ids[k] for k in kinds for side in sides if k in side.ids]

    return {
        "project_id": ids("project"),
        "case_id": ids("case"),
        "institution_id": ids("institution"),
        "agreement_id": ids("agreement"),
        "attachment_id": ids("attachment"),
        "breach_id": ids("breach"),
        "evidence_id": ids("evidence"),
        "application_id": ids("application"),
        "line_id": ids("variable_line"),
        "username": ids("member_username"),
        "item_id": ids("external"),
        "quote_id": ids("quote"),
        "invoice_id": ids("invoice"),
        "publication_id": ids("publication"),
        "delivery_id": ids("delivery"),
        "request_id": ids("release_request"),
        "file_id": ids("request_file"),
        "released_id": ids("released_file"),
        "run_id": ids("workspace_run"),
        "question_id": ids("case_question", "application_question")
        + list(CertificationQuestion.objects.values_list("pk", flat=True)[:2]),
        # Registers as the catalogue import stores them (with their metadata document).
        "short_name": list(
            CatalogueRegister.objects.filter(current__source__isnull=False).values_list(
                "short_name", flat=True
            )
        ),
        "name": list(
            CatalogueVariable.objects.filter(version__source__isnull=False).values_list(
                "name", flat=True
            )[:6]
        ),
        "code": list(PriceItem.objects.values_list("code", flat=True)[:3]),
    }


def strategy(operation: Any, known: dict[str, list[Any]]) -> st.SearchStrategy:
    """Valid and invalid requests, with generated path parameters and with the world's ids."""
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    generated = [operation.as_strategy(generation_mode=mode) for mode in modes]
    names = [p.name for p in operation.path_parameters]
    if not names or not all(known.get(name) for name in names):
        return st.one_of(generated)
    fixed = st.fixed_dictionaries({name: st.sampled_from(known[name]) for name in names})
    with_ids = [
        fixed.flatmap(
            lambda values, mode=mode: operation.as_strategy(
                generation_mode=mode, path_parameters=values
            )
        )
        for mode in modes
    ]
    # Known ids three times out of four: most answers are then about real objects.
    return st.one_of(with_ids[0], with_ids[0], with_ids[1], generated[0], generated[1])


def fuzz(
    schema: Any, headers: dict[str, str], known: dict[str, list[Any]], examples: int
) -> list[str]:
    """Run every operation; return the failures, one line each (with the request to repeat)."""
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=SUPPRESSED,
        )
        @given(case=strategy(operation, known))
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        with transaction.atomic():
            try:
                run()
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - all are reported
                failures.append(f"{operation.label}: {str(error)[:1500]}")
            transaction.set_rollback(True)
    return failures


@pytest.fixture(autouse=True)
def connection_kept_across_requests() -> Any:
    """The application is called as a server would call it, so each request would end by
    closing the database connection, and with it the test's transaction (PostgreSQL); Django's
    own test client keeps it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def import_catalogue(folder: Any) -> None:
    from fivesafes.data.services.catalogue import import_registers
    from fivesafes.synthetic.generate import write_metadata

    import_registers([p for p in write_metadata(folder) if p.stem in CATALOGUE])


def load_schema() -> Any:
    from django.core.handlers.wsgi import WSGIHandler

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    assert sum(1 for _ in schema.get_all_operations()) > 100  # the whole document
    return schema


def report(failures: list[str]) -> str:
    return f"{len(failures)} operations answered against the document:\n\n" + "\n\n".join(failures)


@pytest.mark.slow
def test_nobody_signed_in_gets_documented_refusals_and_no_server_error(db, tmp_path) -> None:
    """Without a token (or with a generated one): the public catalogue answers, the rest 401."""
    import_catalogue(tmp_path)
    schema = load_schema()
    failures = fuzz(schema, {}, known_ids(None), EXAMPLES_SIGNED_OUT)
    assert not failures, report(failures)


@pytest.mark.slow
def test_a_researcher_and_a_case_handler_get_documented_answers_and_no_server_error(
    make_user, settings, tmp_path
) -> None:
    """With each one's personal API token, in one world (built once: it is the costly part)."""
    from fivesafes.accounts.models import ApiToken

    settings.DATA_DIR = tmp_path
    use_file_store(settings, tmp_path / "files")
    world = security_world.build(make_user)
    import_catalogue(tmp_path)
    schema = load_schema()
    known = known_ids(world)
    failures = []
    for role in (Role.RESEARCHER, Role.CASE_HANDLER):
        _token, plain = ApiToken.issue(user=world.people[role], name="fuzzing", days=1)
        headers = {"Authorization": f"Bearer {plain}"}
        found = fuzz(schema, headers, known, EXAMPLES_SIGNED_IN)
        failures += [f"as {role.label}: {failure}" for failure in found]
    assert not failures, report(failures)
