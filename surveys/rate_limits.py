"""Rate limits of the open link: how many people may start, and send, a survey through it in an
hour, from one address and in all.

Anyone holding the link can answer, so without a limit one script could fill a wave with made-up
responses (or fill the link's `max_responses`) in minutes. Counters live in Django's cache (Redis
in production, so every web worker shares them; memory in tests), one per link, action and hour,
and one more per address; an address is kept only as a keyed hash, for an hour. A refused start
stores nothing; a refused submit leaves the person's answers in their draft, to send later.

The per-address limit is checked first and a refused address does not use up the link's own
budget, so one busy address cannot lock everyone else out. Staff of one organisation often share
an address (one hospital network), which is why the per-address limit is not small.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from surveys.services.answering import RespondentProblem

WINDOW_SECONDS = 60 * 60
START = "start"
SUBMIT = "submit"


class TryLater(RespondentProblem):
    """Refused for now: the page says so, when to come back, and where their answers are."""

    def __init__(self, title: str, message: str, back_url: str = "") -> None:
        super().__init__(title, message, 429)
        self.back_url = back_url
        self.retry_after = WINDOW_SECONDS - int(time.time()) % WINDOW_SECONDS


def per_link_limit() -> int:
    return getattr(settings, "OPEN_LINK_HOURLY_LIMIT", 600)


def per_address_limit() -> int:
    return getattr(settings, "OPEN_LINK_HOURLY_LIMIT_PER_ADDRESS", 60)


def client_address(request: HttpRequest) -> str:
    """The address the request came from. Behind `TRUSTED_PROXIES` proxies (each appending to
    X-Forwarded-For), the address the nearest of them saw; never a value the client could set."""
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _address_key(address: str) -> str:
    """A keyed hash of the address: counters need to tell addresses apart, not to know them."""
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def _take(key: str, limit: int) -> bool:
    """Count one use under `key` this hour; whether it is within `limit`."""
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        used = 1
    return used <= limit


def allowed(request: HttpRequest, wave_id: int, action: str) -> bool:
    """Count one `action` (START or SUBMIT) through the open link of a wave from this request's
    address; whether it is within both hourly limits."""
    hour = int(time.time()) // WINDOW_SECONDS
    prefix = f"poet:open-link:{wave_id}:{action}:{hour}"
    if not _take(f"{prefix}:{_address_key(client_address(request))}", per_address_limit()):
        return False
    return _take(prefix, per_link_limit())


def check_start(request: HttpRequest, wave_id: int) -> None:
    """Refuse, for now, one more person starting the survey through the open link."""
    if not allowed(request, wave_id, START):
        raise TryLater(
            _("Please try again later"),
            _(
                "Many people have started this survey through this link in the last hour, so it "
                "cannot take more just now. Nothing has been stored. Please open the link again "
                "in an hour."
            ),
        )


def check_submit(request: HttpRequest, wave_id: int, back_url: str) -> None:
    """Refuse, for now, sending one more open-link survey: the answers stay in the draft."""
    if not allowed(request, wave_id, SUBMIT):
        raise TryLater(
            _("Your answers are saved: please send them later"),
            _(
                "Many surveys have been sent through this link in the last hour, so it cannot "
                "take more just now. Your answers have not been sent, but nothing you entered is "
                "lost. Please come back in an hour and send them."
            ),
            back_url,
        )
