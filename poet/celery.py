"""The Celery app: configured from Django settings (CELERY_*); tasks live in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poet.settings")

app = Celery("poet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id from the request that started a task, in its log lines; POET's log format.
from poet.observability import jobs as _observability  # noqa: E402

_observability.connect()
