"""Django settings for fivesafes, read from the environment with safe defaults.

Three modes, chosen by FIVESAFES_ENV: `demo` (default: SQLite, local files, console e-mail),
`test` (as demo, set by the test suite) and `production`, which refuses to start with an unsafe
setting and says which (see fivesafes.config).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from fivesafes import config

ENV = config.environment()
PROJECT_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key(ENV, DATA_DIR)
DEBUG = config.flag("FIVESAFES_DEBUG", default=False)
ALLOWED_HOSTS = config.allowed_hosts(ENV)
CSRF_TRUSTED_ORIGINS = config.list_setting("FIVESAFES_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "fivesafes.accounts",
    "fivesafes.audit",
    "fivesafes.jobs",
    "fivesafes.web",
    "fivesafes.people",
    "fivesafes.data",
    "fivesafes.projects",
    "fivesafes.delivery",
    "fivesafes.release",
    "fivesafes.workspace",
]

MIDDLEWARE = [
    "fivesafes.web.timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "fivesafes.web.language.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "fivesafes.policy.middleware.AccessPolicyMiddleware",
]

ROOT_URLCONF = "fivesafes.urls"
WSGI_APPLICATION = "fivesafes.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fivesafes.web.context.navigation",
            ],
            # Numbers, money, dates and times the same way in every template; rule codes
            # linked to the rules' text.
            "builtins": [
                "fivesafes.web.templatetags.formats",
                "fivesafes.web.templatetags.rule_links",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'fivesafes.sqlite3'}",
        # Under an ASGI server every request runs its database work in a thread of its own, so
        # a connection kept for later (CONN_MAX_AGE) is never reused and piles up until the
        # server refuses clients (found by `fivesafes bench web`). PostgreSQL outside the
        # tests uses psycopg's connection pool instead (below); SQLite opens a file.
        conn_max_age=0,
    )
}
if ENV != "test" and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A pool per server process: FIVESAFES_DB_POOL_SIZE connections at most (times the number
    # of server processes and workers, within PostgreSQL's max_connections).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": config.integer("FIVESAFES_DB_POOL_SIZE", 10),
        "timeout": 20,
    }
if ENV == "test" and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # One test database per test run, so that runs side by side never share one.
    DATABASES["default"]["TEST"] = {"NAME": f"test_fivesafes_{os.getpid()}"}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server and the worker read while the other writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
if ENV == "test":
    # Tests create thousands of people; Django's production hasher (PBKDF2, a million rounds,
    # about half a second a password here) made building them most of the suite's time. The
    # production hashers stay in the list so that passwords they wrote still verify.
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "fivesafes.accounts.backends.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"

# Sessions end after 30 idle minutes (every request renews the clock) and with the browser.
SESSION_COOKIE_AGE = config.integer("FIVESAFES_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE = ENV == "production"
SESSION_COOKIE_SECURE = config.flag("FIVESAFES_SECURE_COOKIES", default=SECURE)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = config.flag("FIVESAFES_SSL_REDIRECT", default=SECURE)
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None

# Failed logins: five wrong passwords for one username lock it for 15 minutes.
AXES_FAILURE_LIMIT = config.integer("FIVESAFES_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by address as well would let one colleague's typos lock out a whole institution behind
# one NAT address; guessing across many usernames is answered by the second factor instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fivesafes.accounts.views.signin.locked_out"
AXES_VERBOSE = False
AXES_ENABLED = True

OTP_TOTP_ISSUER = "fivesafes"
OTP_TOTP_THROTTLE_FACTOR = 1

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND, EMAIL_SETTINGS = config.email(ENV)
globals().update(EMAIL_SETTINGS)
DEFAULT_FROM_EMAIL = os.environ.get("FIVESAFES_FROM_EMAIL", "research-service@fivesafes.invalid")
# The letterhead of the office's documents (decision letters, contracts, agreements, invoices);
# empty: the defaults in fivesafes.shared.pdf. The address takes one line per "\n".
FIVESAFES_OFFICE_NAME = os.environ.get("FIVESAFES_OFFICE_NAME", "")
FIVESAFES_OFFICE_ADDRESS = os.environ.get("FIVESAFES_OFFICE_ADDRESS", "").replace("\\n", "\n")

# The pages speak English (the default) or Danish: the person's choice (kept on their account,
# else the language cookie), else the browser's Accept-Language. The translations are in
# locale/; their compiled .mo files are committed (docs/decisions/0007-translations.md).
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("da", "Dansk")]
# Each room keeps its own catalogue (<room>/locale); listing them here puts them before the
# catalogues of Django's own apps (the admin's "Action" would otherwise win over a room's).
LOCALE_PATHS = [
    PROJECT_DIR / "locale",
    *(
        PROJECT_DIR / app.rsplit(".", 1)[-1] / "locale"
        for app in INSTALLED_APPS
        if app.startswith("fivesafes.")
    ),
]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "files"},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if ENV == "production"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = ENV != "production"

FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The keyed hash chain of the audit log uses its own key, kept outside the database.
FIVESAFES_AUDIT_KEY = config.audit_key(ENV, DATA_DIR, SECRET_KEY)
# The append-only file the audit chain's head is anchored to after every append (checkpoints
# signed with the audit key): somewhere the database's writer cannot rewrite, e.g. a file with
# `chattr +a`, on another volume, or shipped to a log host.
FIVESAFES_AUDIT_ANCHOR = Path(
    os.environ.get("FIVESAFES_AUDIT_ANCHOR") or DATA_DIR / "audit" / "anchor.log"
)
# How long a worker may be silent before its running jobs are taken to have died.
FIVESAFES_WORKER_STALE_AFTER = timedelta(
    seconds=config.integer("FIVESAFES_WORKER_STALE_SECONDS", 60)
)
FIVESAFES_API_TOKEN_DAYS = config.integer("FIVESAFES_API_TOKEN_DAYS", 90)
# Safe outputs (R22), per office: the random sample of requests that pass every automatic
# check but still go to two checkers; the higher rate when a risk factor is present (first
# releases of a project or researcher, earlier returned requests); the share of automatically
# released files a checker looks at afterwards; the largest file that may be asked for.
FIVESAFES_RELEASE_SAMPLE_RATE = config.share("FIVESAFES_RELEASE_SAMPLE_RATE", 0.1)
FIVESAFES_RELEASE_RISK_SAMPLE_RATE = config.share("FIVESAFES_RELEASE_RISK_SAMPLE_RATE", 0.5)
FIVESAFES_RELEASE_AFTER_REVIEW_RATE = config.share("FIVESAFES_RELEASE_AFTER_REVIEW_RATE", 0.1)
FIVESAFES_RELEASE_MAX_FILE_BYTES = config.integer(
    "FIVESAFES_RELEASE_MAX_FILE_BYTES", 20 * 1024 * 1024
)

# Data delivery (issue 12): the engine that runs an extraction plan ("duckdb", the default, or
# "spark"), the Spark master URL, DuckDB's memory limit, and where the pseudonym master secret
# lives: a file path, or "env:VARIABLE" for the environment. Empty: the file
# DATA_DIR/keys/pseudonym-master.key, created on first use outside production.
FIVESAFES_EXTRACTION_ENGINE = os.environ.get("FIVESAFES_EXTRACTION_ENGINE", "duckdb")
FIVESAFES_SPARK_MASTER = os.environ.get("FIVESAFES_SPARK_MASTER", "local[2]")
FIVESAFES_EXTRACTION_MEMORY = os.environ.get("FIVESAFES_EXTRACTION_MEMORY", "2GB")
# DuckDB's threads for an extraction (0: one per core, DuckDB's own choice).
FIVESAFES_EXTRACTION_THREADS = config.integer("FIVESAFES_EXTRACTION_THREADS", 0)
FIVESAFES_PSEUDONYM_KEYS = os.environ.get("FIVESAFES_PSEUDONYM_KEYS", "")
# External data (R15): the largest file a data owner may send through an upload link, and how
# many days a link lasts.
FIVESAFES_EXTERNAL_MAX_BYTES = config.integer("FIVESAFES_EXTERNAL_MAX_BYTES", 200 * 1024 * 1024)
FIVESAFES_EXTERNAL_LINK_DAYS = config.integer("FIVESAFES_EXTERNAL_LINK_DAYS", 14)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"fivesafes": {"level": "INFO"}},
}

config.refuse_unsafe_production(globals())

# Workspace runs (issue 13): batch runs have their own queue ("workspace"), so a long run never
# waits behind deliveries and releases nor blocks them (`fivesafes worker --queue-name
# workspace`); the office's default sandbox limits (fields of fivesafes.sandbox.Limits; staff
# set a project's own on the workspace overview) and JupyterLab's idle minutes; how many runs a
# member may have queued or running; how often a running run asks the access rule again; the
# largest output log kept per run; the largest text file the file browser shows or saves.
TASKS["default"]["QUEUES"] = [*TASKS["default"]["QUEUES"], "workspace"]
FIVESAFES_WORKSPACE_LIMITS = {
    "cpu_seconds": config.integer("FIVESAFES_WORKSPACE_CPU_SECONDS", 3600),
    "memory_bytes": config.integer("FIVESAFES_WORKSPACE_MEMORY_BYTES", 8_000_000_000),
    "processes": config.integer("FIVESAFES_WORKSPACE_PROCESSES", 256),
    "file_size_bytes": config.integer("FIVESAFES_WORKSPACE_FILE_SIZE_BYTES", 2_000_000_000),
    "wall_seconds": config.integer("FIVESAFES_WORKSPACE_WALL_SECONDS", 4 * 3600),
}
FIVESAFES_WORKSPACE_IDLE_MINUTES = config.integer("FIVESAFES_WORKSPACE_IDLE_MINUTES", 60)
FIVESAFES_WORKSPACE_MAX_OPEN_RUNS = config.integer("FIVESAFES_WORKSPACE_MAX_OPEN_RUNS", 3)
FIVESAFES_WORKSPACE_ACCESS_CHECK_SECONDS = config.integer(
    "FIVESAFES_WORKSPACE_ACCESS_CHECK_SECONDS", 5
)
FIVESAFES_WORKSPACE_MAX_LOG_BYTES = config.integer("FIVESAFES_WORKSPACE_MAX_LOG_BYTES", 5_000_000)
FIVESAFES_WORKSPACE_MAX_TEXT_BYTES = config.integer("FIVESAFES_WORKSPACE_MAX_TEXT_BYTES", 512_000)

# JupyterLab sessions (issue 13): where sessions' socket and configuration folders live (short:
# a Unix socket's path has at most 108 bytes; idle minutes are the workspace's, above), how
# long it may take to answer, how often an open websocket asks the access rule
# again, the largest non-text file the contents API hands to the browser, and how many
# sessions may run at once on this server.
FIVESAFES_LAB_SESSIONS_DIR = os.environ.get("FIVESAFES_LAB_SESSIONS_DIR") or str(
    Path(DATA_DIR) / "lab"
)
FIVESAFES_LAB_START_SECONDS = config.integer("FIVESAFES_LAB_START_SECONDS", 60)
FIVESAFES_LAB_RECHECK_SECONDS = config.integer("FIVESAFES_LAB_RECHECK_SECONDS", 5)
FIVESAFES_LAB_MAX_BINARY_BYTES = config.integer("FIVESAFES_LAB_MAX_BINARY_BYTES", 512 * 1024)
FIVESAFES_LAB_MAX_SESSIONS = config.integer("FIVESAFES_LAB_MAX_SESSIONS", 40)
