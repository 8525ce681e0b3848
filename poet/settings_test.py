"""Test settings: production settings over plain HTTP, with fast password hashing."""

import os

# Set before poet.settings is read (it refuses a missing key with DEBUG off); processes the tests
# start inherit it.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-never-used-outside-the-test-suite")

from poet.settings import *  # noqa: E402, F403
from poet.settings import STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Django's test client signs in without a request, which django-axes refuses; the lockout tests
# switch it back on with override_settings(AXES_ENABLED=True).
AXES_ENABLED = False
