"""How an API operation runs: load the object through its policy check, call the service,
map refusals to the one error format, page lists without a silent cut.

Every error the API gives is `{"detail": "<words naming the field and the reason>"}`: a
`RuleViolation` answers 400 with the words first, `"<reason> (<rule>, field: <field>)"`, and
the rule and the field apart as `rule` and `field` for programs (`rule_answer`); an
`AccessDenied` its own status (403 unless it says otherwise), a malformed request 422 naming
each field (`validation_error`). Both handlers are installed on the API in `fivesafes.api.root`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination

from fivesafes.shared.inputs import TextIn as TextIn  # the one body of one text
from fivesafes.shared.refusals import AccessDenied, RuleViolation

T = TypeVar("T")
M = TypeVar("M", bound=Model)

# Lists answer at most this many rows a page; `offset` is bounded so no database overflows.
MAX_PAGE = 500
MAX_OFFSET = 10**9


def caller(request: HttpRequest) -> Any:
    """The authenticated person (API token or two-factor session), as ninja's auth set it."""
    return getattr(request, "auth", None)


def linked(path: str, *, optional: bool = False) -> Any:
    """An answer field read from the object along the dotted `path` (`"applicant.username"`);
    an `optional` one is None when a link on the way is empty."""
    return Field(None if optional else ..., alias=path)


class RuleError(HttpError):
    """A rule's refusal as the API answers it: 400, the words first, then the rule and field."""

    def __init__(self, violation: RuleViolation) -> None:
        super().__init__(400, violation.finding.with_field())
        self.rule = violation.rule
        self.field = violation.field


def rule_error(violation: RuleViolation) -> HttpError:
    return RuleError(violation)


def rule_answer(error: RuleError) -> dict[str, Any]:
    """The body of a rule's refusal: the words (`detail`), and the rule and field for programs."""
    return {"detail": str(error), "rule": error.rule, "field": error.field}


def access_error(denial: AccessDenied) -> HttpError:
    return HttpError(denial.status if denial.status >= 400 else 403, denial.reason)


def call_service(fn: Callable[[], T]) -> T:
    """Run a service call; a rule refusal is 400, a role or ownership refusal 403."""
    try:
        return fn()
    except RuleViolation as violation:
        raise rule_error(violation) from None
    except AccessDenied as denial:
        raise access_error(denial) from None


Check = Callable[[Any, Any], None]


def load(
    request: HttpRequest,
    source: type[M] | QuerySet[M],
    check: Check | None = None,
    /,
    **lookup: Any,
) -> M:
    """The object (404 when there is none), passed through the policy's `check(user, obj)`."""
    obj = get_object_or_404(source, **lookup)
    if check is not None:
        call_service(lambda: check(caller(request), obj))
    return obj


def act(
    request: HttpRequest,
    source: type[M] | QuerySet[M],
    pk: Any,
    service: Callable[[Any, M], T],
    *,
    check: Check | None = None,
) -> T:
    """Load the object through its check and call `service(user, obj)`, refusals mapped."""
    obj = load(request, source, check, pk=pk)
    return call_service(lambda: service(caller(request), obj))


Source: TypeAlias = type[Model] | QuerySet[Any] | Callable[[], QuerySet[Any]]


@dataclass(frozen=True)
class Call:
    """One request to an operation of a room's table (`fivesafes.api.operations`): the
    request, the path's values in the path's order, the body (`payload`) and the other
    parameters."""

    request: HttpRequest
    path: dict[str, Any]
    payload: Any
    params: dict[str, Any]

    @property
    def user(self) -> Any:
        return caller(self.request)

    @property
    def pk(self) -> Any:
        """The path's first value: the id of the object the operation is on."""
        return next(iter(self.path.values()))


Run = Callable[[Call], Any]  # what an operation runs
Fields = Callable[[Call], dict[str, Any]]  # the keywords a service gets from the request
Answer = Callable[[Call, Any], Any]  # the answer made from the service's result


def body(call: Call) -> dict[str, Any]:
    """The body's fields, as keywords for the service (none without a body)."""
    return call.payload.dict() if call.payload is not None else {}


def _rows(source: Source) -> type[Model] | QuerySet[Any]:
    """The rows to load from: a model, a queryset, or a function called on each request."""
    if isinstance(source, type | QuerySet):
        return source
    return source()


def create(service: Callable[..., Any], fields: Fields = body, answer: Answer | None = None) -> Run:
    """An operation on no stored object: `service(actor=, request=, **fields(call))`, refusals
    mapped; `answer(call, result)` makes the answer when given."""

    def run(call: Call) -> Any:
        values = fields(call)
        done = call_service(lambda: service(actor=call.user, request=call.request, **values))
        return done if answer is None else answer(call, done)

    return run


def read(source: Source, check: Check | None = None) -> Run:
    """An operation that answers the object at the path's id, loaded through `check`."""
    return lambda call: load(call.request, _rows(source), check, pk=call.pk)


def on(
    source: Source,
    keyword: str,
    service: Callable[..., Any],
    *,
    check: Check | None = None,
    fields: Fields = body,
    answer: Answer | None = None,
) -> Run:
    """An operation on the object at the path's id: `fields(call)` first (a 400 for a body
    naming nobody comes before the object's 404), then the object loaded through `check`, then
    `service(actor=, request=, <keyword>=obj, **fields)`, refusals mapped; `answer(call,
    result)` makes the answer when given."""

    def run(call: Call) -> Any:
        values = fields(call)
        done = act(
            call.request,
            _rows(source),
            call.pk,
            lambda user, obj: service(actor=user, request=call.request, **{keyword: obj}, **values),
            check=check,
        )
        return done if answer is None else answer(call, done)

    return run


# A body of one text (a question, an answer, a reason), every room's under the one name.
class ErrorOut(Schema):
    """Every refusal and error: `detail` gives the reason and names the field (or the rule);
    a rule's refusal also gives its `rule` and `field` apart."""

    detail: str
    rule: str | None = Field(None, description="the rule that refuses (R1 to R26), if one does")
    field: str | None = Field(None, description="the field the rule's refusal concerns")


class Paging(LimitOffsetPagination):
    """`limit`/`offset` paging that answers `{"items": [...], "count": total}`, bounded."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE, description=f"rows a page (1 to {MAX_PAGE})")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="rows to skip")


def validation_error(exc: ValidationError) -> dict[str, Any]:
    """A 422 body in the one error format: the words first, each field named."""
    parts = []
    for error in exc.errors:
        location = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path")]
        where = ".".join(location) or "request"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return {"detail": "; ".join(parts) or _("The request is not valid."), "errors": exc.errors}
