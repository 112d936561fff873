"""Django settings, derived from the workspace and ``CIVICLOOP_*`` environment variables.

- ``CIVICLOOP_WORKSPACE``: the workspace folder (default ``./civicloop-workspace``).
- ``CIVICLOOP_DATABASE_URL``: a ``postgres://`` URL selects PostgreSQL; default SQLite in the
  workspace, in WAL mode so the web app and the CLI can work at the same time.
- ``CIVICLOOP_DEBUG``: ``1`` for Django's debug pages (never in production).
- ``CIVICLOOP_ALLOWED_HOSTS``: comma-separated host names served (default localhost only).
- ``CIVICLOOP_SECRET_KEY``: overrides the key generated into the workspace by ``civicloop init``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from civicloop.core.workspace import current as current_workspace

WORKSPACE = current_workspace()
BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = (
    os.environ.get("CIVICLOOP_SECRET_KEY")
    or WORKSPACE.secret_key()
    # No workspace yet (tests, `--help`): an ephemeral key, never written anywhere.
    or secrets.token_urlsafe(50)
)
DEBUG = os.environ.get("CIVICLOOP_DEBUG") == "1"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("CIVICLOOP_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "civicloop.core.admin_site.CivicloopAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "civicloop.core",
    "civicloop.results",
    "civicloop.table",
    "civicloop.measure",
    "civicloop.learn.apps.LearnConfig",
    "civicloop.review",
    "civicloop.declare",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "civicloop.core.urls"
WSGI_APPLICATION = "civicloop.core.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civicloop.core.context.site",
            ],
        },
    }
]


def _database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # Each thread keeps its connection: opening one costs ~2.5 ms of CPU (SQLite reads
        # the schema again, then the pragmas run), a tenth of an uncached API answer.
        config["CONN_MAX_AGE"] = 600
        config["CONN_HEALTH_CHECKS"] = True
        config["OPTIONS"] = {
            # WAL lets readers (the web app) and one writer (a load) work at once.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    return config


DATABASES = {"default": _database(WORKSPACE.database_url())}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("CIVICLOOP_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = None  # whitenoise serves from the package; no collectstatic step
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
