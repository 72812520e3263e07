"""ml-connector settings, read from the environment (and an optional `.env`).

Every variable is listed in the README's "Configuration" section. Defaults are the embedded
single-machine setup: SQLite under DATA_DIR, django-q2's ORM broker. Setting DATABASE_URL and
REDIS_URL moves to PostgreSQL and the Redis broker without code changes.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-secret-key-" + "x" * 40

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where this connector is reachable. Demo connections reach the sandbox at SITE_URL + /sandbox/...,
# and webhook subscriptions point Walmart at SITE_URL + /webhooks/walmart/<slug>/.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The emulators of Walmart and the ERPs (sandbox/). On for the demo and the tests; off in production.
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_q",
    "import_export",
    "audit",
    "connectors",
    "mappings",
    "syncs",
    "sandbox",
    "sandbox.walmart",
    "sandbox.walmart_listings",
    "sandbox.ifs_cloud",
    "sandbox.infor_cloudsuite",
    "sandbox.infor_m3",
    "sandbox.peoplesoft",
    "sandbox.exact_online",
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
    "sandbox.middleware.SandboxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite: WAL, IMMEDIATE transactions and a busy timeout, so several processes (web, qcluster)
# share the file without "database is locked" (see engineering-anchors B5).
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA busy_timeout=20000;"
    "PRAGMA temp_store=MEMORY;"
)
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": SQLITE_PRAGMAS,
            },
        }
    }
IS_SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and task broker --------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A database cache is shared by the web and worker processes (django-q2 keeps its cluster
    # statistics there); a per-process memory cache would not be.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "ml_cache"}}

# django-q2 is an at-least-once trigger; our own tables own retries (DESIGN §6):
# timeout < retry, max_attempts 1, ack_failures on, no catch-up bursts after downtime.
Q_CLUSTER = {
    "name": env.str("Q_CLUSTER_NAME", default="ml-connector"),
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": env.int("Q_TIMEOUT", default=300),
    "retry": env.int("Q_RETRY", default=360),
    "max_attempts": 1,
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 500,
    "poll": 0.5,
    "label": "Tasks",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
if Q_CLUSTER["timeout"] >= Q_CLUSTER["retry"]:
    raise ImproperlyConfigured("Q_TIMEOUT must be below Q_RETRY, or django-q2 runs tasks twice.")

# --- Credentials encryption -------------------------------------------------------------------
# FERNET_KEYS: comma-separated; the first encrypts, all decrypt. Rotation: put a new key first,
# run `manage.py rekey`, then drop the old key. Never derived from SECRET_KEY in production.
FERNET_KEYS = env.list("FERNET_KEYS", default=[])
if not FERNET_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("FERNET_KEYS must be set when DEBUG is off (see README, Configuration).")
    # Development only: a key kept beside the SQLite file so the demo survives restarts.
    _dev_key_file = DATA_DIR / "dev-fernet.key"
    if not _dev_key_file.exists():
        from cryptography.fernet import Fernet

        _dev_key_file.write_text(Fernet.generate_key().decode())
    FERNET_KEYS = [_dev_key_file.read_text().strip()]
FERNET_USE_HKDF = True

# --- Auth, i18n, static -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"
LOGIN_URL = "admin:login"

# --- Security (production defaults; relaxed only with DEBUG or explicit env) -------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading commits the whole registrable domain to HTTPS in browsers for months: the domain
# owner's decision (SECURE_HSTS_PRELOAD=true), not a default; so check --deploy does not warn about it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# /healthz must answer plain HTTP probes from a load balancer even behind SSL redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Connector behaviour ----------------------------------------------------------------------
# Default outbound HTTP timeouts (connect, read) in seconds; a connection's config may override.
HTTP_CONNECT_TIMEOUT = env.float("HTTP_CONNECT_TIMEOUT", default=5.0)
HTTP_READ_TIMEOUT = env.float("HTTP_READ_TIMEOUT", default=30.0)
# Audit every outbound call ("all"), only failed ones ("errors"), or none.
AUDIT_HTTP_CALLS = env.str("AUDIT_HTTP_CALLS", default="all")
# How long a worker may wait for the shared rate limiter before giving the call back as "retry later".
RATE_LIMIT_MAX_WAIT = env.float("RATE_LIMIT_MAX_WAIT", default=10.0)
# Webhook intake: the largest body accepted, and deliveries per minute per source address (0 = no cap).
WEBHOOK_MAX_BYTES = env.int("WEBHOOK_MAX_BYTES", default=1_000_000)
WEBHOOK_RATE_PER_MINUTE = env.int("WEBHOOK_RATE_PER_MINUTE", default=1200)
# Posting into an ERP: a worker's claim on an order lasts this long and is renewed while the call
# runs; a killed worker's claim expires after it and the order is reconciled (find_document) first.
POSTING_LEASE_SECONDS = env.int("POSTING_LEASE_SECONDS", default=120)
# A worker heartbeat older than this makes /healthz answer 503.
HEARTBEAT_MAX_AGE = env.int("HEARTBEAT_MAX_AGE", default=180)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "connectors.redact.RedactingFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Our handler only: Django's own console handler would print every error a second time.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
    },
}
