"""Journey Board settings, read from environment variables (see the README's table).

The embedded default needs nothing: SQLite in WAL mode and the in-memory channel layer, one daphne process.
DATABASE_URL switches to PostgreSQL and REDIS_URL to Redis for several daphne processes.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


YES, NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
DEVELOPMENT_SECRET_KEY = "local-development-only-not-secret"


def envbool(name: str, default: str) -> bool:
    """Strict: a typo such as PRODUCTION=ture stops the start instead of quietly meaning false. Empty: the default."""
    value = os.environ.get(name, "").strip().lower() or default
    if value not in YES + NO:
        raise ImproperlyConfigured(
            f"{name}={os.environ.get(name)!r} is neither true nor false: use true or false (or 1/0, yes/no, on/off)."
        )
    return value in YES


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = envbool("PRODUCTION", "false")
DEBUG = envbool("DEBUG", "true") and not PRODUCTION  # read even in production: a typo stops the start
if PRODUCTION:
    if not os.environ.get("SECRET_KEY"):
        raise ImproperlyConfigured("Set SECRET_KEY: it is required when PRODUCTION is true.")
    SECRET_KEY = os.environ["SECRET_KEY"]
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
# Development mode with the publicly known key: config/exposure.py warns loudly when it is reachable from elsewhere.
PUBLICLY_KNOWN_KEY = not PRODUCTION and SECRET_KEY == DEVELOPMENT_SECRET_KEY
# Origins allowed to open a board socket. Empty means "same as ALLOWED_HOSTS", which is only safe when that list
# has no wildcard (AllowedHostsOriginValidator lets everything through for "*").
WEBSOCKET_ALLOWED_ORIGINS = envlist("WEBSOCKET_ALLOWED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "channels",
    "csp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "journeys",
    "live",
    "boards",
    "painpoints",
    "workshops",
    "dashboard",
    "exchange",
    "notifications",
    "accounts",
    "api",
    "comments",
    "webhooks",
    "intake",
    "fixes",
    "priorities",
    "versions",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "web.ratelimit.BoardRateLimitMiddleware",
    "web.middleware.JourneyAnswerMiddleware",
    "notifications.middleware.RememberLanguageMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its page
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "notifications.context_processors.bell",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
if os.environ.get("DATABASE_URL"):
    # A pool of connections per process (psycopg's), as Django advises under ASGI. A persistent connection
    # (CONN_MAX_AGE) belongs to a thread, and daphne runs every request in a thread of its own: each request opened
    # a connection of its own and left it open until the garbage collector came by (15 after 40 edits on one
    # process; with three processes under load PostgreSQL refused more: "too many clients already", answered 500).
    # Now a request borrows one and gives it back when it ends (CONN_MAX_AGE 0 means exactly that with a pool).
    # Health checks: a connection lost in a PostgreSQL restart is replaced when borrowed, not failed on.
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=0, conn_health_checks=True)}
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        # timeout: seconds a request waits for a free connection before it fails
        "pool": {"min_size": 2, "max_size": envint("DATABASE_POOL_SIZE", "8"), "timeout": 10},
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", "test_journeyboard")}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            # Reuse the connection: the sockets' ORM work runs on one thread, and reopening SQLite (with its
            # PRAGMAs) for every database_sync_to_async call made 50 reconnects take seconds.
            "CONN_MAX_AGE": 600,
            # IMMEDIATE + a busy timeout + WAL: concurrent writers wait instead of failing with "database is locked".
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # A file, not :memory:, so the daphne process of the browser tests sees the test database.
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_PATH", str(BASE_DIR / "test_db.sqlite3"))},
        }
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
# "redis" (channels_redis.core.RedisChannelLayer) or "redis-pubsub" (RedisPubSubChannelLayer); see the README.
REDIS_CHANNEL_LAYER = os.environ.get("REDIS_CHANNEL_LAYER", "redis")
# RedisChannelLayer waits for messages with a blocking BZPOPMIN of 5 s; redis-py 8 gives up on any read after 5 s
# by default, so on a quiet board the read lost that race and every socket of the process closed with 1011. Reads
# may take three times the blocking wait; a Redis that stops answering still fails within 15 s. Options in the URL
# (`?socket_timeout=30`) take precedence over these.
REDIS_SOCKET_TIMEOUT = 15
REDIS_HOSTS = [{"address": REDIS_URL, "socket_timeout": REDIS_SOCKET_TIMEOUT, "socket_connect_timeout": 5}]
if REDIS_URL and REDIS_CHANNEL_LAYER == "redis-pubsub":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": REDIS_HOSTS, "prefix": os.environ.get("REDIS_PREFIX", "asgi")},
        }
    }
elif REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": REDIS_HOSTS,
                "prefix": os.environ.get("REDIS_PREFIX", "asgi"),
                "capacity": 500,
                "expiry": 30,
                # Board sockets re-join their group on every heartbeat (BOARD_HEARTBEAT_SECONDS), so members of a
                # killed process drop out after 5 minutes instead of being written to for days.
                "group_expiry": 300,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 500, "group_expiry": 300},
        }
    }

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes), for the login page and the admin alike: after LOGIN_FAILURE_LIMIT wrong passwords
# for one username from one address, that pair is locked out for LOGIN_LOCKOUT_MINUTES (429 and a page saying so),
# even with the right password. By username and address together: a workshop room shares one address, so an
# address alone would lock everyone out after a few typos, and a username alone would let anyone lock a colleague
# out. An administrator unlocks early in the admin (Axes: access attempts) or with `manage.py axes_reset`.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "web.lockout.locked_out_response"
AXES_DISABLE_ACCESS_LOG = True  # keep failed attempts only, not a record of every successful login
# The client address is daphne's REMOTE_ADDR: behind a proxy, run daphne with --proxy-headers (see the README).
# Single sign-on with OpenID Connect (mozilla-django-oidc), on when OIDC_RP_CLIENT_ID is set; see the README for
# Keycloak and Microsoft Entra ID. LOCAL_LOGIN=false switches password sign-in off (the admin's too).
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
SSO_ENABLED = bool(OIDC_RP_CLIENT_ID)
LOCAL_LOGIN = envbool("LOCAL_LOGIN", "true") or not SSO_ENABLED
SSO_PROVIDER_NAME = os.environ.get("SSO_PROVIDER_NAME", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = envbool("OIDC_USE_PKCE", "true")
OIDC_TIMEOUT = envint("OIDC_TIMEOUT_SECONDS", "10")
OIDC_CLAIMS_FROM_ID_TOKEN = envbool("OIDC_CLAIMS_FROM_ID_TOKEN", "false")
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_LINK_BY_EMAIL = envbool("OIDC_LINK_BY_EMAIL", "true")
OIDC_DEPARTMENTS_CLAIM = os.environ.get("OIDC_DEPARTMENTS_CLAIM", "")
OIDC_MANAGERS_CLAIM = os.environ.get("OIDC_MANAGERS_CLAIM", OIDC_DEPARTMENTS_CLAIM or "groups")
OIDC_MANAGER_VALUES = envlist("OIDC_MANAGER_VALUES", "")
# django-axes first, as it asks: it guards the password sign-in (login page and admin).
AUTHENTICATION_BACKENDS = [
    *(["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"] if LOCAL_LOGIN else []),
    *(["accounts.oidc.SsoBackend"] if SSO_ENABLED else []),
]
if SSO_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
LOGIN_REDIRECT_URL_FAILURE = "/login/?sso=failed"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "journey_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(BASE_DIR / "staticfiles"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Board traffic is tiny: the socket carries a hello and resync requests in, everything else goes out.
WEBSOCKET_MAX_FRAME_BYTES = envint("WEBSOCKET_MAX_FRAME_BYTES", "2048")
# What one socket may send, in bursts, per 10 seconds (live/frame_budget.py); past it the socket is closed (4029).
WEBSOCKET_FRAMES_PER_10S = envint("WEBSOCKET_FRAMES_PER_10S", "50")
WEBSOCKET_BYTES_PER_10S = envint("WEBSOCKET_BYTES_PER_10S", "65536")
BOARD_HEARTBEAT_SECONDS = envint("BOARD_HEARTBEAT_SECONDS", "15")

# Static files, in every mode through whitenoise in Django's middleware (it works under daphne's ASGI handler: the
# middleware stack already runs in Django's thread). With DEBUG off (`make run`, production) it serves what
# `collectstatic` gathered into STATIC_ROOT (`make setup` runs it): hashed names cached for a year, gzip and brotli
# versions chosen by Accept-Encoding. With DEBUG on it serves the app folders as they are, re-read on every request.
# SERVE_STATIC=false leaves /static/ to a reverse proxy serving STATIC_ROOT.
SERVE_STATIC = envbool("SERVE_STATIC", "true")
if SERVE_STATIC:
    MIDDLEWARE.insert(1, "config.static_files.StaticFiles")  # whitenoise, right after SecurityMiddleware
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# How big one journey may grow, on the board and by import (journeys/limits.py).
JOURNEY_MAX_STEPS = envint("JOURNEY_MAX_STEPS", "500")
JOURNEY_MAX_HANDOFFS = envint("JOURNEY_MAX_HANDOFFS", "1000")
JOURNEY_MAX_PAIN_POINTS = envint("JOURNEY_MAX_PAIN_POINTS", "1000")

# Export and import: the largest journey file an upload may be, how deeply its JSON may nest and how many digits a
# number in it may have (Python's own parser has neither limit: deep nesting and huge numbers were server errors).
JOURNEY_IMPORT_MAX_BYTES = envint("JOURNEY_IMPORT_MAX_BYTES", str(2 * 1024 * 1024))
JOURNEY_IMPORT_MAX_DEPTH = envint("JOURNEY_IMPORT_MAX_DEPTH", "20")
JOURNEY_IMPORT_MAX_NUMBER_DIGITS = envint("JOURNEY_IMPORT_MAX_NUMBER_DIGITS", "20")
# Imports running at once in one daphne process; more wait their turn (a check and write of a journey at the limits
# takes a second or two of CPU, which every page of that process shares).
JOURNEY_IMPORTS_AT_ONCE = envint("JOURNEY_IMPORTS_AT_ONCE", "1")

# Board changes one user may make on one journey in any 60 seconds (a sliding window, web/ratelimit.py); a flood
# beyond it gets 429 and a message. New journeys (created, imported or copied) one user may start in any hour.
BOARD_CHANGES_PER_MINUTE = envint("BOARD_CHANGES_PER_MINUTE", "120")
# Reports one address (public form) or one colleague may send in any hour (intake/views.py).
INTAKE_REPORTS_PER_HOUR = envint("INTAKE_REPORTS_PER_HOUR", "10")
JOURNEYS_PER_USER_PER_HOUR = envint("JOURNEYS_PER_USER_PER_HOUR", "20")
CACHES["ratelimit"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "jb-ratelimit"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
)

# E-mail: notifications, digests and answers to reporters. Printed on the console unless EMAIL_BACKEND is "smtp".
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}.get(os.environ.get("EMAIL_BACKEND", "console"), os.environ.get("EMAIL_BACKEND", ""))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "587")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "true")
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", "false")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", "10")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Journey Board <journeyboard@localhost>")
# The address people reach the site at: links in e-mails are made from it (commands have no request to ask).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Owners hear of a target date this many days ahead (and once more when it has passed).
NOTIFY_DUE_SOON_DAYS = envint("NOTIFY_DUE_SOON_DAYS", "3")
# REST API (/api/v1/): personal tokens (or the session, for the docs page), cursor pages, a per-user request limit.
API_REQUESTS_PER_MINUTE = envint("API_REQUESTS_PER_MINUTE", "300")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Journey Board API",
    "DESCRIPTION": "Read journeys and pain points; create pain points and move them along their lifecycle. "
    "Authenticate with a personal API token from your profile page: `Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",  # Swagger UI from our own static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Links in messages that leave the app (webhooks): the address people open the board at.
PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000")

# Webhooks: only to hosts an administrator allowed, never to internal addresses unless their network is allowed too.
# Hosts: "tickets.example.org", ".example.org" (any subdomain) or "*" (any host). Networks: "10.1.2.0/24".
WEBHOOK_ALLOWED_HOSTS = envlist("WEBHOOK_ALLOWED_HOSTS", "")
WEBHOOK_INTERNAL_NETWORKS = envlist("WEBHOOK_INTERNAL_NETWORKS", "")
WEBHOOK_ALLOW_HTTP = envbool("WEBHOOK_ALLOW_HTTP", "false")
WEBHOOK_TIMEOUT_SECONDS = envint("WEBHOOK_TIMEOUT_SECONDS", "10")
# Waits before each retry after a failed attempt (Standard Webhooks' suggested schedule); then it is given up.
WEBHOOK_RETRY_SECONDS = [int(s) for s in envlist("WEBHOOK_RETRY_SECONDS", "5,300,1800,7200,18000,36000,36000")]
WEBHOOK_POLL_SECONDS = envint("WEBHOOK_POLL_SECONDS", "2")

# Content-Security-Policy. No inline scripts, no eval: htmx is configured through JSON (the htmx-config meta) and
# behaviour lives in static files. Cards and lanes are placed with style attributes, hence style-src-attr.
# Enforced in production; elsewhere report-only, so a violation shows in the browser console before it breaks.
_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],  # 'self' covers ws:// and wss:// to the same host (CSP 3)
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if envbool("CSP_ENFORCE", "true" if PRODUCTION else "false"):
    CONTENT_SECURITY_POLICY = _CSP
else:
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    # Behind a reverse proxy that ends TLS: trust its X-Forwarded-Proto (only if it always sets or strips it).
    if envbool("BEHIND_PROXY", "false"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", str(365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
    CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
