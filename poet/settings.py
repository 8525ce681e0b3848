"""Settings come from the environment (12-factor); unset values give the embedded default.

The embedded default is a SQLite file and in-process tasks, so `scripts/demo` needs no services.
Production sets DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis), SECRET_KEY, ALLOWED_HOSTS
and DEBUG=false.
"""

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
# Sessions, password-reset links and signed values rest on the secret key: outside development
# (DEBUG on) POET refuses to start without a real one rather than run on a key anyone can read.
DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"
PLACEHOLDER_SECRET_KEYS = {DEVELOPMENT_SECRET_KEY, "change-me-to-a-long-random-string"}
SECRET_KEY = env.str("SECRET_KEY", default="") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not DEBUG and (SECRET_KEY in PLACEHOLDER_SECRET_KEYS or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a long random string (at least 32 characters, for example the output "
        "of `python -c 'import secrets; print(secrets.token_urlsafe(50))'`): with DEBUG off POET "
        "does not start on a missing, short or example key."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "poet.admin_site.PoetAdminConfig",  # django.contrib.admin, behind the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_celery_results",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "poet",
    "surveys",
    "outcomes",
    "reports",
    "api",  # the JSON API and personal tokens, on top of every app
]

MIDDLEWARE = [
    # First: names the request (X-Request-ID), logs its line, answers /metrics (poet/observability).
    "poet.observability.requests.RequestLogMiddleware",
    # /livez and /readyz for probes: before the HTTPS redirect, host checks and sign-in.
    "poet.views.health.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface's language: the language cookie, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A signed-in person's saved interface language wins over the cookie and the browser.
    "poet.i18n.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A body larger than any upload is answered 413 before it is read (forms check their own).
    "poet.uploads.RequestSizeLimitMiddleware",
    "poet.two_factor.TwoFactorMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = env.str("ROOT_URLCONF", default="poet.urls")  # benchmarks add a floor view
WSGI_APPLICATION = "poet.wsgi.application"
ASGI_APPLICATION = "poet.asgi.application"

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
                "csp.context_processors.nonce",
                "poet.i18n.language_switch",
            ],
        },
    },
    {
        # Only for the questions of respondent pages (surveys/templatetags/questions.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "autoescape": True,
            "environment": "surveys.jinja2_environment.environment",
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Accounts: django-axes first, so a locked-out person is refused before their password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# 5 failed sign-ins for one username from one address -> that pair is locked for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "poet.views.two_factor.locked_out"
# Two-factor (django-otp TOTP): the name shown in authenticator apps.
OTP_TOTP_ISSUER = "POET"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
# The interface's languages (Welsh Language Standards: Welsh and English on equal terms). Every
# message of the product is in locale/cy; `scripts/messages` extracts and compiles them.
LANGUAGES = [
    ("en-gb", "English"),
    ("cy", "Cymraeg"),
]
# The languages a wave may offer its respondents (English always), each named in its own
# language on the start page; which run right to left comes from Django's
# get_language_info(code)["bidi"] (Urdu and Arabic here). Their questionnaire texts come from the
# wave's translations; the product's own words on respondent pages from the interface catalogue
# where there is one (Welsh).
RESPONDENT_LANGUAGES = [
    ("en-gb", "English"),
    ("cy", "Cymraeg"),
    ("ur", "اردو"),
    ("pl", "Polski"),
    ("pa", "ਪੰਜਾਬੀ"),
    ("bn", "বাংলা"),
    ("ar", "العربية"),
    ("ro", "Română"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Report and raw-answer files are deleted this many days after they were made (the job stays).
DOWNLOAD_KEEP_DAYS = env.int("DOWNLOAD_KEEP_DAYS", default=7)

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# E-mail: console locally, SMTP (EMAIL_URL=smtp+tls://user:pass@host:587) in production.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="POET <poet@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that does not answer within this many seconds counts as down (sending is tried
# again later, EMAIL_RETRY_MINUTES apart), rather than holding a worker for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
EMAIL_RETRY_MINUTES = env.list("EMAIL_RETRY_MINUTES", cast=int, default=[1, 5, 15, 30, 60])

# Security: secure by default whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_ENGINE = "poet.sessions"  # database sessions, read without the ORM (hot path)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# The header's language switch keeps its choice a year (signed-in people's is also saved).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)  # one working day
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): scripts only from this site or carrying the per-request
# nonce (`{{ CSP_NONCE }}`); style attributes allowed because templates and Plotly's SVG use them,
# but no inline <style> blocks or stylesheets from elsewhere. tests/poet/test_csp_browser.py proves
# the pages and a Plotly chart work under it.
# Plotly.js (static/vendor/plotly) inserts two <style> elements of fixed text: an empty one it fills
# through the CSSOM (allowed), and MapLibre's CSS at load. Only those exact texts are allowed; a
# Plotly upgrade that changes them fails tests/poet/test_security.py, which prints the new hash.
PLOTLY_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # "" (Plotly's rule sheet)
    "'sha256-ji27qzEtxXZW+7dun6UwjHXJ18e6WAin1VvNtkzIE/o='",  # MapLibre CSS in plotly.js 4.1.1
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "style-src-elem": [SELF, *PLOTLY_STYLE_HASHES],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Celery: unset broker -> tasks run in-process (eager); set -> a real worker consumes from Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Longer than the longest job, so an unacknowledged task is not redelivered while still running.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A job is stopped (and fails, saying so) before Redis would hand its unacknowledged message to
# another worker: the soft limit raises inside the work, the hard limit kills the process. By
# default the hard limit is at 90% of the visibility timeout, the soft one up to 5 minutes before.
_visibility = CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
CELERY_TASK_TIME_LIMIT = env.int("JOB_TIME_LIMIT", default=int(_visibility * 0.9))
CELERY_TASK_SOFT_TIME_LIMIT = env.int(
    "JOB_SOFT_TIME_LIMIT",
    default=CELERY_TASK_TIME_LIMIT - max(1, min(5 * 60, CELERY_TASK_TIME_LIMIT // 10)),
)
if not (CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < _visibility):
    raise ImproperlyConfigured(
        "Job time limits must satisfy JOB_SOFT_TIME_LIMIT < JOB_TIME_LIMIT < "
        "CELERY_VISIBILITY_TIMEOUT (seconds)."
    )
# A job whose worker died part-way runs again; after this many starts it fails instead.
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=3)
# A running job holds a lease its worker renews every third of this; a killed worker's job is
# queued again by the sweeper (every JOB_SWEEP_SECONDS) once the lease has lapsed, so it runs
# again within JOB_LEASE_SECONDS + JOB_SWEEP_SECONDS (poet/services/jobs.py).
JOB_LEASE_SECONDS = env.float("JOB_LEASE_SECONDS", default=60.0)
JOB_SWEEP_SECONDS = env.float("JOB_SWEEP_SECONDS", default=30.0)
# PostgreSQL's work_mem for a comparison's counting queries alone (one transaction): enough for
# their GROUP BYs to hash instead of sorting (issue 19). Per query process, parallel workers each.
POET_COUNTING_WORK_MEM = env.str("POET_COUNTING_WORK_MEM", default="64MB")
# A wave of at least POET_COUNTING_SHARED_FROM staff has its per-person process sums counted in
# shares on this many connections at once (PostgreSQL runs that one query on one process). On two
# cores two shares took 33 s instead of 45-49 s at a million staff but 10.7 s instead of 8.5 s at
# 300,000 (docs/benchmarks.md): the threshold lies between.
POET_COUNTING_CONNECTIONS = env.int("POET_COUNTING_CONNECTIONS", default=2)
POET_COUNTING_SHARED_FROM = env.int("POET_COUNTING_SHARED_FROM", default=500_000)
# A new comparison run's charts drawn by a background job as soon as it is stored, so its first
# PDF reads them like every later one (reports/services/charts.py); never where jobs run in-process.
POET_CHARTS_AHEAD = env.bool("POET_CHARTS_AHEAD", default=True)
# Workers and beat say they are alive this often; /readyz wants a worker seen within the max age.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=15.0)
WORKER_HEARTBEAT_MAX_AGE = env.float("WORKER_HEARTBEAT_MAX_AGE", default=90.0)
CELERY_TIMEZONE = TIME_ZONE
# Run by `celery -A poet beat`: daily reminders to staff who have not finished, and closing waves
# whose closing date has passed.
CELERY_BEAT_SCHEDULE = {
    # Every quarter of an hour: a reminder is due once the interval has passed since the last
    # e-mail, from SURVEY_REMINDER_HOUR onwards (the earliest time of day, never an extra day).
    "survey-reminders": {
        "task": "surveys.tasks.send_due_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "close-overdue-waves": {
        "task": "surveys.tasks.close_overdue_waves",
        "schedule": crontab(hour=0, minute=10),
    },
    "expire-old-downloads": {
        "task": "reports.tasks.expire_old_downloads",
        "schedule": crontab(hour=1, minute=30),
    },
    # Jobs started while Redis was down were kept, marked waiting; send them once it is back.
    "requeue-waiting-jobs": {"task": "poet.tasks.requeue_waiting_jobs", "schedule": 60.0},
    # Jobs whose worker was killed (their lease lapsed) are queued again, from the start.
    "requeue-stalled-jobs": {
        "task": "poet.tasks.requeue_stalled_jobs",
        "schedule": JOB_SWEEP_SECONDS,
        # A sweep not picked up before the next one is sent is worth nothing.
        "options": {"expires": JOB_SWEEP_SECONDS},
    },
    # Django's clearsessions (every respondent link makes a session row) and old heartbeats.
    "clear-expired": {"task": "poet.tasks.clear_expired", "schedule": crontab(hour=3, minute=20)},
}

# Staff survey: links in e-mails are absolute, so the site's public address is needed.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The site's own domain, after the @ of the Message-ID of every e-mail POET sends (not the
# machine's name, "localhost" in a container): SITE_DOMAIN, else SITE_URL's host.
SITE_DOMAIN = env.str("SITE_DOMAIN", default="") or urlsplit(SITE_URL).hostname or "localhost"
SURVEY_REMINDER_HOUR = env.int("SURVEY_REMINDER_HOUR", default=9)
SURVEY_REMINDER_INTERVAL_DAYS = env.int("SURVEY_REMINDER_INTERVAL_DAYS", default=7)
SURVEY_MAX_REMINDERS = env.int("SURVEY_MAX_REMINDERS", default=2)
# The open link's rate limits (surveys/rate_limits.py): people starting, and surveys sent, through
# one wave's open link in an hour, in all and from one address (staff of one organisation often
# share an address). Counted in the cache below.
OPEN_LINK_HOURLY_LIMIT = env.int("OPEN_LINK_HOURLY_LIMIT", default=600)
OPEN_LINK_HOURLY_LIMIT_PER_ADDRESS = env.int("OPEN_LINK_HOURLY_LIMIT_PER_ADDRESS", default=60)
# The API's rate limit per personal token (api/throttling.py): "calls/period", the period one of
# s, sec, m, min, h, hour, d, day, optionally with a number ("600/10m"). Counted in the cache below.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/min").replace(" ", "")
_rate = re.fullmatch(r"([1-9]\d*)/([1-9]\d*)?(s|sec|m|min|h|hour|d|day)", API_RATE_LIMIT)
if _rate is None:
    raise ImproperlyConfigured(
        f"API_RATE_LIMIT={API_RATE_LIMIT!r} is not a rate: write calls/period, e.g. 120/min "
        "(the period one of s, min, hour, day, optionally with a number: 600/10min)."
    )
# Proxies in front of POET that each append the address they saw to X-Forwarded-For (0: none, the
# address is the connection's). Only these are believed, never a header the client sets.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)

# The cache: Redis in production (CACHE_URL=redis://host:6379/1), so every web worker shares the
# rate-limit counters; this process's memory by default (development and tests).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Logs as an operator reads them (poet/observability/logs.py): one line per request from
# `poet.access` (method, path, status, duration, user id), every line with its time, level and
# request id; plain text, or one JSON object a line with LOG_FORMAT=json. Link tokens never reach a
# log (poet.redaction): the filter rewrites every record before a handler writes it, and the
# formatters redact again; gunicorn's logs: poet/gunicorn.conf.py, the worker's: poet/celery.py.
# Expected user errors (404, 403, a bad upload, a disallowed host) are INFO or WARNING, untraced.
_QUIET_USER_ERRORS = ["redact_tokens", "user_errors"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_tokens": {"()": "poet.redaction.RedactTokens"},
        "request_id": {"()": "poet.observability.logs.RequestIdFilter"},
        "user_errors": {"()": "poet.observability.logs.UserErrorsQuiet"},
    },
    "formatters": {
        "poet": {"()": "poet.observability.logs.formatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "poet",
            "filters": ["request_id", "redact_tokens", "user_errors"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": _QUIET_USER_ERRORS},
        # The development server's own request line repeats poet.access: only its problems.
        "django.server": {"level": "WARNING", "filters": _QUIET_USER_ERRORS},
        "poet.access": {"level": env.str("ACCESS_LOG_LEVEL", default="INFO")},
        # Django's refusals of odd requests (each its own logger, under django.security).
        **{
            f"django.security.{name}": {"filters": _QUIET_USER_ERRORS}
            for name in (
                "csrf",
                "DisallowedHost",
                "DisallowedRedirect",
                "RequestDataTooBig",
                "TooManyFieldsSent",
                "TooManyFilesSent",
                "SuspiciousOperation",
                "SuspiciousFileOperation",
                "SuspiciousMultipartForm",
                "SuspiciousSession",
            )
        },
    },
}

# Metrics for Prometheus at /metrics (poet/observability/metrics.py): for requests bearing
# `Authorization: Bearer <METRICS_TOKEN>` or from METRICS_ALLOWED_IPS (addresses or networks).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])

# Error reporting (Sentry's SDK) only when SENTRY_DSN is set; tokens and personal data scrubbed
# (poet/observability/sentry.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from poet.observability.sentry import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
