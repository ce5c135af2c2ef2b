"""Reading settings from the environment, and refusing an unsafe production configuration.

Kept apart from settings.py so that the rules are testable functions.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

ENVIRONMENTS = ("demo", "test", "production")
DEFAULT_SECRET_MARKERS = ("django-insecure", "change-me", "secret", "demo")


def environment() -> str:
    # Under pytest the default is the test mode, so a plain `pytest` never touches demo data.
    default = "test" if "pytest" in sys.modules else "demo"
    env = os.environ.get("FIVESAFES_ENV", default).strip().lower()
    if env not in ENVIRONMENTS:
        raise ImproperlyConfigured(
            f"FIVESAFES_ENV={env!r} is not one of {', '.join(ENVIRONMENTS)}."
        )
    return env


def flag(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a yes/no value (use true or false).")


def integer(name: str, default: int) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def share(name: str, default: float) -> float:
    """A share between 0 and 1 (a sampling rate), from the environment."""
    value = os.environ.get(name)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.") from None
    if not 0.0 <= number <= 1.0:
        raise ImproperlyConfigured(f"{name}={value!r} is not a share between 0 and 1.")
    return number


def list_setting(name: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


def data_dir() -> Path:
    default = Path(__file__).resolve().parents[2] / "var"
    if environment() == "test":
        default = default / "test"
    path = Path(os.environ.get("FIVESAFES_DATA_DIR") or default).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stored_secret(path: Path) -> str:
    """Read a secret from a file, creating it (readable by the owner only) on first use."""
    if path.exists():
        return path.read_text().strip()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(50))
    try:
        os.link(tmp, path)  # atomic and refused if another process created it first
    except FileExistsError:
        pass  # theirs wins, so every process reads the same secret
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()


def secret_key(env: str, data: Path) -> str:
    value = os.environ.get("FIVESAFES_SECRET_KEY") or os.environ.get("SECRET_KEY")
    if value:
        return value
    if env == "production":
        raise ImproperlyConfigured(
            "FIVESAFES_SECRET_KEY must be set in production (a long random string)."
        )
    return _stored_secret(data / "secret_key")


def audit_key(env: str, data: Path, secret: str) -> str:
    value = os.environ.get("FIVESAFES_AUDIT_KEY")
    if value:
        return value
    if env == "production":
        raise ImproperlyConfigured(
            "FIVESAFES_AUDIT_KEY must be set in production (a long random string, kept "
            "outside the database, that keys the audit log's hash chain)."
        )
    return _stored_secret(data / "audit_key")


def allowed_hosts(env: str) -> list[str]:
    hosts = list_setting("FIVESAFES_ALLOWED_HOSTS")
    if hosts:
        return hosts
    if env == "production":
        raise ImproperlyConfigured("FIVESAFES_ALLOWED_HOSTS must name the service's host names.")
    return ["127.0.0.1", "localhost", "testserver", "[::1]"]


def email(env: str) -> tuple[str, dict[str, Any]]:
    """Console e-mail in demo and test; SMTP when FIVESAFES_SMTP_HOST is set."""
    host = os.environ.get("FIVESAFES_SMTP_HOST")
    if not host:
        if env == "test":
            return "django.core.mail.backends.locmem.EmailBackend", {}
        return "django.core.mail.backends.console.EmailBackend", {}
    return "django.core.mail.backends.smtp.EmailBackend", {
        "EMAIL_HOST": host,
        "EMAIL_PORT": integer("FIVESAFES_SMTP_PORT", 587),
        "EMAIL_HOST_USER": os.environ.get("FIVESAFES_SMTP_USER", ""),
        "EMAIL_HOST_PASSWORD": os.environ.get("FIVESAFES_SMTP_PASSWORD", ""),
        "EMAIL_USE_TLS": flag("FIVESAFES_SMTP_TLS", default=True),
    }


def production_problems(values: dict[str, Any]) -> list[str]:
    """The unsafe settings that production must not start with, each said plainly."""
    if values.get("ENV") != "production":
        return []
    problems = []
    if values.get("DEBUG"):
        problems.append("FIVESAFES_DEBUG is on: debug pages would show settings and data.")
    key = str(values.get("SECRET_KEY", ""))
    if len(key) < 40 or any(marker in key.lower() for marker in DEFAULT_SECRET_MARKERS):
        problems.append(
            "FIVESAFES_SECRET_KEY is short or a default value: use 50 random characters."
        )
    if not values.get("SESSION_COOKIE_SECURE") or not values.get("CSRF_COOKIE_SECURE"):
        problems.append(
            "FIVESAFES_SECURE_COOKIES is off: session cookies would travel over plain HTTP."
        )
    if not values.get("SECURE_SSL_REDIRECT"):
        problems.append("FIVESAFES_SSL_REDIRECT is off: the service would answer over plain HTTP.")
    engine = values.get("DATABASES", {}).get("default", {}).get("ENGINE", "")
    if engine.endswith("sqlite3"):
        problems.append("DATABASE_URL points at SQLite: production uses PostgreSQL.")
    if "*" in values.get("ALLOWED_HOSTS", []):
        problems.append("FIVESAFES_ALLOWED_HOSTS contains '*': name the real host names.")
    return problems


def refuse_unsafe_production(values: dict[str, Any]) -> None:
    problems = production_problems(values)
    if problems:
        raise ImproperlyConfigured(
            "fivesafes will not start in production with unsafe settings:\n- "
            + "\n- ".join(problems)
        )
