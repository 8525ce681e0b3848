"""Tokens out of logs: whoever reads a log line must not be able to use a link in it.

Links that work by a token alone carry it in their address: a staff member's invitation
(`/s/<token>/`), a participant's (`/s/p/<token>/`), the wave's open link (`/s/open/<token>/`),
"save and come back" (`/s/resume/<token>/`), a partner lead's (`…/context/lead/?token=<token>`)
and a password reset (`/accounts/reset/<user>/<token>/`). The respondent pages exchange the token
for a session at once, but the first request is still logged: by gunicorn's access log
(`poet.gunicorn_logging`), by Django when it answers 4xx or 5xx (`django.request`), by the
development server (`django.server`) and by CSRF refusals (`django.security.csrf`). `redact`
replaces each such token with [redacted] wherever it appears in a line; `RedactTokens` does it to
log records (LOGGING in settings).
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

# A path starts the line, follows a space or a quote (a request line, a message), or follows
# scheme and host (a Referer).
_START = r"(?:^|(?<=[\s\"'(])|https?://[^/\s\"']+)"
_SEGMENT_END = r"(?=[/?#\s\"']|$)"
_RESPOND_PAGES = "section|review|saved|thank-you|easy-read|p|open|resume"
_PATTERNS = [
    # /s/<token>/, /s/p/<token>/, /s/open/<token>/, /s/resume/<token>/ (not /s/review/ …)
    re.compile(
        rf"(?P<keep>{_START}/s/(?:(?:p|open|resume)/)?)"
        rf"(?!(?:{_RESPOND_PAGES}){_SEGMENT_END})(?P<token>[^/?#\s\"']+)"
    ),
    # /accounts/reset/<uidb64>/<token>/ (not the set-password page it redirects to)
    re.compile(
        rf"(?P<keep>{_START}/accounts/reset/[^/?#\s\"']+/)"
        rf"(?!set-password{_SEGMENT_END})(?P<token>[^/?#\s\"']+)"
    ),
    # token=… in a query string (after ? or &, or starting gunicorn's query atom)
    re.compile(r"(?P<keep>(?<![\w-])token=)(?P<token>[^&#\s\"']+)"),
    # a personal API token (api.services.tokens), wherever it turns up
    re.compile(r"(?P<keep>(?<![\w-])poet_)(?P<token>[A-Za-z0-9_-]{20,})"),
]


def redact(text: str) -> str:
    """The text with every token of a link replaced by [redacted]."""
    if "/s/" not in text and "token=" not in text and "/reset/" not in text and "poet_" not in text:
        return text
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group("keep") + REDACTED, text)
    return text


class RedactTokens(logging.Filter):
    """A logging filter that rewrites a record's message without tokens (it never drops one).

    On a logger it changes the record before any handler sees it, its parents' included.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logging's business, not ours
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True
