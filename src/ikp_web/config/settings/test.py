"""Tests: no external side effects, fast hashing, jobs run immediately in-process."""

from __future__ import annotations

import os

from ikp_web.config.settings.base import *  # noqa: F403
from ikp_web.config.settings.base import HUEY

SECRET_KEY = "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True, "huey_class": "huey.MemoryHuey"}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "INVALID_TEMPLATE_VARIABLE[%s]"  # noqa: F405
WHITENOISE_USE_FINDERS = True  # serve static files straight from the apps (no collectstatic)
STATIC_ROOT = BASE_DIR / "static"  # noqa: F405  (exists; tests never collectstatic)
# tests make many anonymous calls from one address; the rate-limit tests set their own
IKP_ANON_RATE_LIMIT = {"burst": 0, "per_minute": 0}
# parallel test runs on one PostgreSQL server (two checkouts, CI and a developer) would share
# "test_<name>"; IKP_TEST_DB_NAME gives each run its own test database
if _test_db := os.environ.get("IKP_TEST_DB_NAME"):
    DATABASES["default"].setdefault("TEST", {})["NAME"] = _test_db  # noqa: F405
