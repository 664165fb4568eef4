"""Settings for the court enforcement case-management system.

One module for every environment: production, the local demo run and the test suite differ only by environment
variables (see docs/configuration.md). Malformed values stop the process at start-up with a message naming the
variable, rather than being silently read as a default.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ENF_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A strict boolean: anything other than the usual spellings of true/false is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_secret(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}") from None
    return os.environ.get(name, default)


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# For a local demo served over plain HTTP on 127.0.0.1 only: turns off HTTPS-only cookies, HSTS and the redirect.
INSECURE_HTTP = env_bool("ENF_INSECURE_HTTP", False)
# Warm each web process before its first request and freeze its start-up heap out of the collector (core/warmup.py).
WARMUP = env_bool("ENF_WARMUP", True)

SECRET_KEY = env_secret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 - DEBUG only
    else:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "pgtrigger",
    "pghistory",
    "csp",
    # Project apps
    "accounts",
    "core",
    "cases",
    "assets",
    "inquiry",
    "statements",
    "credit",
    "review",
    "delegation",
    "supervision",
    "efile",
    "signing",
    "notices",
    "deadlines",
    "messaging",
    "reports",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "enforcement.urls"
WSGI_APPLICATION = "enforcement.wsgi.application"
ASGI_APPLICATION = "enforcement.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.shell",
            ],
            "builtins": ["core.templatetags.core_tags"],
            "libraries": {"notices_pdf": "notices.pdf.templatetags"},
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/enforcement")
try:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
except Exception as exc:  # django-environ raises several types for a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL={DATABASE_URL!r} is not a valid database URL: {exc}") from None
if DATABASES["default"]["HOST"].startswith("%2F"):  # a Unix socket folder, percent-encoded in the URL
    DATABASES["default"]["HOST"] = unquote(DATABASES["default"]["HOST"])
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...); other databases are unsupported.")
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DATABASE_TEST_NAME") or None}

# A read replica for dashboards and reports (see docs/scaling.md). Unset: everything reads the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    try:
        DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    except Exception as exc:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL is not a valid database URL: {exc}") from None
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache ------------------------------------------------------------------------------------------------------
# The cache holds counters that every process must share: the API sign-in throttle, the verification page's rate
# limit and the Celery worker's heartbeat. So it is never per-process memory: Redis when REDIS_URL is set, else a
# table in PostgreSQL (the embedded run of scripts/run.sh has no Redis); the table is created by core's migrations.
REDIS_URL = os.environ.get("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "core_cache"}}

# --- Authentication and sessions --------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Rejects nothing: revokes the user's API tokens whenever a changed password is saved, by any path.
    {"NAME": "accounts.passwords.RevokeApiTokensOnPasswordChange"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.views.csrf_failure"  # the court's page, in the user's language

# Login throttling: lock a (username, address) pair after repeated failures, so one person guessing is stopped while
# the rest of the court, often behind one NAT address, can still sign in; and lock the account itself, from every
# address, after more failures (AXES_ACCOUNT_FAILURE_LIMIT), so an attacker who rotates addresses is stopped too.
# The failures are rows in PostgreSQL (axes' database handler), so every web process counts the same attempts.
# A court administrator unlocks a user in the admin (Users, action "Unlock sign-in").
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
ENF_LOGIN_PAIR_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
ENF_LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("AXES_ACCOUNT_FAILURE_LIMIT", 20, minimum=1)
if ENF_LOGIN_ACCOUNT_FAILURE_LIMIT < ENF_LOGIN_PAIR_FAILURE_LIMIT:
    raise ImproperlyConfigured("AXES_ACCOUNT_FAILURE_LIMIT must be at least AXES_FAILURE_LIMIT.")
AXES_FAILURE_LIMIT = "accounts.lockout.failure_limit"  # one of the two limits above, per request (see there)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_VERBOSE = False

# --- Security headers -------------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if INSECURE_HTTP:
    SECURE_SSL_REDIRECT = False
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    SECURE_HSTS_SECONDS = 0
else:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy without 'unsafe-inline': every script and style is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Internationalisation ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media")))},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("ENF_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]
MEDIA_URL = "/media/"  # never served directly: files go out through views that check permissions
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ENF_ATTACHMENT_MAX_BYTES = env_int("ENF_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Each scan notifies a recipient in-app of this many of its new reminders one by one (the most urgent) and of the
# rest with one notification counting them (deadlines.services.NOTES_SQL), as the e-mail digest lists 50.
DEADLINES_NOTIFY_MAX_ITEMS = env_int("DEADLINES_NOTIFY_MAX_ITEMS", 50, minimum=1)
# Network inquiry (网络查控): the channel that carries exported batches out and result files in (inquiry/channels.py;
# docs/exchange.md). The default FileChannel writes each batch's ZIP to the outbox and reads results from the inbox.
INQUIRY_CHANNEL = env.str("INQUIRY_CHANNEL", default="inquiry.channels.FileChannel")
INQUIRY_OUTBOX_DIR = Path(env.str("INQUIRY_OUTBOX_DIR", default=str(VAR_DIR / "inquiry" / "outbox")))
INQUIRY_INBOX_DIR = Path(env.str("INQUIRY_INBOX_DIR", default=str(VAR_DIR / "inquiry" / "inbox")))
# Electronic case file (efile, docs/efile.md): scans and archive volumes live here, outside the web root; upload
# limits; the OCR languages (Tesseract models) and output (pdfa-2: each scan normalised to PDF/A-2b by OCRmyPDF).
EFILE_ROOT = Path(env.str("EFILE_ROOT", default=str(VAR_DIR / "efile")))
EFILE_MAX_UPLOAD_BYTES = env_int("EFILE_MAX_UPLOAD_BYTES", 50 * 1024 * 1024, minimum=1024)
EFILE_MAX_PAGES = env_int("EFILE_MAX_PAGES", 500, minimum=1)
EFILE_MAX_IMAGE_PIXELS = env_int("EFILE_MAX_IMAGE_PIXELS", 80_000_000, minimum=10_000)
EFILE_OCR_LANGUAGES = env.str("EFILE_OCR_LANGUAGES", default="chi_sim+eng")
EFILE_OCR_OUTPUT_TYPE = env.str("EFILE_OCR_OUTPUT_TYPE", default="pdfa-2")

# --- E-mail -----------------------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("DJANGO_EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "enforcement@court.invalid")

# --- Messages to parties (messaging; docs/messaging.md) -----------------------------------------------------------
SMS_BACKEND = os.environ.get("SMS_BACKEND", "messaging.backends.file.FileBackend")
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms" / "outbox.jsonl"))
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = env_secret("SMS_GATEWAY_TOKEN", "") or ""
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10, minimum=1)
SMS_SENDER_ID = os.environ.get("SMS_SENDER_ID", "")
SMS_INBOUND_TOKEN = env_secret("SMS_INBOUND_TOKEN", "") or ""  # the gateway's reply callback; empty = switched off
SMS_MAX_ATTEMPTS = env_int("SMS_MAX_ATTEMPTS", 5, minimum=1)
SMS_RETRY_BASE_SECONDS = env_int("SMS_RETRY_BASE_SECONDS", 30, minimum=1)
MESSAGING_LOOKBACK_HOURS = env_int("MESSAGING_LOOKBACK_HOURS", 24, minimum=1)

# --- Celery -----------------------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded default of the demo run: a broker that needs no server, in a local folder.
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # else kombu writes ./control in the working directory
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None  # task state that users see lives in the database, not in the broker
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# On a lost broker connection, stop the tasks that run with late acknowledgement: their messages go back to the
# queue and run again (every task is idempotent), instead of finishing with nobody left to acknowledge them
# (Celery 6's default; checked by bench/load/faults.py, which restarts Redis under load).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Health (core/health.py, /healthz): the worker writes its heartbeat every ENF_CELERY_HEARTBEAT_SECONDS; older than
# ENF_CELERY_HEARTBEAT_MAX_AGE (or beat's, sent every minute, older than ENF_BEAT_HEARTBEAT_MAX_AGE) is "degraded".
ENF_CELERY_HEARTBEAT_SECONDS = env_int("ENF_CELERY_HEARTBEAT_SECONDS", 15, minimum=1)
ENF_CELERY_HEARTBEAT_MAX_AGE = env_int("ENF_CELERY_HEARTBEAT_MAX_AGE", 90, minimum=ENF_CELERY_HEARTBEAT_SECONDS)
ENF_BEAT_HEARTBEAT_MAX_AGE = env_int("ENF_BEAT_HEARTBEAT_MAX_AGE", 180, minimum=60)

# --- REST API ---------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": "20/min"},
    "COERCE_DECIMAL_TO_STRING": True,
}
# API tokens (django-rest-knox, stored hashed in accounts.ApiToken): each lives API_TOKEN_TTL_HOURS from sign-in and
# is not extended by use; a user holds at most API_TOKEN_MAX_PER_USER (one per device; the oldest goes first).
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 12, minimum=1)
API_TOKEN_MAX_PER_USER = env_int("API_TOKEN_MAX_PER_USER", 10, minimum=1)
KNOX_TOKEN_MODEL = "accounts.ApiToken"
REST_KNOX = {
    "TOKEN_MODEL": KNOX_TOKEN_MODEL,
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",  # the header existing clients send: "Authorization: Token <key>"
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Court Enforcement Case Management API",
    "DESCRIPTION": (
        "REST API of the enforcement bureau system. Every resource the browser shows is served here.\n\n"
        "Sign in with POST /api/v1/auth/token/ (username, password, optional device name) and send the token as "
        "`Authorization: Token <token>`. A token expires (`expiry` in the answer; API_TOKEN_TTL_HOURS, 12 hours by "
        "default) and is not extended by use: sign in again. Signing in again with the same device name replaces "
        "that device's token. List your tokens at GET /api/v1/auth/tokens/, revoke one with DELETE "
        "/api/v1/auth/tokens/{key}/, all with DELETE /api/v1/auth/tokens/, the current one with DELETE "
        "/api/v1/auth/token/revoke/. A password change revokes every token."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],  # the schema maps the whole API
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a ``kind`` choice field; name each enum after its model's choices.
    "ENUM_NAME_OVERRIDES": {"PayoutKindEnum": "assets.models.PayoutKind",
                            "AgencyKindEnum": "inquiry.models.AgencyKind",
                            "InquiryChannelEnum": "inquiry.models.Channel",
                            "InquiryPurposeEnum": "inquiry.models.Purpose",
                            "InquiryMeasureEnum": "inquiry.models.Measure",
                            "MessageChannelEnum": "messaging.models.Channel",
                            "MessagePurposeEnum": "messaging.models.Purpose",
                            "MessageEventEnum": "messaging.models.EventKind",
                            # (credit)
                            "CreditMeasureKindEnum": "credit.models.MeasureKind",
                            "CreditMeasureStatusEnum": "credit.models.MeasureStatus",
                            "DishonestGroundEnum": "credit.models.DishonestGround",
                            "CreditRemovalGroundEnum": "credit.models.RemovalGround",
                            "CreditServiceMethodEnum": "credit.models.ServiceMethod",
                            "CreditPersonRoleEnum": "credit.models.PersonRole",
                            "CreditCorrectionStatusEnum": "credit.models.CorrectionStatus",
                            "CreditCorrectionChannelEnum": "credit.models.CorrectionChannel",
                            # objections and reconsideration
                            "ObjectionKindEnum": "review.models.ObjectionKind",
                            "ReviewSessionKindEnum": "review.models.SessionKind",
                            "ObjectionRulingOutcomeEnum": "review.models.RulingOutcome",
                            "ReconsiderationOutcomeEnum": "review.models.ReconsiderationOutcome",
                            "DelegationKindEnum": "delegation.models.Kind",
                            "DispatchKindEnum": "supervision.models.DispatchKind",
                            "DispatchStatusEnum": "supervision.models.TicketStatus",
                            "SupervisionOrderStatusEnum": "supervision.models.OrderStatus"},
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api.add_error_responses"],
}

# --- Logging ----------------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"}},
}

# --- Domain settings --------------------------------------------------------------------------------------------
# Deployment-wide defaults; per-court overrides live in the database (core.CourtSetting, see docs/configuration.md).
ENF_FONTS_DIR = os.environ.get("ENF_FONTS_DIR", str(VAR_DIR / "fonts"))
ENF_PUBLIC_BASE_URL = os.environ.get("ENF_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
# Where the QR code of an issued document points (the public verification page); a court may set its own
# (notices court setting verify_base_url).
NOTICES_VERIFY_BASE_URL = os.environ.get("NOTICES_VERIFY_BASE_URL", "") or ENF_PUBLIC_BASE_URL
# The passphrase that encrypts the courts' signing keys (signing app, docs/signing.md); SECRET_KEY when empty.
SIGNING_KEY_PASSPHRASE = os.environ.get("SIGNING_KEY_PASSPHRASE", "")
