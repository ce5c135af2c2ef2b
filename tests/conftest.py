"""Shared fixtures: people with roles, and clients signed in with two factors."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from fivesafes.policy.permissions import Role

_counter = itertools.count(1)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Tests marked `postgresql` run only in the PostgreSQL run, tests marked `sqlite` only in the
    SQLite run; elsewhere they are deselected (not skipped: they do not apply there)."""
    from django.conf import settings

    other = (
        "sqlite" if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") else "postgresql"
    )
    kept = [item for item in items if item.get_closest_marker(other) is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture(scope="session")
def _anchor_folder(tmp_path_factory: Any) -> Any:
    return tmp_path_factory.mktemp("audit-anchors")


@pytest.fixture(autouse=True)
def language_back_to_english() -> Any:
    """A page asked in Danish leaves Danish active in the test's thread (the locale middleware
    activates the reader's language and nothing deactivates it); every test starts and ends in
    the default language, so no test reads another's Danish."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def audit_anchor_per_test(_anchor_folder: Any) -> Any:
    """Each test anchors the audit chain in its own file: the database starts empty for every
    test, so a checkpoint another test wrote would name events this test's log never had."""
    from django.test import override_settings

    path = _anchor_folder / f"anchor-{next(_counter)}.log"
    with override_settings(FIVESAFES_AUDIT_ANCHOR=path):
        yield path


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """Create a person with roles and a confirmed authenticator (TOTP) device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from fivesafes.accounts.models import RoleAssignment, User

    def make(
        *roles: Role,
        username: str | None = None,
        password: str = "correct horse battery 9",
        active: bool = True,
        with_device: bool = True,
    ) -> User:
        name = username or f"person{next(_counter)}"
        user = User.objects.create_user(
            username=name,
            email=f"{name}@example.org",
            password=password,
            full_name=name.title(),
            is_active=active,
        )
        for role in roles:
            RoleAssignment.objects.create(user=user, role=role.value)
        if with_device:
            TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        return user

    return make


def verified_client(user: Any) -> Client:
    """A test client signed in as `user` with a two-factor session."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user, backend="fivesafes.accounts.backends.UsernameOrEmailBackend")
    device = user.totpdevice_set.filter(confirmed=True).first()
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_as(make_user: Callable[..., Any]) -> Callable[..., Client]:
    """`client_as(Role.AUDITOR)` -> a two-factor client for a new person with that role."""

    def make(*roles: Role, **kwargs: Any) -> Client:
        client = verified_client(make_user(*roles, **kwargs))
        return client

    return make


def use_file_store(settings: Any, location: Any) -> Any:
    """Point the file store (the default storage) at `location` for one test; returns it."""
    storages = {name: dict(options) for name, options in settings.STORAGES.items()}
    storages["default"] = {**storages["default"], "OPTIONS": {"location": location}}
    settings.STORAGES = storages
    return location


def assert_refused_without_change(
    before: dict[str, Any], state: Callable[[], dict[str, Any]], refusals: int = 1
) -> None:
    """After refused requests: nothing `state` (a room's `db_state`) reads has moved since
    `before`, but the audit log, which gained exactly `refusals` events, each a refusal."""
    from fivesafes.audit.models import AuditEvent

    after = state()
    assert {**after, "audit": before["audit"]} == before, "a refused request changed something"
    added = list(
        AuditEvent.objects.order_by("sequence").values_list("action", flat=True)[before["audit"] :]
    )
    assert len(added) == after["audit"] - before["audit"]
    assert len(added) == refusals, f"expected {refusals} refusal event(s), the log gained {added}"
    assert all(action.endswith(("denied", "refused")) for action in added), added
