"""Test settings: production settings over plain HTTP, with fast password hashing."""

from poet.settings import *  # noqa: F403
from poet.settings import STORAGES

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
