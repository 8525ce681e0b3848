"""Settings of the journey's Celery worker: the test settings, with e-mails written to files.

The worker is another process, so the test settings' in-memory outbox would stay in it; the
journey reads the invitation e-mails from JOURNEY_MAIL_DIR instead.
"""

import os

from poet.settings_test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["JOURNEY_MAIL_DIR"]
