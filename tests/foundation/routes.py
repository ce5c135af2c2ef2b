"""Every route of the service, with sample arguments, for the tests that walk them all."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fivesafes.policy.decorators import AccessRule, rule_of
from fivesafes.policy.middleware import ADMIN_RULE, API_NAMESPACE

SAMPLE_BY_CONVERTER = {
    "IntConverter": 1,
    "StringConverter": "sample",
    "SlugConverter": "sample",
    "UUIDConverter": uuid.UUID(int=1),
    "PathConverter": "sample",
}


@dataclass(frozen=True)
class Route:
    name: str
    url: str
    rule: AccessRule | None
    # The path parameters, in the order of the pattern (empty for a route without any).
    params: tuple[str, ...] = ()


# Chooses the value of one path parameter: fill(route name, parameter name, sample value).
Fill = Callable[[str, str, Any], Any]


def _walk(
    resolver: URLResolver, namespaces: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            extra = (entry.namespace,) if entry.namespace else ()
            yield from _walk(entry, namespaces + extra)
        else:
            yield namespaces, entry


def _kwargs(pattern: URLPattern, name: str = "", fill: Fill | None = None) -> dict[str, Any]:
    converters = getattr(pattern.pattern, "converters", {})
    samples = {key: SAMPLE_BY_CONVERTER[type(conv).__name__] for key, conv in converters.items()}
    if fill is None:
        return samples
    return {key: fill(name, key, sample) for key, sample in samples.items()}


def web_routes(fill: Fill | None = None) -> list[Route]:
    """Named routes outside the API, with their declared access rule (None: none declared).

    `fill` chooses the path parameters (e.g. the ids of another institution's objects);
    without it every parameter gets a sample value of its type."""
    routes = []
    for namespaces, pattern in _walk(get_resolver(), ()):
        if API_NAMESPACE in namespaces or not pattern.name:
            continue
        if "admin" in namespaces and getattr(pattern.pattern, "converters", {}):
            # Admin object pages follow the same namespace-wide rule as the admin index; with
            # sample ids they only exercise third-party views on objects that do not exist.
            continue
        name = ":".join((*namespaces, pattern.name))
        try:
            url = reverse(name, kwargs=_kwargs(pattern))
        except Exception:  # noqa: BLE001 - regex admin routes with odd arguments
            continue
        if fill is not None:
            url = reverse(name, kwargs=_kwargs(pattern, name, fill))
        rule = ADMIN_RULE if "admin" in namespaces else rule_of(pattern.callback)
        params = tuple(getattr(pattern.pattern, "converters", {}))
        routes.append(Route(name, url, rule, params))
    return routes


def api_operations() -> list[tuple[str, str, Any]]:
    """(method, path, view function) for every API operation."""
    from fivesafes.api.root import api

    found = []
    for prefix, router in api._routers:  # noqa: SLF001 - ninja keeps them here
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    full = "/api/v1/" + "/".join(
                        p.strip("/") for p in (prefix, path) if p.strip("/")
                    )
                    found.append((method, full, operation.view_func))
    return found
