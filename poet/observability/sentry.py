"""Error reporting with Sentry's SDK, only when SENTRY_DSN is set (settings call `init_sentry`).

Nothing personal or secret leaves: `send_default_pii` is off (no cookies, no user names or
e-mail addresses, no request bodies), and `scrub_event` redacts link tokens from every text of
an event (URLs, messages, breadcrumbs, exception values, frames' variables) and keeps only the
user's id. Expected user errors never reach it (poet.observability.logs.UserErrorsQuiet), nor
the request lines (`poet.access`), which would double every error.
"""

from __future__ import annotations

from typing import Any

from poet.observability.context import request_id
from poet.redaction import REDACTED, redact

# Request parts that may hold a session, a CSRF token, a password or answers.
_DROPPED_REQUEST_KEYS = ("cookies", "data", "env")
_SECRET_HEADERS = {"authorization", "cookie", "x-csrftoken", "proxy-authorization"}


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def scrub_event(event: Any, hint: Any = None) -> Any:
    """The event without link tokens, cookies, bodies, secret headers or personal data."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in _DROPPED_REQUEST_KEYS:
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: (REDACTED if name.lower() in _SECRET_HEADERS else value)
                for name, value in headers.items()
            }
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    rid = request_id.get()
    if rid:
        event.setdefault("tags", {})["request_id"] = rid
    return _scrub(event)


def init_sentry(dsn: str, *, environment: str, traces_sample_rate: float, **options: Any) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.logging import ignore_logger

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        before_breadcrumb=lambda crumb, hint: _scrub(crumb),
        traces_sample_rate=traces_sample_rate,
        **options,
    )
    ignore_logger("poet.access")
