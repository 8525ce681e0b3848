"""The Celery app: configured from Django settings (CELERY_*); tasks live in each app's tasks.py.

Django is set up before anything else, so every `celery -A poet …` command (call, inspect, beat,
purge), not only the worker, can load the django-db result backend and the tasks' models. When
Django loads this module itself (`PoetConfig.ready`, while it is setting up) that is left alone.
"""

import os

import django
from celery import Celery
from django.apps import apps

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poet.settings")
if not apps.ready and not apps.loading:
    django.setup()

app = Celery("poet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id from the request that started a task, in its log lines; POET's log format.
from poet.observability import jobs as _observability  # noqa: E402

_observability.connect()
