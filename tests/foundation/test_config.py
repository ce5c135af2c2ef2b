"""Production refuses to start with unsafe settings, naming each one."""

from __future__ import annotations

import os
import subprocess
import sys

from fivesafes.config import production_problems

SAFE = {
    "ENV": "production",
    "DEBUG": False,
    "SECRET_KEY": "x7Gq2LrT9vWm4Zp8Kc1Nb6Hy3Jd5Fs0Qa7Ue2Io9Pl4Mk8Rj",
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_SSL_REDIRECT": True,
    "DATABASES": {"default": {"ENGINE": "django.db.backends.postgresql"}},
    "ALLOWED_HOSTS": ["research.example.org"],
}


def test_safe_production_settings_have_no_problems() -> None:
    assert production_problems(SAFE) == []


def test_each_unsafe_setting_is_named() -> None:
    cases = {
        "FIVESAFES_DEBUG": {"DEBUG": True},
        "FIVESAFES_SECRET_KEY": {"SECRET_KEY": "django-insecure-abc"},
        "FIVESAFES_SECURE_COOKIES": {"SESSION_COOKIE_SECURE": False},
        "FIVESAFES_SSL_REDIRECT": {"SECURE_SSL_REDIRECT": False},
        "SQLite": {"DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3"}}},
        "'*'": {"ALLOWED_HOSTS": ["*"]},
    }
    for name, change in cases.items():
        problems = production_problems({**SAFE, **change})
        assert len(problems) == 1 and name in problems[0], (name, problems)


def test_demo_mode_is_not_judged_as_production() -> None:
    assert production_problems({**SAFE, "ENV": "demo", "DEBUG": True}) == []


def test_production_without_secret_refuses_to_start(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIVESAFES_", "SECRET_KEY"))}
    env.update(
        {
            "FIVESAFES_ENV": "production",
            "FIVESAFES_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "fivesafes.settings",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "FIVESAFES_SECRET_KEY must be set in production" in result.stderr


def test_production_with_debug_on_names_debug(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIVESAFES_")}
    env.update(
        {
            "FIVESAFES_ENV": "production",
            "FIVESAFES_DATA_DIR": str(tmp_path),
            "FIVESAFES_SECRET_KEY": SAFE["SECRET_KEY"],
            "FIVESAFES_AUDIT_KEY": "k" * 50,
            "FIVESAFES_ALLOWED_HOSTS": "research.example.org",
            "FIVESAFES_DEBUG": "true",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
            "DJANGO_SETTINGS_MODULE": "fivesafes.settings",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "will not start in production" in result.stderr
    assert "FIVESAFES_DEBUG is on" in result.stderr


def test_processes_starting_at_once_agree_on_a_generated_secret(tmp_path) -> None:
    import subprocess
    import sys

    code = "import sys; from pathlib import Path; from fivesafes.config import _stored_secret; print(_stored_secret(Path(sys.argv[1])))"
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path / "audit_key")],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    answers = {run.communicate(timeout=60)[0].strip() for run in runs}
    assert len(answers) == 1 and len(answers.pop()) > 40
    assert (tmp_path / "audit_key").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["audit_key"]  # no temporary files left
