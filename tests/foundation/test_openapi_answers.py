"""The OpenAPI document says what each operation can answer (issue 15, defect 8): every
operation documents its refusals in the one error format (400 wherever it changes something,
422 wherever it reads a parameter), files are documented as files (never
as JSON), and no two operations share an operationId."""

from __future__ import annotations

from collections import Counter

import pytest


@pytest.fixture(scope="module")
def document() -> dict:
    from fivesafes.api.root import api

    return api.get_openapi_schema()


def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_its_refusals_in_the_error_format(document) -> None:
    missing = []
    for path, method, operation in operations(document):
        answers = {str(code): answer for code, answer in operation["responses"].items()}
        public = not operation.get("security")
        expected = (set() if public else {"401", "403"}) | ({"404"} if "{" in path else set())
        if operation.get("requestBody") or (method != "get" and not public):
            expected |= {"400"}  # a rule refuses the input, or the step in the object's state
        malformable = [
            p
            for p in operation.get("parameters", [])
            if p["in"] == "query" or p["schema"].get("type") == "integer"
        ]
        if operation.get("requestBody") or malformable:
            expected |= {"422"}  # a malformed body, query or path (an id that is no integer)
        for code in sorted(expected - set(answers)):
            missing.append(f"{method.upper()} {path}: {code}")
        for code in expected & set(answers):
            schema = answers[code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (path, code)
    assert not missing, "undocumented refusals:\n" + "\n".join(missing)
    assert document["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]


def test_files_are_documented_as_files(document) -> None:
    files = {
        "/api/v1/projects/invoices/{invoice_id}/pdf": "application/pdf",
        "/api/v1/people/agreements/{agreement_id}/document": "application/pdf",
        "/api/v1/people/cases/{case_id}/agreement": "application/pdf",
        # a released file of any kind is sent as bytes to save, never to be shown in place
        "/api/v1/release/released/{released_id}/download": "application/octet-stream",
    }
    for path, media in files.items():
        responses = document["paths"][path]["get"]["responses"]
        answer = {str(code): value for code, value in responses.items()}["200"]
        assert media in answer["content"], path
        # Every media type is a file (a released record may be JSON, but as a file).
        assert {c["schema"]["format"] for c in answer["content"].values()} == {"binary"}, path


def test_operation_ids_are_unique(document) -> None:
    counted = Counter(
        operation["operationId"] for _path, _method, operation in operations(document)
    )
    assert [name for name, times in counted.items() if times > 1] == []
