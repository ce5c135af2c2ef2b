"""What the people operations share: run a service on one loaded object, by keyword."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from fivesafes.shared.api import Check, act


def on(
    request: HttpRequest,
    source: type[Model] | QuerySet[Any],
    pk: Any,
    keyword: str,
    service: Callable[..., Any],
    /,
    *,
    check: Check | None = None,
    **options: Any,
) -> Any:
    """Load the object `pk` from `source` through the policy's `check`, then run
    `service(actor=caller, <keyword>=obj, request=request, **options)`, refusals mapped."""
    return act(
        request,
        source,
        pk,
        lambda user, obj: service(actor=user, request=request, **{keyword: obj}, **options),
        check=check,
    )
