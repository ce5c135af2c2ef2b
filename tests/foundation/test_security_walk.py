"""Every route and every API operation, for every role, pointed at another side's objects.

The role table says who may open a kind of page; this walk asks the question behind it: may
this person open *that* object? Each path parameter is filled with the id of an object of
another institution (B) and, for projects, of another project of the person's own
institution. A person who may not see them must never get a page, a file or an answer showing
them (their names carry a marker), and no write may change anything: an empty form to each
page, the smallest body its schema accepts to each API operation, and afterwards the database
is as it was and the audit log has gained only refusals. A refusal should not name the other
side's objects either (a separate test, so the two kinds of finding read apart).

Who may see the other side's objects, and who may act on them, is the policy, written here as
data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from fivesafes.policy.permissions import Permission, Role, permissions_of
from tests.conftest import use_file_store, verified_client
from tests.foundation import security_world
from tests.foundation.routes import api_operations, web_routes
from tests.foundation.security_world import SecurityWorld, Targets

# The policy: who may read another institution's cases, applications, projects and breaches
# (the office's readers), and who may read another project of their own institution.
MAY_SEE_OTHER_INSTITUTIONS: dict[Role, bool] = {
    Role.RESEARCHER: False,
    Role.INSTITUTION_MANAGER: False,
    Role.CASE_HANDLER: True,
    Role.SECRETARY: True,
    Role.APPROVER: True,
    Role.OUTPUT_CHECKER: False,
    Role.AUDITOR: True,
    Role.ADMINISTRATOR: False,
}
MAY_SEE_OTHER_PROJECTS: dict[Role, bool] = {
    **MAY_SEE_OTHER_INSTITUTIONS,
    Role.INSTITUTION_MANAGER: True,
}
# Who may act on another institution's objects at all (the office's case handlers, secretaries
# and approvers, each within their permissions); the auditor reads and never writes.
MAY_CHANGE_OTHER_INSTITUTIONS: dict[Role, bool] = {
    **MAY_SEE_OTHER_INSTITUTIONS,
    Role.AUDITOR: False,
}

# Safe outputs are checked by the office's output checkers, whatever the institution, and the
# release log is read by checkers and auditors: they see every institution's release
# requests, files and log entries (the pages and lists of the release room), and checkers act
# on them (vote, decide, mark a breach, raise a project's sampling), each within their
# permissions and the release policy: the release room's writes are not walked for them.
RELEASE_KINDS = frozenset({"release_request", "request_file", "released_file"})
MAY_SEE_OTHER_RELEASES: dict[Role, bool] = {
    **dict.fromkeys(Role, False),
    Role.OUTPUT_CHECKER: True,
    Role.AUDITOR: True,
}
MAY_CHANGE_OTHER_RELEASES: dict[Role, bool] = {
    **dict.fromkeys(Role, False),
    Role.OUTPUT_CHECKER: True,
}
# The release room's lists and API lists (no id): what they show is the release policy's.
RELEASE_LISTS = ("release:", "/api/v1/release/")

# What object each web route's `pk` (or other id) names; a new route with a parameter must be
# added here or to NOT_OWNED, or the walk fails.
WEB_TARGETS: dict[str, str] = {
    **dict.fromkeys(("institution", "apply_again", "attach", "new_agreement"), "institution"),
    **dict.fromkeys(("end_attachment", "working_abroad"), "attachment"),
    **dict.fromkeys(
        ("countersign", "sign_agreement", "agreement_notice", "researcher_agreement_pdf"),
        "agreement",
    ),
    **dict.fromkeys(
        ("case", "step", "credibility", "exemption", "ask", "agreement_pdf", "guarantee"), "case"
    ),
    "answer": "case_question",
    "project_entry": "project",
    **dict.fromkeys(("breach", "decide_breach", "dismiss_breach", "add_evidence"), "breach"),
    "evidence_file": "evidence",
}
WEB_TARGETS = {f"people:{name}": kind for name, kind in WEB_TARGETS.items()} | {
    **{
        f"projects:{name}": "application"
        for name in (
            "application",
            "wizard",
            "add_from_basket",
            "add_member",
            "add_criterion",
            "remove_criterion",
            "add_external",
            "upload_document",
            "document",
            "submit",
            "step",
            "ask",
            "assign",
            "issue_quote",
            "decision_pdf",
            "record_small_change",
        )
    },
    "projects:save_variable": "variable_line",
    "projects:remove_variable": "variable_line",
    "projects:remove_member": "member",
    "projects:remove_external": "external",
    "projects:answer": "application_question",
    "projects:accept_quote": "quote",
    "projects:contract_pdf": "quote",
    "projects:issue_invoice": "quote",
    "projects:invoice_pdf": "invoice",
    **{
        f"projects:{name}": "project"
        for name in ("project", "start_change", "close", "confirm_deletion", "register_publication")
    },
    "projects:scrutiny": "publication",
    "delivery:plan": "project",
    "delivery:reidentify": "project",
    **{
        f"delivery:{name}": "delivery"
        for name in ("delivery", "progress", "step", "record_time", "document", "issue_link")
    },
    **dict.fromkeys(("delivery:cancel_upload", "delivery:scrambling_key"), "external_upload"),
    **dict.fromkeys(("delivery:decide_reidentification", "delivery:reveal"), "reidentification"),
    "data:basket_remove": "basket_item",
    "audit:detail": "audit_event",
    "accounts:revoke_token": "token",
    "release:new": "project",
    **{
        f"workspace:{name}": "project"
        for name in ("home", "runs", "console", "area", "edit", "upload", "delete", "limits")
    },
    **{
        f"workspace:{name}": "workspace_run"
        for name in ("run", "run_output", "cancel_run", "stop_run")
    },
    **dict.fromkeys(("release:request", "release:add_file", "release:step"), "release_request"),
    **dict.fromkeys(
        ("release:update_file", "release:withdraw_file", "release:vote", "release:consolidate"),
        "request_file",
    ),
    **dict.fromkeys(
        ("release:download", "release:breach", "release:after_review"), "released_file"
    ),
}
# Routes whose parameters name nothing an institution owns (the catalogue, the question bank,
# a background job by its id).
NOT_OWNED = {
    "data:register",
    "data:register_version",
    "data:variable",
    "data:variable_version",
    "data:basket_add",
    "people:question_edit",
    "jobs:detail",
    # The data owner's one-time link: its token is its only key (tests/delivery).
    "delivery:upload",
    # JupyterLab sessions (issue 13): a project *number* and a session the security world does
    # not have; tests/workspace/test_lab_services.py and test_proxy_access.py walk outsiders,
    # other members and staff through them.
    "workspace:lab_sessions",
    "workspace:lab_start",
    "workspace:lab_stop",
    "workspace:lab_staff_stop",
}
# Parameters that are not ids: the step of a workflow, a document kind, catalogue names.
FIXED = {
    ("people", "step"): "sign",
    ("projects", "step"): "withdraw",
    ("release", "step"): "withdraw",
    ("projects", "kind"): "protocol",
    ("projects", "number"): 0,
    ("delivery", "step"): "start",
    ("delivery", "name"): "codebook.html",
    ("delivery", "verdict"): "approve",
    ("workspace", "area"): "outputs",
    ("data", "short_name"): "nowhere",
    ("data", "version"): "1",
    ("data", "name"): "nothing",
    ("api", "kind"): "protocol",
    ("api", "short_name"): "nowhere",
    ("api", "name"): "nothing",
    ("api", "code"): "extraction",
}
API_TARGETS = {
    "project_id": "project",
    "case_id": "case",
    "institution_id": "institution",
    "agreement_id": "agreement",
    "attachment_id": "attachment",
    "breach_id": "breach",
    "evidence_id": "evidence",
    "application_id": "application",
    "line_id": "variable_line",
    "username": "member_username",
    "item_id": "external",
    "quote_id": "quote",
    "invoice_id": "invoice",
    "publication_id": "publication",
    "delivery_id": "delivery",
    "upload_id": "external_upload",
    "reidentification_id": "reidentification",
    "request_id": "release_request",
    "file_id": "request_file",
    "released_id": "released_file",
    "run_id": "workspace_run",
}
# `question_id` names a different object in each part of the API.
API_QUESTIONS = {
    "/people/questions/": "case_question",
    "/projects/questions/": "application_question",
    "/people/certification/bank/": None,
}
API_STEPS = {
    "/people/cases/": "sign",
    "/projects/applications/": "withdraw",
    "/release/requests/": "withdraw",
}
# Audit actions a refused request writes; any other new event means something happened.
REFUSALS = {
    "access.denied",
    "api.refused",
    "access.project_denied",
    "access.denied_summarised",
    "api.refused_summarised",
}
# Fields that move on every request and say nothing about the objects.
VOLATILE = {"accounts.apitoken": {"last_used_at"}, "accounts.user": {"last_login"}}
TEXT_TYPES = ("text/html", "application/json", "text/plain")


class NotMapped(LookupError):
    """The side has no object of the kind a path parameter names."""


def object_routes(targets: Targets) -> list[tuple[str, str, bool]]:
    """(name, url, names one of `targets`' objects) for every web route with a parameter,
    filled with `targets`' ids; routes naming a kind of object the side lacks are left out."""
    lacking: set[str] = set()
    unmapped: list[str] = []

    def fill(route: str, param: str, sample: Any) -> Any:
        namespace = route.split(":")[0]
        if (namespace, param) in FIXED:
            return FIXED[(namespace, param)]
        if route in WEB_TARGETS:
            if WEB_TARGETS[route] in targets.ids:
                return targets.ids[WEB_TARGETS[route]]
            lacking.add(route)
        elif route not in NOT_OWNED:
            unmapped.append(
                f"route {route} has the parameter '{param}': name the object it points at in "
                f"WEB_TARGETS (or list the route in NOT_OWNED)"
            )
        return sample

    routes = web_routes(fill)
    assert not unmapped, "\n".join(unmapped)
    return [
        (route.name, route.url, route.name in WEB_TARGETS)
        for route in routes
        if route.params and route.name not in lacking
    ]


def api_kinds(path: str) -> set[str]:
    """The kinds of object an API path's parameters name."""
    return {API_TARGETS[p] for p in re.findall(r"\{(\w+)\}", path) if p in API_TARGETS}


def api_path(path: str, targets: Targets) -> tuple[str, bool] | None:
    """`path` with its parameters filled, and whether it names one of `targets`' objects;
    None when this side has no object of that kind."""
    owned = False

    def value(match: re.Match[str]) -> str:
        nonlocal owned
        param = match.group(1)
        if param == "question_id":
            kind = next(k for prefix, k in API_QUESTIONS.items() if prefix in path)
            if kind is None:
                return "1"
        elif param == "step":
            return next(step for prefix, step in API_STEPS.items() if prefix in path)
        elif ("api", param) in FIXED:
            return str(FIXED[("api", param)])
        else:
            assert param in API_TARGETS, (
                f"API path {path} has the parameter '{param}': name the object it points at "
                f"in API_TARGETS"
            )
            kind = API_TARGETS[param]
        if kind not in targets.ids:
            raise NotMapped(kind)
        owned = True
        return str(targets.ids[kind])

    try:
        filled = re.sub(r"\{(\w+)\}", value, path)
    except NotMapped:
        return None
    return filled, owned


def minimal_bodies() -> dict[tuple[str, str], tuple[str, Any]]:
    """(method, path) -> (content type, the smallest body the operation's schema accepts):
    the required fields only, each with a plain value of its type. A write that gets past
    validation reaches the object check, which is what the walk is after."""
    from fivesafes.api.root import api

    document = api.get_openapi_schema()
    schemas = document["components"]["schemas"]
    bodies = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            for content_type, media in content.items():
                bodies[(method.upper(), path)] = (content_type, _example(media["schema"], schemas))
    return bodies


def _example(schema: dict[str, Any], schemas: dict[str, Any]) -> Any:
    from django.utils import timezone

    if "$ref" in schema:
        return _example(schemas[schema["$ref"].rsplit("/", 1)[1]], schemas)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"]
            return _example(options[0], schemas) if options else None
    if schema.get("default") is not None:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        required = schema.get("required", [])
        properties = schema.get("properties", {})
        return {name: _example(properties[name], schemas) for name in required}
    if kind == "array":
        return [_example(schema.get("items", {}), schemas)] if schema.get("minItems") else []
    if kind == "integer" or kind == "number":
        return 1
    if kind == "boolean":
        return False
    return {
        "date": timezone.localdate().isoformat(),
        "date-time": timezone.now().isoformat(),
        "email": "walk@example.org",
        "binary": None,
    }.get(schema.get("format", ""), "Walk")


def body_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _around(body: bytes, marker: bytes) -> str:
    """The marker with a little of what surrounds it, for the failure message."""
    at = body.index(marker)
    return repr(body[max(0, at - 60) : at + 60].decode("utf-8", "replace"))


def database_state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of our apps (and the task queue) but the audit log, without volatile fields."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        app = model._meta.app_config.name
        if not (app.startswith("fivesafes.") or app.startswith("django_tasks")):
            continue
        if label.startswith("audit."):
            continue
        skip = VOLATILE.get(label, set())
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        state[label] = list(model._default_manager.order_by("pk").values_list(*fields))
    return state


def audit_since(sequence: int) -> list[str]:
    from fivesafes.audit.models import AuditEvent

    return list(
        AuditEvent.objects.filter(sequence__gt=sequence)
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def audit_head() -> int:
    from fivesafes.audit.models import AuditEvent

    last = AuditEvent.objects.order_by("-sequence").first()
    return last.sequence if last else 0


class Walk:
    """Sends the requests and writes down every leak, so one run reports them all."""

    def __init__(self, role: Role, may_see: bool, targets: Targets) -> None:
        self.role = role
        self.may_see = may_see
        self.marker = targets.marker.encode()
        self.leaks: list[str] = []
        # Refusals that name the other side's objects (the owner of an object asked by id).
        self.named: list[str] = []
        self.seen: list[str] = []
        # Refusals of the other side's objects that a missing id would not give (not 404),
        # and refusals that left no trace in the audit log.
        self.distinguishable: list[str] = []
        self.unaudited: list[str] = []
        self._head = audit_head()
        self._last: tuple[dict[str, Any], int] | None = None

    def read(
        self, label: str, response: Any, names_object: bool, may_see: bool | None = None
    ) -> bool:
        """`may_see` overrides the side's policy for this one read (the release room's)."""
        allowed = self.may_see if may_see is None else may_see
        status = response.status_code
        body = body_of(response)
        shows = self.marker in body
        head, self._head = self._head, audit_head()
        if not 200 <= status < 300:
            if shows and not allowed:
                self.named.append(
                    f"GET {label} refused ({status}) but names {_around(body, self.marker)}"
                )
            refused_object = names_object and not allowed
            refusal = status in (403, 404)  # not a redirect, nor a method a route lacks
            if refused_object and refusal and not REFUSALS & set(audit_since(head)):
                self.unaudited.append(f"GET {label} ({status})")
            return refused_object
        content_type = response.get("Content-Type", "")
        served_file = names_object and not content_type.startswith(TEXT_TYPES)
        if shows or served_file:
            self.seen.append(label)
            if not allowed:
                what = (
                    f"shows {_around(body, self.marker)}"
                    if shows
                    else (f"serves a {content_type} file")
                )
                self.leaks.append(f"GET {label} answered {status} and {what}")
        return False

    def compare(self, label: str, refused: Any, missing: Any) -> None:
        """A refusal of the other side's object must read as the answer for a missing one."""
        self._head = audit_head()
        if refused.status_code != missing.status_code:
            self.distinguishable.append(
                f"GET {label} answered {refused.status_code}, a missing id {missing.status_code}"
            )

    def write(self, label: str, send: Callable[[], Any]) -> None:
        # The state after one write is the state before the next (nothing else runs between).
        before_state, before_head = self._last or (database_state(), audit_head())
        response = send()
        after_state = database_state()
        self._last = (after_state, audit_head())
        changed = [table for table, rows in after_state.items() if rows != before_state.get(table)]
        events = [a for a in audit_since(before_head) if a not in REFUSALS]
        body = body_of(response)
        if self.marker in body:
            self.named.append(
                f"{label} answered {response.status_code} naming {_around(body, self.marker)}"
            )
        if changed or events:
            self.leaks.append(
                f"{label} answered {response.status_code} and changed "
                f"{', '.join(changed) or 'nothing in the tables'}"
                f"{'; audit: ' + ', '.join(events) if events else ''}"
            )


def _sender(client: Client, method: str, url: str, content_type: str, body: Any) -> Any:
    """Send `body` as JSON, as a form ("form"), or as a multipart form with a small PDF for
    each file field."""
    if content_type.startswith("multipart/"):
        from tests.projects.conftest import pdf_upload

        form = {
            name: (pdf_upload() if value is None else value) for name, value in (body or {}).items()
        }
        form = {k: ([pdf_upload()] if v == [] else v) for k, v in form.items()}
        return lambda: client.post(url, form)
    send = getattr(client, method.lower())
    if content_type == "form":
        return lambda: send(url, body)
    return lambda: send(url, body, content_type="application/json")


@pytest.fixture
def world(make_user, settings, tmp_path) -> SecurityWorld:
    settings.DATA_DIR = tmp_path
    use_file_store(settings, tmp_path / "files")
    return security_world.build(make_user)


def test_the_policy_names_every_role_and_matches_the_readers_permissions() -> None:
    assert set(MAY_SEE_OTHER_INSTITUTIONS) == set(MAY_CHANGE_OTHER_INSTITUTIONS) == set(Role)
    assert all(
        MAY_SEE_OTHER_INSTITUTIONS[r] for r, may in MAY_CHANGE_OTHER_INSTITUTIONS.items() if may
    )
    readers = {Permission.VIEW_PEOPLE_CASES, Permission.VIEW_PROJECT_APPLICATIONS}
    for role, may_see in MAY_SEE_OTHER_INSTITUTIONS.items():
        assert may_see == (readers <= permissions_of({role})), role


def missing_targets(targets: Targets) -> Targets:
    """The same kinds of object, each with an id that names nothing."""
    return Targets(
        marker=targets.marker,
        ids={
            kind: (987654 if isinstance(value, int) else "0" * len(str(value)))
            for kind, value in targets.ids.items()
        },
    )


def walk_side(
    role: Role,
    world: SecurityWorld,
    targets: Targets,
    may_see: bool,
    may_change: bool = False,
    compare_missing: bool = False,
) -> Walk:
    from fivesafes.accounts.models import ApiToken

    person = world.people[role]
    walk = Walk(role, may_see, targets)
    browser = verified_client(person)
    browser.raise_request_exception = False  # a page that fails is not a leak; others go on
    _token, plain = ApiToken.issue(user=person, name="walk", days=1)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plain}", raise_request_exception=False)

    releases_seen = may_see or MAY_SEE_OTHER_RELEASES[role]
    releases_changed = may_change or MAY_CHANGE_OTHER_RELEASES[role]

    def release_reader(kinds: set[str]) -> bool | None:
        return releases_seen if kinds and kinds <= RELEASE_KINDS else None

    lists = [r for r in web_routes() if not r.params and r.name != "accounts:logout"]
    for route in lists:
        reader = releases_seen if route.name.startswith(RELEASE_LISTS) else None
        walk.read(route.name, browser.get(route.url), names_object=False, may_see=reader)
    pages = object_routes(targets)
    missing = missing_targets(targets)
    missing_pages = {name: url for name, url, _ in object_routes(missing)}
    for name, url, names_object in pages:
        kinds = {WEB_TARGETS[name]} if name in WEB_TARGETS else set()
        label = f"{url} ({name})"
        answer = browser.get(url)
        if walk.read(label, answer, names_object, release_reader(kinds)) and compare_missing:
            walk.compare(label, answer, browser.get(missing_pages[name]))
    operations = []
    for method, path, _view in api_operations():
        filled = api_path(path, targets)
        if filled is None:
            continue
        url, names_object = filled
        operations.append((method, path, url, names_object))
        if method == "GET":
            reader = release_reader(api_kinds(path))
            if not api_kinds(path) and path.startswith(RELEASE_LISTS[1]):
                reader = releases_seen
            answer = api.get(url)
            if walk.read(url, answer, names_object, reader) and compare_missing:
                absent = api_path(path, missing)
                assert absent is not None
                walk.compare(url, answer, api.get(absent[0]))
    if not may_change:
        for name, url, names_object in pages:
            if names_object and not (releases_changed and name.startswith(RELEASE_LISTS[0])):
                walk.write(f"POST {url} ({name})", _sender(browser, "POST", url, "form", {}))
        bodies = minimal_bodies()
        for method, template, url, names_object in operations:
            if method == "GET" or not names_object:
                continue
            if releases_changed and template.startswith(RELEASE_LISTS[1]):
                continue
            content_type, body = bodies.get((method, template), ("application/json", {}))
            walk.write(f"{method} {url}", _sender(api, method, url, content_type, body))
    return walk


def test_no_role_sees_or_changes_another_institutions_objects_unless_the_policy_allows(
    world: SecurityWorld,
) -> None:
    leaks, blind = [], []
    for role in Role:
        may_see = MAY_SEE_OTHER_INSTITUTIONS[role]
        may_change = MAY_CHANGE_OTHER_INSTITUTIONS[role]
        walk = walk_side(role, world, world.other_institution, may_see, may_change)
        leaks += [f"{role.value}: {leak}" for leak in walk.leaks]
        if may_see and not walk.seen:
            blind.append(role.value)
    assert not leaks, "people of institution A reach B's objects:\n" + "\n".join(leaks)
    assert not blind, f"{blind} may read B's objects, but no page or answer showed them one"


def test_a_refusal_names_nothing_of_another_institution(world: SecurityWorld) -> None:
    """Asking for B's object by id, a person who may not see it learns nothing of it: the
    refusal does not name B (nor its institution), so ids cannot be walked to list them."""
    named, distinguishable, unaudited = [], [], []
    for role in Role:
        if not MAY_SEE_OTHER_INSTITUTIONS[role]:
            walk = walk_side(
                role, world, world.other_institution, may_see=False, compare_missing=True
            )
            named += [f"{role.value}: {line}" for line in walk.named]
            distinguishable += [f"{role.value}: {line}" for line in walk.distinguishable]
            unaudited += [f"{role.value}: {line}" for line in walk.unaudited]
    assert not named, "refusals name B's objects:\n" + "\n".join(named)
    # Issue 15, defects 5 and 6: B's object reads as a missing one, and every refusal is kept.
    assert not distinguishable, "refusals of B's objects differ from a missing one:\n" + "\n".join(
        distinguishable
    )
    assert not unaudited, "refusals of B's objects left no audit event:\n" + "\n".join(unaudited)


def test_a_researcher_sees_only_their_own_projects_of_their_institution(
    world: SecurityWorld,
) -> None:
    leaks, blind = [], []
    for role in (Role.RESEARCHER, Role.INSTITUTION_MANAGER):
        may_see = MAY_SEE_OTHER_PROJECTS[role]
        walk = walk_side(role, world, world.other_project, may_see, may_change=may_see)
        leaks += [f"{role.value}: {leak}" for leak in walk.leaks]
        if may_see and not walk.seen:
            blind.append(role.value)
    assert not leaks, "people of institution A reach another project:\n" + "\n".join(leaks)
    assert not blind, f"{blind} may read the institution's projects, but saw none"


def test_people_of_institution_a_see_their_own_objects(world: SecurityWorld) -> None:
    """The walk reaches real pages: A's own objects show up for A's people."""
    own = Targets(marker=security_world.OWN, ids={})
    for role in (Role.RESEARCHER, Role.INSTITUTION_MANAGER):
        assert walk_side(role, world, own, may_see=True, may_change=True).seen, role


def test_the_walk_notices_a_change_an_event_and_a_page_that_shows_the_marker(
    world: SecurityWorld,
) -> None:
    """The detectors can fail: B's case page shows the marker to a case handler, and a write
    that changes a row or writes an audit event other than a refusal is caught."""
    from django.http import HttpResponse
    from django.urls import reverse

    from fivesafes.audit.services import record
    from fivesafes.people.models import Breach

    handler = verified_client(world.people[Role.CASE_HANDLER])
    case = world.other_institution.ids["case"]
    page = reverse("people:case", args=[case])
    walk = Walk(Role.CASE_HANDLER, False, world.other_institution)
    walk.read("case page", handler.get(page), names_object=True)

    def change_a_row() -> Any:
        Breach.objects.filter(pk=world.other_institution.ids["breach"]).update(decision="Out.")
        return HttpResponse("Done.")

    def write_an_event() -> Any:
        record(action="breach.decided", actor=world.people[Role.APPROVER])
        return HttpResponse("Done.")

    walk.write("row", change_a_row)
    walk.write("event", write_an_event)
    walk.write("nothing", lambda: HttpResponse("Done."))
    walk.write("refusal", lambda: HttpResponse(b"Only the manager of SECRET-B may", status=403))
    assert [leak.split(" answered")[0] for leak in walk.leaks] == ["GET case page", "row", "event"]
    assert [named.split(" answered")[0] for named in walk.named] == ["refusal"]


def test_the_walk_covers_every_operation_of_the_api_document() -> None:
    """The walk reads ninja's routers; every operation the OpenAPI document shows clients is
    among them (an operation left out of the document is still walked)."""
    from fivesafes.api.root import api

    document = api.get_openapi_schema()
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    walked = {(method, path) for method, path, _view in api_operations()}
    assert documented - walked == set()
    assert len(walked) > 50


def test_checkers_and_auditors_read_every_institutions_release_requests(
    world: SecurityWorld,
) -> None:
    """The release policy as the walk sees it: B's release request, its file in the release
    log and the log's lists show B's marker to output checkers and auditors, and to nobody
    else of A (covered by the walks above); the release pages are reached."""
    for role in (Role.OUTPUT_CHECKER, Role.AUDITOR):
        walk = walk_side(
            role, world, world.other_institution, may_see=MAY_SEE_OTHER_INSTITUTIONS[role]
        )
        assert not walk.leaks, walk.leaks
        assert any("(release:request)" in seen for seen in walk.seen), (role, walk.seen)
        assert "release:log" in walk.seen, role
