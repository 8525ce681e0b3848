"""Log formats and filters shared by Django, gunicorn and the Celery worker (LOGGING in settings).

Every line has its time (UTC, ISO 8601), level, request id ("-" outside a request or job), the
logger and the message; the request line (`poet.access`) also carries method, path, status,
duration and user id as fields, which the JSON format (LOG_FORMAT=json) gives as keys.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from typing import Any

from poet.observability.context import request_id
from poet.redaction import redact

# Fields of the request line (and of job lines) that the JSON format gives as keys of their own.
FIELDS = (
    "method",
    "path",
    "status",
    "duration_ms",
    "user_id",
    "api_token",  # an API call's personal token, as "id:name" (never its secret)
    "job_id",
    "job_kind",
)


def log_format() -> str:
    """The log format: json when LOG_FORMAT=json, else plain."""
    return "json" if os.environ.get("LOG_FORMAT", "").strip().lower() == "json" else "plain"


def _time(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class RequestIdFilter(logging.Filter):
    """Stamp each record with the request id in hand (or "-"); never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id.get() or "-"
        return True


class PlainFormatter(logging.Formatter):
    """`2026-12-07T09:00:00.123Z INFO [request id] logger: message`, then any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        rid = getattr(record, "request_id", None) or request_id.get() or "-"
        line = f"{_time(record)} {record.levelname} [{rid}] {record.name}: {record.getMessage()}"
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line += "\n" + record.exc_text
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, request_id, message, the request line's
    fields when present, and `traceback` when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _time(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or request_id.get() or None,
            "message": redact(record.getMessage()),
        }
        for field in FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = redact(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["traceback"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["traceback"] = redact(record.exc_text)
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter() -> logging.Formatter:
    """The formatter LOG_FORMAT asks for (LOGGING's "()" factory, gunicorn and Celery)."""
    return JsonFormatter() if log_format() == "json" else PlainFormatter()


class UserErrorsQuiet(logging.Filter):
    """Expected user errors are not faults: Django's records of a 4xx answer (not found,
    permission denied, a bad or too-large upload, a disallowed host) come out at INFO (WARNING
    for the `django.security` ones: someone may be probing) and without a traceback, so only a
    real failure is an ERROR with its trace (and reaches error reporting)."""

    def filter(self, record: logging.LogRecord) -> bool:
        security = record.name.startswith("django.security")
        status = getattr(record, "status_code", None)
        if not security and not (isinstance(status, int) and 400 <= status < 500):
            return True
        level = logging.WARNING if security else logging.INFO
        if record.levelno > level:
            record.levelno, record.levelname = level, logging.getLevelName(level)
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True
