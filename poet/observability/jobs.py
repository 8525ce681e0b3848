"""The request id follows the work: a task sent while a request (or a job) is in hand carries
its id in the message's headers, and the worker sets it while the task runs, so the job's log
lines carry the id of the request that started it. Only Celery's signals are used: the job code
(poet/services/jobs.py, poet/tasks.py) needs no change. Connected by `connect()` from
poet/celery.py; the worker's log lines get POET's format there too (`after_setup_logger`)."""

from __future__ import annotations

import logging
from contextvars import Token
from typing import Any

from celery import signals

from poet.observability.context import request_id, sane_request_id
from poet.observability.logs import RequestIdFilter, formatter
from poet.redaction import RedactTokens

HEADER = "poet_request_id"

_tokens: dict[str, Token[str]] = {}


def _publish(headers: dict[str, Any] | None = None, **_: Any) -> None:
    rid = request_id.get()
    if rid and headers is not None and HEADER not in headers:
        headers[HEADER] = rid


def _prerun(task_id: str = "", task: Any = None, **_: Any) -> None:
    rid = sane_request_id(getattr(getattr(task, "request", None), HEADER, None))
    if rid and task_id:
        _tokens[task_id] = request_id.set(rid)


def _postrun(task_id: str = "", **_: Any) -> None:
    token = _tokens.pop(task_id, None)
    if token is not None:
        try:
            request_id.reset(token)
        except ValueError:  # set in another context (a thread pool): forget it there
            request_id.set("")


def _worker_logging(logger: logging.Logger | None = None, **_: Any) -> None:
    """The worker's handlers (its --logfile or stderr) in POET's format, without tokens."""
    for handler in logger.handlers if logger is not None else []:
        handler.setFormatter(formatter())
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
            handler.addFilter(RedactTokens())


def connect() -> None:
    signals.before_task_publish.connect(_publish, weak=False, dispatch_uid="poet-request-id-out")
    signals.task_prerun.connect(_prerun, weak=False, dispatch_uid="poet-request-id-in")
    signals.task_postrun.connect(_postrun, weak=False, dispatch_uid="poet-request-id-done")
    signals.after_setup_logger.connect(_worker_logging, weak=False, dispatch_uid="poet-logs")
    signals.after_setup_task_logger.connect(
        _worker_logging, weak=False, dispatch_uid="poet-task-logs"
    )
