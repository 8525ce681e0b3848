"""One line per request, the request id, and /metrics: the outermost middleware.

It takes the id a proxy sent in X-Request-ID when it is sane (else makes one), returns it in the
response's X-Request-ID, keeps it in hand for every log line and job of the request, and writes
`poet.access`: method, path (tokens redacted), status, duration and the signed-in user's id (and
the fields a view put in `request.access_log_fields`: the API's token id and name). It
also answers /metrics itself, before host checks, HTTPS redirects and sign-in, to whoever
`poet.observability.metrics.may_read_metrics` lets in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from poet.observability import metrics
from poet.observability.context import new_request_id, request_id, sane_request_id
from poet.redaction import redact

access_log = logging.getLogger("poet.access")

HEADER = "X-Request-ID"
# Answered every few seconds to load balancers, orchestrators and Prometheus: logged at DEBUG
# when all is well (LOG_LEVEL=DEBUG shows them), like any request when not.
QUIET_PATHS = frozenset({metrics.METRICS_PATH, "/livez", "/readyz", "/livez/", "/readyz/"})


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, or None; never an error (the database may be what failed)."""
    try:
        user = getattr(request, "user", None)  # set by AuthenticationMiddleware, if reached
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return user.pk
    except Exception:
        return None


class RequestLogMiddleware:
    """Name each request, log it in one line when answered, and count it for Prometheus."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = sane_request_id(request.headers.get(HEADER)) or new_request_id()
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            if request.path_info == metrics.METRICS_PATH:
                response = metrics.metrics_response(request)
            else:
                response = self.get_response(request)
            response[HEADER] = rid
            self._log(request, response, time.perf_counter() - started)
            return response
        finally:
            request_id.reset(token)

    def _log(self, request: HttpRequest, response: HttpResponse, seconds: float) -> None:
        status = response.status_code
        user_id = _user_id(request)
        path = redact(request.path)
        duration_ms = round(seconds * 1000, 1)
        level = logging.ERROR if status >= 500 else logging.INFO
        if status < 300 and request.path_info in QUIET_PATHS:
            level = logging.DEBUG  # a probe or a scrape every few seconds is not news
        # What a view adds about how the caller signed in (the API: which personal token, by id
        # and name, never the token itself), as more fields of the same line.
        more = getattr(request, "access_log_fields", None) or {}
        access_log.log(
            level,
            "%s %s %s %sms user=%s" + "".join(f" {key}=%s" for key in more),
            request.method,
            path,
            status,
            duration_ms,
            user_id if user_id is not None else "-",
            *more.values(),
            extra={
                "method": request.method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
                "user_id": user_id,
                **more,
            },
        )
        metrics.observe_request(request, status, seconds)
