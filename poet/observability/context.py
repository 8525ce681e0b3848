"""The request id of the work in hand: set by the request middleware, or by a job's task from the
message that started it. A context variable, so threads and tasks never see each other's."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("poet_request_id", default="")

# An id from a proxy or client is believed only when it is short and plain: nothing that could
# break a log line or carry a token or personal data at length.
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")


def sane_request_id(candidate: str | None) -> str | None:
    """The candidate if it is usable as a request id, else None."""
    if candidate and _SANE.fullmatch(candidate):
        return candidate
    return None


def new_request_id() -> str:
    return uuid.uuid4().hex
