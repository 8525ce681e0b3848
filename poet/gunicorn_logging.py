"""gunicorn's logger in POET's format and without tokens: `logger_class` in poet/gunicorn.conf.py.

The access log line is made from gunicorn's atoms (request line, path, query, referer, every
header and environ value), so each is redacted before any format uses it; the error log (which
names the request on a failure) goes through the same filter as Django's logs.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from poet.observability.logs import formatter
from poet.redaction import RedactTokens, redact


class RedactingLogger(Logger):
    """gunicorn's Logger, writing no link token to the access or the error log; the error log's
    lines in POET's format (time, level, "-" for the request id; JSON with LOG_FORMAT=json)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(formatter())
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactTokens) for f in log.filters):
                log.addFilter(RedactTokens())

    def atoms(self, resp, req, environ, request_time) -> dict:
        """The values `access()` formats, every text among them redacted."""
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}
