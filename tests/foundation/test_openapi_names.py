"""Each answer and body schema of the API has a name of its own.

The OpenAPI document keys its schemas by class name, so two schemas of one name (a room's
`NoteIn` and another room's) are shown as one: the last one registered wins and the other
room's operations are documented with its fields. Before this test the catalogue's variables,
people's case questions, steps and breach reports, and delivery's files and notes were each
documented with another room's schema."""

from collections import defaultdict

from ninja import Schema

from fivesafes.api.root import api


def _ours(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("fivesafes."):
            found.append(sub)
        found += _ours(sub)
    return found


def test_no_two_api_schemas_share_a_name() -> None:
    api.get_openapi_schema()  # every room's API is imported
    by_name: dict[str, set[str]] = defaultdict(set)
    for schema in _ours(Schema):
        by_name[schema.__name__].add(f"{schema.__module__}.{schema.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert not shared, f"schemas that the OpenAPI document would show as one: {shared}"


def test_the_document_shows_each_schema_with_its_own_fields() -> None:
    shown = api.get_openapi_schema()["components"]["schemas"]
    for schema in _ours(Schema):
        if schema.__name__ in shown and "properties" in shown[schema.__name__]:
            own = [
                set(schema.model_json_schema(mode=mode, by_alias=alias).get("properties", {}))
                for mode in ("validation", "serialization")
                for alias in (True, False)
            ]
            assert set(shown[schema.__name__]["properties"]) in own, schema.__qualname__
