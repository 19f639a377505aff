"""Settings. Everything that differs between a laptop and production comes from the
environment (see docs/production.md)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # pytest sets PYTEST_VERSION; anything else without DEBUG is production.
    if not DEBUG and not os.environ.get("PYTEST_VERSION"):
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off (see docs/production.md)")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "django_prometheus",
    "django_tasks_db",
    "yhdyspinta.areas",
    "yhdyspinta.web",
    "yhdyspinta.parties",
    "yhdyspinta.bodies",
    "yhdyspinta.meetings",
    "yhdyspinta.consultations",
    "yhdyspinta.obligations",
    "yhdyspinta.nominations",
    "yhdyspinta.programme",
    "yhdyspinta.indicators",
    "yhdyspinta.clock",
    "yhdyspinta.agreements",
    "yhdyspinta.communications",
    "yhdyspinta.accounts",
    "yhdyspinta.reports",
    "yhdyspinta.outreach",
    "yhdyspinta.overview",
    "yhdyspinta.national",
    "yhdyspinta.register",
    "yhdyspinta.api",
    "ninja",
    "yhdyspinta.demo",
]

MIDDLEWARE = [
    # Prometheus' counters (django-prometheus) around everything, then the request's id
    # and its JSON log line (web.request_log).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "yhdyspinta.web.request_log.RequestLog",
    "django.middleware.security.SecurityMiddleware",
    "yhdyspinta.api.middleware.ApiConditionalGetMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yhdyspinta.areas.middleware.FinnishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A write while one area's page is served renews only that area's public pages.
    "yhdyspinta.web.public_cache.AreaScope",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "yhdyspinta.accounts.middleware.IdleTimeoutMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with its own page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "yhdyspinta.urls"
WSGI_APPLICATION = "yhdyspinta.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yhdyspinta.accounts.context_processors.access",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL selects PostgreSQL in CI and production.
DEFAULT_SQLITE = BASE_DIR / "var" / "yhdyspinta.sqlite3"
if "DATABASE_URL" not in os.environ:
    DEFAULT_SQLITE.parent.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # A write transaction takes the write lock when it begins, so a second writer
        # waits its turn (up to the timeout) instead of failing with "database is locked"
        # when its read turns into a write; in WAL mode readers never wait for a writer.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "home"

# Logins: django-axes counts failures and locks the user name out for a while.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
# By user name only: a whole town hall often shares one public address, and one person's
# typos must not lock out every colleague (hence axes.W006 is silenced).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The addresses (or networks) of our own proxies, e.g. "127.0.0.1" for nginx on the same
# host. Only a request from one of them has its X-Forwarded-For read, and only past our
# own proxies: whatever a client writes into the header itself is not believed (the use
# log, the login lockout and the API's rate limit read the same address).
TRUSTED_PROXIES = [
    proxy.strip() for proxy in os.environ.get("TRUSTED_PROXIES", "").split(",") if proxy.strip()
]
AXES_CLIENT_IP_CALLABLE = "yhdyspinta.accounts.use_log.client_ip"

# Sessions end after this many idle minutes (and at the latest after a working day).
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = 10 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# A personal calendar link is valid this many days (the owner's page shows a fresh one).
CALENDAR_LINK_DAYS = int(os.environ.get("CALENDAR_LINK_DAYS", "365"))
# An invitation link is valid this many days, once.
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "7"))
PASSWORD_RESET_TIMEOUT = 2 * 60 * 60
# The use log (logins, role changes, views and exports of people's data) is kept this long.
USE_LOG_RETENTION_DAYS = int(os.environ.get("USE_LOG_RETENTION_DAYS", str(2 * 365)))

# Single sign-on by OpenID Connect (e.g. Entra ID), configured only from the environment.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("yhdyspinta.accounts.oidc.PersonEmailBackend")
    OIDC_RP_CLIENT_SECRET = os.environ["OIDC_CLIENT_SECRET"]
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["OIDC_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["OIDC_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["OIDC_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_JWKS_ENDPOINT", "")
    OIDC_RP_SCOPES = "openid email profile"
    # The provider's issuer as its ID tokens name it (Entra ID:
    # https://login.microsoftonline.com/<tenant>/v2.0); any other is refused.
    OIDC_ISSUER = os.environ["OIDC_ISSUER"]
    # Believe the e-mail without the provider's email_verified claim (an organisation's
    # own tenant, whose addresses are its own); otherwise the claim must say true.
    OIDC_TRUST_EMAIL = env_bool("OIDC_TRUST_EMAIL", False)
    # RP-initiated logout: logging out ends the provider's session too.
    OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_LOGOUT_ENDPOINT", "")
    OIDC_STORE_ID_TOKEN = True
    OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "Entra ID")
    # An account is created only for a person the area already knows (accounts.oidc).
    OIDC_CREATE_USER = True
    LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

# Uploaded files live in MEDIA_ROOT and are never served from it directly: every file
# goes through a view that checks the permission of its row (yhdyspinta.core.files).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/_files/"  # not routed: a FileField's .url is never a working address
# The largest upload accepted (bytes); the proxy's client_max_body_size should match.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# A form's fields (files apart) may take this many bytes: a megabyte of text in any script
# (six bytes a character once form-encoded) reaches the form, whose fields then say in
# Finnish what is too long and keep what was typed, instead of a bare 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# In production nginx sends the bytes: the internal location that maps to MEDIA_ROOT,
# e.g. "/protected-files/" (docs/security.md). Empty: Django sends them.
FILES_ACCEL_REDIRECT = os.environ.get("FILES_ACCEL_REDIRECT", "")

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Tests and `make run` serve static files straight from the app folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# E-mail: the console by default; SMTP when EMAIL_HOST is set (Django 6.1 MAILERS).
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                # A server that accepts and then hangs must not hold the only worker
                # (and the imports queued behind it): the attempt fails and is retried.
                "timeout": int(os.environ.get("EMAIL_TIMEOUT", "20")),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
# Outgoing mail goes through the outbox (communications) and the task worker:
# `manage.py db_worker` (make run starts it beside the web server).
# Two queues: "mail" (the outbox) and "default" (imports, documents). Production runs a
# worker for each (deploy/systemd), so that neither waits behind the other; `make run`
# runs one worker for both.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "mail"]}}
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "5"))
# A message left "sending" this long belongs to a worker that died: it is sent again.
OUTBOX_STALE_SECONDS = int(os.environ.get("OUTBOX_STALE_SECONDS", "600"))
# /health/ reports a problem (503) when a due task has waited this long (no worker
# works its queue) or a message has been queued this long (the mail server stalls).
HEALTH_QUEUE_LAG_SECONDS = int(os.environ.get("HEALTH_QUEUE_LAG_SECONDS", "300"))
HEALTH_OUTBOX_LAG_SECONDS = int(os.environ.get("HEALTH_OUTBOX_LAG_SECONDS", "1800"))
# Public forms (forum registrations, letter subscriptions) one connection may send in an
# hour.
FORUM_REGISTRATIONS_PER_HOUR = int(os.environ.get("FORUM_REGISTRATIONS_PER_HOUR", "20"))
# Messages a public form (forum registration, letter subscription) sends one e-mail
# address in an hour.
PUBLIC_FORM_MESSAGES_PER_ADDRESS = int(os.environ.get("PUBLIC_FORM_MESSAGES_PER_ADDRESS", "3"))
# Sotkanet imports run on the worker too. The largest import file accepted (bytes); the
# proxy's client_max_body_size for the upload page should match.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
# A running import whose worker has not been heard of for this long is marked failed.
IMPORT_STALE_SECONDS = int(os.environ.get("IMPORT_STALE_SECONDS", "60"))
# A document whose worker has not finished it in this long is shown as failed.
DOCUMENT_STALE_SECONDS = int(os.environ.get("DOCUMENT_STALE_SECONDS", "600"))
# The open API's rate limits: per anonymous client address, and per token.
API_ANONYMOUS_RATE = os.environ.get("API_ANONYMOUS_RATE", "120/m")
API_TOKEN_RATE = os.environ.get("API_TOKEN_RATE", "1200/m")
# Progress of imports, shared by the worker and the web processes: a file cache on one
# host (point PROGRESS_CACHE_DIR at a shared directory, or use Redis, across hosts).
# The default cache holds what every app server must agree on (the API's rate limits):
# a table in the one database, so that a request may land on any server. Its table is
# made by `manage.py createcachetable` (make run does it; so does the test database).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "yhdyspinta_cache",
        # The public pages of every area in two languages, the feeds and a rate-limit
        # count per client: Django's default of 300 entries would cull them at once.
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    "progress": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("PROGRESS_CACHE_DIR", str(BASE_DIR / "var" / "progress")),
    },
}

# Public pages and anonymous API answers are kept between writes, at most this long
# (web.public_cache); 0 turns it off.
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "300"))

# Absolute links in e-mails and calendar entries.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "yhdyspinta@example.org")

# pytest talks plain HTTP to the test client and to a live server whose middleware is
# built once; the deploy check runs in a subprocess with the production environment.
TESTING = bool(os.environ.get("PYTEST_VERSION"))
if not DEBUG and not TESTING:
    SECURE = env_bool("SECURE_COOKIES", True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE
    if SECURE:
        # Served over HTTPS only, behind the TLS proxy that sets X-Forwarded-Proto.
        SECURE_SSL_REDIRECT = True
        # Prometheus and a monitor on this host ask gunicorn directly, over plain HTTP.
        SECURE_REDIRECT_EXEMPT = [r"^metrics$", r"^health/"]
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 60 * 60)))
        SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
        SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)

# Content-Security-Policy (Django's own): only the app's own scripts, styles and images;
# no inline script or style anywhere; stored files get a stricter one (files.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Logs on standard output: JSON lines in production (LOG_FORMAT=json, the default when
# DEBUG is off) for the installation's log collection, each with the request's id
# (web.request_log); text in development.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "yhdyspinta.core.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # Django's own (its task signals' lines among them) once, in this format: Django's
        # default handler would print them a second time beside the root's.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # pyHanko warns with a traceback for every signature it cannot trust; the app
        # records and shows that outcome itself (agreements.signatures).
        "pyhanko": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # The use log as JSON lines, for the installation's log collection.
        "yhdyspinta.use": {
            "handlers": ["console"],
            "level": os.environ.get("USE_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
        # A line per request (runserver writes its own in development).
        "yhdyspinta.request": {
            "handlers": ["console"],
            "level": os.environ.get("REQUEST_LOG_LEVEL", "WARNING" if DEBUG else "INFO"),
            "propagate": False,
        },
    },
}

# Prometheus metrics (django-prometheus) at /metrics, for operators only: answered only
# to a connection from these addresses (the monitoring host, or Prometheus on this host;
# nginx does not pass /metrics on). With several gunicorn workers set
# PROMETHEUS_MULTIPROC_DIR (deploy/systemd/yhdyspinta-web.service).
METRICS_ADDRESSES = [
    address.strip()
    for address in os.environ.get("METRICS_ADDRESSES", "127.0.0.1,::1").split(",")
    if address.strip()
]

# Errors reported to Sentry (or a compatible service) when SENTRY_DSN is set; no
# personal data is sent: no user, no request body, no frame's local variables.
if os.environ.get("SENTRY_DSN"):
    import sentry_sdk

    sentry_sdk.init(
        dsn=os.environ["SENTRY_DSN"],
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        data_collection={"user_info": False, "http_bodies": [], "stack_frame_variables": False},
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
