"""A room's API as a table: one `Op` row per operation, registered on a router by `routes`.

A row says what the OpenAPI document shows (method, path, answer, summary, the permissions it
declares, what it reads besides the path) and what runs: `run(call)`, usually one of the
room's small makers (`shared.api.create`, `shared.api.on`, ...) over `shared.api.load`/`act`/
`call_service`. The view ninja sees is built from the row: its parameters are the path's
(`*_id` an integer, any other a string), then `payload` (the row's `body`), then the row's
`params`; its permission declaration is `@api_requires` and lists page with `Paging`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from fivesafes.api.security import api_requires
from fivesafes.policy.permissions import Permission
from fivesafes.shared.api import Call, ErrorOut, Paging, Run


@dataclass(frozen=True)
class Op:
    """One operation. `status` other than 200 answers `{status: response}`; `paged` lists
    page with `limit`/`offset`; `params` maps a name to its annotation, or to (annotation,
    default)."""

    method: str
    path: str
    response: Any
    summary: str
    needs: Permission | tuple[Permission, ...]
    run: Run
    name: str
    body: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)
    status: int = 200
    paged: bool = False
    any_of: tuple[Permission, ...] = ()
    description: str | None = None
    operation_id: str | None = None
    hidden: bool = False
    # A file answer: its media types (e.g. ("application/pdf",)); `response` is then unused.
    files: tuple[str, ...] = ()


def _errors(op: Op) -> dict[int, Any]:
    """The refusals an operation can answer, documented with the one error format: 401
    without a valid token, 403 when a role or a rule of the policy refuses, 404 for an id
    that names nothing the caller may see, 400 when a rule refuses the input or the change
    (any operation that changes something: a step not possible in the object's state is one),
    422 for a malformed input (a body, a query parameter, a page's limit or offset, or an id in
    the path that is no integer)."""
    codes = [401, 403]
    if "{" in op.path:
        codes.append(404)
    if op.body is not None or op.params or op.method != "GET":
        codes.append(400)
    if op.body is not None or op.params or op.paged or "_id}" in op.path:
        codes.append(422)
    return dict.fromkeys(sorted(codes), ErrorOut)


def _file_answer(op: Op) -> dict[str, Any]:
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "responses": {
            str(op.status): {
                "description": "The file",
                "content": dict.fromkeys(op.files, binary),
            }
        }
    }


def _parameters(op: Op, names: list[str]) -> list[inspect.Parameter]:
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    found = [inspect.Parameter("request", kind, annotation=HttpRequest)]
    found += [
        inspect.Parameter(name, kind, annotation=int if name.endswith("_id") else str)
        for name in names
    ]
    if op.body is not None:
        found.append(inspect.Parameter("payload", kind, annotation=op.body))
    for name, spec in op.params.items():
        annotation, default = spec if isinstance(spec, tuple) else (spec, inspect.Parameter.empty)
        found.append(inspect.Parameter(name, kind, annotation=annotation, default=default))
    return found


def _view(op: Op, module: str) -> Callable[..., Any]:
    names = re.findall(r"\{(\w+)\}", op.path)

    def view(request: HttpRequest, **values: Any) -> Any:
        call = Call(
            request,
            {name: values.pop(name) for name in names},
            values.pop("payload", None),
            values,
        )
        answer = op.run(call)
        return Status(op.status, answer) if op.status != 200 else answer

    view.__signature__ = inspect.Signature(_parameters(op, names))  # type: ignore[attr-defined]
    view.__name__ = view.__qualname__ = op.name
    view.__module__ = module
    view.__doc__ = None
    if op.paged:
        view = paginate(Paging)(view)
    needs = op.needs if isinstance(op.needs, tuple) else (op.needs,)
    return api_requires(*needs, any_of=op.any_of)(view)


def routes(module: str, rows: Iterable[Op], router: Router | None = None) -> Router:
    """Register every row on `router` (a new one by default), in order: earlier paths match
    first. `module` names the operations as a module of functions would (`operationId`)."""
    router = router or Router()
    for op in rows:
        answers = _errors(op)
        if not op.files:
            answers[op.status] = op.response
        router.api_operation(
            [op.method],
            op.path,
            response=answers,
            summary=op.summary,
            description=op.description,
            operation_id=op.operation_id,
            include_in_schema=not op.hidden,
            openapi_extra=_file_answer(op) if op.files else None,
        )(_view(op, module))
    return router
