"""The API's rate limit: at most API_RATE_LIMIT calls per personal token ("120/min" by default).

Counted in Django's cache (Redis in production, so every gunicorn worker shares the count) with one
atomic counter per token and time window (`cache.add` then `cache.incr`), as the open link's limits
are (surveys/rate_limits.py): concurrent calls from one script through several workers cannot slip
past it the way a read-modify-write list of times could. A call without a valid token is refused
(401) before it is counted, so nobody can use up another person's allowance.
"""

from __future__ import annotations

import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

DEFAULT_RATE = "120/min"  # settings.API_RATE_LIMIT, checked there


class TokenRateThrottle(SimpleRateThrottle):
    """django-ninja's throttle, keyed on the token (not on its name or its person's address)."""

    scope = "api-token"
    cache_format = "poet:api-rate:%(ident)s:%(window)s"

    def __init__(self) -> None:  # the rate is read at each call, so a changed setting applies
        self.rate = None
        self.num_requests, self.duration = None, None
        # One instance serves every request: what a call learns is kept per thread.
        self._call = threading.local()

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "auth", None)
        if token is None or getattr(token, "pk", None) is None:
            return None  # not signed in by a token: refused before any counting
        return self.cache_format % {"ident": token.pk, "window": self._call.window}

    def allow_request(self, request: HttpRequest) -> bool:
        calls, seconds = self.parse_rate(limit())
        assert calls and seconds  # settings refuse any other rate
        now = time.time()
        self._call.window = int(now // seconds)
        self._call.retry_after = max(1, math.ceil((self._call.window + 1) * seconds - now))
        key = self.get_cache_key(request)
        if key is None:
            return True
        cache.add(key, 0, timeout=seconds + 60)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds + 60)
            used = 1
        return used <= calls

    def wait(self) -> float:
        """Seconds until the window ends and the token may call again (the Retry-After)."""
        return float(self._call.retry_after)


def limit() -> str:
    """The rate in force, as "calls/period" (API_RATE_LIMIT)."""
    return str(getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE))


def limit_in_words() -> str:
    """'120 calls a minute', for error messages and the docs page."""
    calls, seconds = TokenRateThrottle().parse_rate(limit())
    assert calls and seconds
    units = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}
    period = f"a {units[seconds]}" if seconds in units else f"in {seconds} seconds"
    return f"{calls} call{'s' if calls != 1 else ''} {period}"
