"""Settings shared by every environment. Domain constants live in ikp_web.config.constants."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from ikp_web.config.env import env_int, env_str

BASE_DIR = Path(__file__).resolve().parents[2]  # src/ikp_web
VAR_DIR = Path(env_str("IKP_VAR_DIR") or Path.cwd() / "var")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "huey.contrib.djhuey",
    "ikp_web.apps.core",
    "ikp_web.apps.accounts",
    "ikp_web.apps.regions",
    "ikp_web.apps.frameworks",
    "ikp_web.apps.submissions",
    "ikp_web.apps.scoring",
    "ikp_web.apps.dashboards",
    "ikp_web.apps.api",
    "ikp_web.apps.incidents",
    "ikp_web.apps.alerts",
    "ikp_web.apps.live",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ikp_web.apps.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "ikp_web.apps.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "ikp_web.config.urls"
WSGI_APPLICATION = "ikp_web.config.wsgi.application"

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
                "ikp_web.apps.core.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ikp.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # several writers (web workers, two job threads): wait for the lock instead of failing with
    # "database is locked", take it when a transaction starts (no deadlock on upgrading a read),
    # and write-ahead logging so that readers never wait for a writer
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "dashboards:home"

# login throttling (django-axes): lock a username+IP after 5 failures for 15 minutes
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# background jobs: huey on SQLite by default, Redis when REDIS_URL is set
_redis = env_str("REDIS_URL")
if _redis:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "ikp", "url": _redis, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "ikp",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }

# Django's caches: "default" (computed results of published computations, API rows, rate
# limits) and "pages" (the public pages as anonymous visitors see them, per published snapshot:
# ikp_web.apps.dashboards.page_cache). Local memory in each process unless IKP_CACHE_URL names a
# shared one (redis://127.0.0.1:6379/1).
_cache_url = env_str("IKP_CACHE_URL")
CACHES = {
    alias: (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": f"ikp-{alias}",
        }
        if _cache_url
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"ikp-{alias}",
            "OPTIONS": {"MAX_ENTRIES": 500 if alias == "pages" else 300},
        }
    )
    for alias in ("default", "pages")
}
#: seconds a public page is kept at most (a new publication changes its key at once)
IKP_PAGE_CACHE_SECONDS = env_int("IKP_PAGE_CACHE_SECONDS", 600)

#: seconds without a heartbeat after which a running job counts as stopped (its worker died)
IKP_JOB_HEARTBEAT_TIMEOUT = env_int("IKP_JOB_HEARTBEAT_TIMEOUT", 600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"expected_refusals": {"()": "ikp_web.apps.core.logging.ExpectedRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        # a 403 is logged as one line, without a traceback (templates/403.html explains it)
        "django.request": {"filters": ["expected_refusals"], "propagate": True},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "WARNING"},
}

# Anonymous calls to the expensive endpoints (GeoJSON, downloads): a token bucket per address
# (``ikp_web.apps.api.throttle``): IKP_ANON_BURST calls at once, then IKP_ANON_PER_MINUTE a
# minute; 429 with Retry-After beyond. A burst of 0 turns it off.
IKP_ANON_RATE_LIMIT = {
    "burst": env_int("IKP_ANON_BURST", 20),
    "per_minute": env_int("IKP_ANON_PER_MINUTE", 30),
}

# Incident reports (``ikp_web.apps.incidents``): two reports of the same indicator at the same
# place (kab/kota, or kecamatan when both give one) within this many hours are flagged to the
# reviewer as likely duplicates; the public report form takes IKP_PUBLIC_REPORT_BURST reports
# at once from one address, then IKP_PUBLIC_REPORT_PER_HOUR an hour, and refuses a form sent
# faster than IKP_PUBLIC_REPORT_MIN_SECONDS after it was shown (a spam guard).
IKP_INCIDENT_DUPLICATE_HOURS = env_int("IKP_INCIDENT_DUPLICATE_HOURS", 72)
# Who verifies a report made inside a kab/kota (docs/adr/0007-incident-review-level.md):
# "province" (default): the province office of its province or Bawaslu RI; the kab/kota office
# sees its reports but does not verify them. "regency": the kab/kota office may also review the
# reports in its kab/kota. In both, nobody reviews a report they submitted (four-eyes).
IKP_INCIDENT_REVIEW_LEVEL = env_str("IKP_INCIDENT_REVIEW_LEVEL", "province")
IKP_PUBLIC_REPORT_RATE = {
    "burst": env_int("IKP_PUBLIC_REPORT_BURST", 5),
    "per_hour": env_int("IKP_PUBLIC_REPORT_PER_HOUR", 10),
}
IKP_PUBLIC_REPORT_MIN_SECONDS = env_int("IKP_PUBLIC_REPORT_MIN_SECONDS", 5)

# The site's public address, without a trailing slash: absolute links where there is no request
# to take the host from (alert e-mails, the digest, webhook payloads' ``url``). Set it to the
# address users open, e.g. IKP_SITE_URL=https://ikp.bawaslu.go.id
IKP_SITE_URL = (env_str("IKP_SITE_URL") or "http://127.0.0.1:8000").rstrip("/")
