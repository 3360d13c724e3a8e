"""One settings file for every environment; everything that differs comes from the environment.

The defaults are the embedded set-up that `make run` uses: a SQLite file, a Celery broker kept
in a local folder (no server) and a file-based cache, all under ./var.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("TRACKER_VAR_DIR", default=str(BASE_DIR / "var")))
# The embedded defaults keep the database, broker queue, cache and uploads here.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)


def local_secret_key() -> str:
    """A random key made once per installation and kept in ./var, for when none is configured."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or local_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "django_filters",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "project.apps.ProjectConfig",
    "accounts",
    "notifications",
    "catalogue",
    "sharing",
    "requests_app",
    "releases",
    "planning",
    "partners",
    "reports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says otherwise (login, health check).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Every signed-in page shows some agency's requests or returned data: no browser or proxy keeps one.
    "project.middleware.no_store_when_signed_in",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

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
                "project.context_processors.roles",
                "project.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a worker process started by the tests can open it too.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    # The web server and the worker write to the same file: wait for locks instead of failing,
    # and let readers go on while a writer works.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    # Opening a PostgreSQL connection costs more than a whole dashboard page: keep each one for a
    # minute, checked before reuse, rather than opening one per request. (Not for SQLite: opening
    # a file is cheap, and the development server's thread per request would leave them open.)
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}

AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in, right password or not, while its username or address is locked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: anonymous users never hold object permissions
# Every password a person sets (the demo's is set by seed_demo alone, past these): not like their
# name, at least 12 characters (NCSC guidance), not one of 20,000 common passwords, not all digits,
# and not the demo's published one.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.PublishedPasswordValidator"},
]
# Failed sign-ins are counted per username and per address; at the limit either is locked for the
# cool-off time, or until the coordinator lifts the lock (Locked sign-ins page).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Its start-up banner would print on every manage.py command; lockouts are in the audit log.
AXES_VERBOSE = False
if env.bool("TRUST_X_FORWARDED_FOR", default=False):
    AXES_CLIENT_IP_CALLABLE = "accounts.throttling.forwarded_client_address"
# The coordinator and the DPO see every agency's data: with this on they give a code from an
# authenticator app at each sign-in (agency contacts may enrol one too). Off for `make run`'s demo.
TRACKER_REQUIRE_2FA = env.bool("TRACKER_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = "Migration data tracker"
# A password reset link works once, and for this long.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_HOURS", default=24) * 3600
# An invitation link (an agency contact choosing their first password) works once, and for this long.
TRACKER_INVITATION_DAYS = env.int("TRACKER_INVITATION_DAYS", default=7)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Plain names, no manifest: a page never fails for want of `collectstatic`. WhiteNoise serves the
# collected copies when there are some (the setup step makes them), else the files where they lie.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Uploaded returns are personal or sensitive: kept apart from static files, never served directly.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="tracker@localhost")
# The SMTP relay, for EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)

# --- Transport, headers and sessions --------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A session ends after this many minutes without a request; each request starts the count again.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
# Off in development (plain http on 127.0.0.1), on in production. Behind a proxy that terminates TLS,
# set TRUST_X_FORWARDED_PROTO so that Django knows which requests came in over https.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers ask for the health check over plain http.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
# No inline script or style anywhere: every script and style sheet is a static file of the tracker.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The tracker uses none of the browser's devices or sensors.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
}

# --- Celery -------------------------------------------------------------------------------
BROKER_FOLDER = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # Producer and worker must name the same folder for both directions.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_FOLDER / "queue"),
        "data_folder_out": str(BROKER_FOLDER / "queue"),
        "processed_folder": str(BROKER_FOLDER / "processed"),
        "control_folder": str(BROKER_FOLDER / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A task whose worker died unacknowledged is delivered again after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
# Protection of indicator tables has a queue of its own, served by its own worker, so that however
# many protections are queued or running, an agency's return is processed by the default queue's
# worker within moments of its upload. Everything else runs on the default queue.
CELERY_TASK_DEFAULT_QUEUE = "celery"
PROTECT_QUEUE = "protect"
CELERY_TASK_ROUTES = {"reports.tasks.protect_indicators": {"queue": PROTECT_QUEUE}}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The sweep that sends again the returns whose worker died or that never reached the broker runs
# this often (seconds); a return the broker never got is left to the send made at its upload for
# the grace before the sweep sends it. Together they bound how soon after a broker outage an
# upload is processed (a minute and a half by default).
TRACKER_RETURN_SWEEP_SECONDS = env.int("TRACKER_RETURN_SWEEP_SECONDS", default=60)
TRACKER_RETURN_UNSENT_GRACE_SECONDS = env.int("TRACKER_RETURN_UNSENT_GRACE_SECONDS", default=30)
# Every periodic task of the tracker is scheduled here, and only here; tests/project/test_celery.py
# checks that each name is a registered task.
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "catalogue.tasks.record_worker_heartbeat",
        "schedule": 60.0,
    },
    "requeue-stale-returns": {
        "task": "requests_app.tasks.requeue_stale_returns",
        "schedule": float(TRACKER_RETURN_SWEEP_SECONDS),
    },
    "refresh-agreements": {
        "task": "sharing.tasks.refresh_agreements",
        "schedule": crontab(hour=6, minute=15),
    },
    "send-request-chasers": {
        "task": "requests_app.tasks.send_request_chasers",
        "schedule": crontab(hour=7, minute=30),
    },
    "remind-public-releases-due": {
        "task": "planning.tasks.remind_public_releases_due",
        "schedule": crontab(hour=6, minute=0),
    },
}

# --- The tracker ---------------------------------------------------------------------------
# Counts below this are never shown in outputs (overridable per request and per agreement).
TRACKER_REPORTING_THRESHOLD = env.int("TRACKER_REPORTING_THRESHOLD", default=10)
# Published counts are rounded to a multiple of this (e.g. 5), or not at all when 0. One policy for
# every output: a rounded and an unrounded view of the same counts could be read against each other.
TRACKER_ROUNDING = env.int("TRACKER_ROUNDING", default=0) or None
# A source whose live returns hold more counts (observations) than this is protected by the worker
# only, never while someone waits for a page: the page counts them from the returns, without reading
# a table. See README.
TRACKER_INDICATORS_INLINE_COUNTS = env.int("TRACKER_INDICATORS_INLINE_COUNTS", default=100)
TRACKER_UPLOAD_MAX_BYTES = env.int("TRACKER_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)
# Two engagements with the same community closer together than this many days are flagged in the Stage 3
# register: people asked too often stop answering (the toolkit calls it consultation fatigue).
TRACKER_ENGAGEMENT_GAP_DAYS = env.int("TRACKER_ENGAGEMENT_GAP_DAYS", default=42)
# Agencies get a reminder this many working days before a request is due.
TRACKER_REMINDER_WORKING_DAYS = env.int("TRACKER_REMINDER_WORKING_DAYS", default=5)
# Links in emails point here.
TRACKER_BASE_URL = env.str("TRACKER_BASE_URL", default="http://127.0.0.1:8000")

# --- Bounded ingestion: what one file may ask of a worker, and how lost work is found again ----
# The reader's caps (requests_app/ingest/read/limits.py), sized so that every real return passes:
# rows for a CSV filling the upload limit (more than an Excel sheet holds), columns for any
# cross-tabulation, cells for a million-row return.
TRACKER_INGEST_MAX_ROWS = env.int("TRACKER_INGEST_MAX_ROWS", default=1_500_000)
TRACKER_INGEST_MAX_COLUMNS = env.int("TRACKER_INGEST_MAX_COLUMNS", default=2_000)
TRACKER_INGEST_MAX_CELLS = env.int("TRACKER_INGEST_MAX_CELLS", default=9_000_000)
# A workbook's zip: what it may unpack to, how much tighter than usual it may be packed, its parts.
TRACKER_INGEST_MAX_UNPACKED_MB = env.int("TRACKER_INGEST_MAX_UNPACKED_MB", default=1024)
TRACKER_INGEST_MAX_RATIO = env.int("TRACKER_INGEST_MAX_RATIO", default=100)
TRACKER_INGEST_MAX_PARTS = env.int("TRACKER_INGEST_MAX_PARTS", default=2_000)
# One return's processing ends with a "too large or too complex" report after this long.
TRACKER_RETURN_TIME_LIMIT_SECONDS = env.int("TRACKER_RETURN_TIME_LIMIT_SECONDS", default=105)
# A worker holds the return it processes by a lease it renews every third of this long; a lease
# that runs out means the worker was killed, and the return is sent again (services/leases.py).
TRACKER_RETURN_LEASE_SECONDS = env.int("TRACKER_RETURN_LEASE_SECONDS", default=60)
# A return that has stopped its worker this many times is refused, not sent again.
TRACKER_RETURN_MAX_ATTEMPTS = env.int("TRACKER_RETURN_MAX_ATTEMPTS", default=3)
# A worker process grown past this (KiB) after a task is replaced by a fresh one.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=1024 * 1024)
# No worker process may grow by more than this (MB of address space) at all: one file cannot take
# the machine.
TRACKER_WORKER_MEMORY_LIMIT_MB = env.int("TRACKER_WORKER_MEMORY_LIMIT_MB", default=4096)
# /monitoring/ (queue lengths, returns by state) answers `Authorization: Bearer <this>` as well as
# signed-in coordinators; unset, only coordinators.
TRACKER_MONITORING_TOKEN = env.str("TRACKER_MONITORING_TOKEN", default="")

# --- The API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    # Requests per token (per person in the browser): a nightly export or a BI refresh stays well inside.
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_RATE", default="600/minute")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemsSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Migration data tracker API",
    "DESCRIPTION": "The tracker's catalogue, requests, agreements, reports and notifications, as the pages allow.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI and ReDoc come from the tracker's own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "YesNoEnum": "requests_app.models.ChecklistAnswer.YesNo",
        "RequestStatusEnum": "requests_app.models.Status",
        "ReturnStatusEnum": "requests_app.models.Return.Status",
    },
}

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Each task's start, end and failure with the ids it works on (project/celery.py). Its own
        # level, so the lines are kept in a worker started with a quieter --loglevel for Celery's own.
        "tracker.tasks": {"level": LOG_LEVEL},
    },
}
