"""Django settings, derived from the workspace and ``CIVICLOOP_*`` environment variables.

- ``CIVICLOOP_WORKSPACE``: the workspace folder (default ``./civicloop-workspace``).
- ``CIVICLOOP_DATABASE_URL``: a ``postgres://`` URL selects PostgreSQL; default SQLite in the
  workspace, in WAL mode so the web app and the CLI can work at the same time.
- ``CIVICLOOP_DEBUG``: ``1`` for Django's debug pages (never in production).
- ``CIVICLOOP_ALLOWED_HOSTS``: comma-separated host names served (default localhost only).
- ``CIVICLOOP_SECRET_KEY``: overrides the key generated into the workspace by ``civicloop init``.
- ``CIVICLOOP_HTTPS``: ``1`` behind TLS: secure cookies, HSTS, HTTPS redirect, 8-hour sessions.
- ``CIVICLOOP_LANGUAGE``: the command line's language for what it says to people (``es``
  for Spanish; default English). The web pages follow each reader (civicloop.core.language).
- ``CIVICLOOP_ALLOWED_INTERNAL_HOSTS``: host names, addresses or networks on the server's own
  network that connectors and webhooks may call (default none: public hosts only).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

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

# Connectors and webhooks call only public hosts (civicloop.core.netguard), except these.
CIVICLOOP_ALLOWED_INTERNAL_HOSTS = [
    h.strip()
    for h in os.environ.get("CIVICLOOP_ALLOWED_INTERNAL_HOSTS", "").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    # Content kept per language (civicloop.core.translated); before the admin, as it asks.
    "modeltranslation",
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
    # The audit trail: one LogEntry table for every tracked model (civicloop.core.audit).
    "auditlog",
    "csp",
    "axes",
    # Swagger UI (/api/docs) from django-ninja's own static files, not a CDN: it works
    # offline and under the Content-Security-Policy (script-src 'self').
    "ninja",
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
    # The language of the page: the public site's from its address (/es/public/...), the
    # working app's from the switcher's cookie or the browser (civicloop.core.language).
    "civicloop.core.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who made each change in the audit trail: the signed-in person of the request.
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "civicloop.core.deadline.DeadlineMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

# Request bounds: a request's deadline (seconds), form fields and in-memory body sizes.
CIVICLOOP_REQUEST_SECONDS = float(os.environ.get("CIVICLOOP_REQUEST_SECONDS", "60"))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000  # the mapping form: one field per column (<= 1,000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20  # bodies other than files

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
AUTHENTICATION_BACKENDS = [
    "civicloop.core.auth.LockoutBackend",
    "civicloop.core.auth.PasswordBackend",
]
# Five wrong passwords for one user name from one address lock that pair out for 15
# minutes; a right password resets the count (civicloop.core.auth).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
CIVICLOOP_CONCURRENT_LOGINS = int(os.environ.get("CIVICLOOP_CONCURRENT_LOGINS", "1"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Behind TLS (CIVICLOOP_HTTPS=1; the proxy in front must set X-Forwarded-Proto): cookies
# only over HTTPS, HSTS for a year, plain-HTTP requests redirected, sessions of 8 hours.
HTTPS = os.environ.get("CIVICLOOP_HTTPS") == "1"
if HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy: scripts only from civicloop's own static files, never inline, so
# a script that slips into a page (a bad link, a missed escape) does not run. Charts read
# their Vega specs from JSON data islands and draw with Vega's interpreter (no eval).
# Styles may be inline: Vega, htmx and Swagger UI set style attributes, and CSS runs no code.
# The one page others may frame (a public chart's embed) lifts frame-ancestors itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# English and Spanish (civicloop/locale/es). English is the language of the source strings
# and of the content as first written; a Spanish value missing falls back to it.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["civicloop.core.formats"]  # 1,234.5 in Spanish too, as US cities write
LANGUAGE_COOKIE_SAMESITE = "Lax"
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "es")
# A value missing in the page's language is shown in the other one, English first.
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "es")
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = os.environ.get("CIVICLOOP_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = None  # whitenoise serves from the package; no collectstatic step
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# "default" holds the live public pages (each process its own). The fragments and API
# answers keyed on each collaborative's data version are kept by civicloop.core.cache
# itself, unpickled: at most this many entries per process (~65 KB each on average).
CIVICLOOP_DATA_CACHE_ENTRIES = int(os.environ.get("CIVICLOOP_DATA_CACHE_ENTRIES", "3000"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}

# The audit trail keeps the requests' addresses out: who and what changed is enough.
AUDITLOG_DISABLE_REMOTE_ADDR = True

TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
