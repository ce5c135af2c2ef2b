"""Every route, for every role: the one access policy decides, and no route lacks a rule."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fivesafes.policy.decorators import rule_of
from fivesafes.policy.permissions import Permission, Role, permissions_of
from tests.conftest import verified_client
from tests.foundation.routes import api_operations, web_routes

HEALTH = "health:healthz"  # answers 503 by design while no worker runs


def reachable(route, response) -> bool:
    return response.status_code < 500 or route.name == HEALTH


def denied_by_policy(response) -> bool:
    return response.status_code == 403 and any(
        t.name == "web/denied.html" for t in (response.templates or [])
    )


def test_every_web_route_declares_an_access_rule() -> None:
    missing = [route.name for route in web_routes() if route.rule is None]
    assert missing == []
    assert len(web_routes()) >= 10


def test_every_api_operation_declares_an_access_rule() -> None:
    operations = api_operations()
    assert operations, "the API has operations"
    missing = [f"{method} {path}" for method, path, view in operations if rule_of(view) is None]
    assert missing == []


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_the_routes_its_permissions_allow(role, make_user) -> None:
    user = make_user(role)
    client = verified_client(user)
    granted = permissions_of({role})
    for route in web_routes():
        response = client.get(route.url)
        if route.rule.public:
            assert reachable(route, response), route.name
            continue
        allowed = route.rule.allows(granted)
        if allowed:
            assert not denied_by_policy(response), route.name
            assert response.status_code != 401, route.name
            assert not (response.status_code == 302 and "/accounts/login/" in response.url), (
                route.name
            )
        else:
            assert denied_by_policy(response), (route.name, response.status_code)


def test_anonymous_visitors_are_sent_to_sign_in_for_every_private_route(db) -> None:
    client = Client()
    for route in web_routes():
        response = client.get(route.url)
        if route.rule.public:
            assert reachable(route, response), route.name
        else:
            assert response.status_code == 302, route.name
            assert response.url.startswith(reverse("accounts:login")), route.name


def test_password_without_second_factor_reaches_no_private_route(make_user) -> None:
    user = make_user(Role.ADMINISTRATOR, Role.AUDITOR)
    client = Client()
    client.force_login(user, backend="fivesafes.accounts.backends.UsernameOrEmailBackend")
    for route in web_routes():
        if not route.rule.public:
            response = client.get(route.url)
            assert response.status_code == 302 and "/accounts/login/" in response.url, route.name


def test_disabled_account_with_a_live_session_is_refused(make_user) -> None:
    user = make_user(Role.AUDITOR)
    client = verified_client(user)
    user.is_active = False
    user.save()
    response = client.get(reverse("web:dashboard"))
    assert response.status_code in (302, 403)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_the_api_operations_its_permissions_allow(
    role, make_user
) -> None:
    from fivesafes.accounts.models import ApiToken

    user = make_user(role)
    _token, plain = ApiToken.issue(user=user, name="walk", days=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    granted = permissions_of({role})
    for method, path, view in api_operations():
        if method != "GET" or "{" in path:
            continue
        response = client.get(path)
        rule = rule_of(view)
        if rule.allows(granted):
            assert response.status_code == 200, (path, response.status_code)
        else:
            assert response.status_code == 403, (path, response.status_code)


def test_api_without_a_token_is_401_except_public_operations(db) -> None:
    for method, path, view in api_operations():
        if method == "GET" and "{" not in path:
            expected = 200 if rule_of(view).public else 401
            assert Client().get(path).status_code == expected, path


def test_admin_only_for_administrators_with_two_factors(client_as) -> None:
    assert client_as(Role.ADMINISTRATOR).get(reverse("admin:index")).status_code == 200
    assert client_as(Role.AUDITOR).get(reverse("admin:index")).status_code == 403
    assert Permission.ADMINISTER_SYSTEM in permissions_of({Role.ADMINISTRATOR})


def test_closing_a_project_declares_either_permission_and_refuses_who_holds_neither(
    make_user,
) -> None:
    """Staff close projects under close_projects, the responsible researcher under
    apply_for_projects: the operation declares both as 'one of', and a role with neither is
    refused at the gate, naming them, before any project is looked up."""
    from fivesafes.accounts.models import ApiToken

    close = [
        view
        for method, path, view in api_operations()
        if method == "POST" and path.endswith("/close") and "{project_id}" in path
    ]
    assert len(close) == 1
    rule = rule_of(close[0])
    assert rule.any_of == (Permission.CLOSE_PROJECTS, Permission.APPLY_FOR_PROJECTS)
    assert rule.allows(permissions_of({Role.CASE_HANDLER}))
    assert rule.allows(permissions_of({Role.RESEARCHER}))
    assert not rule.allows(permissions_of({Role.AUDITOR}))
    _token, plain = ApiToken.issue(user=make_user(Role.AUDITOR), name="walk", days=1)
    response = Client(HTTP_AUTHORIZATION=f"Bearer {plain}").post(
        "/api/v1/projects/999999/close", {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "'close_projects', 'apply_for_projects'" in response.json()["detail"]
