"""What an operator reads: one log line per request, the request id carried into jobs, metrics for
Prometheus and optional error reporting.

- `logs`: the formats (plain text, or JSON with LOG_FORMAT=json), the filter that stamps each
  record with the request id, and the one that keeps expected user errors (404, 403, a bad upload)
  at INFO or WARNING without a traceback.
- `requests`: the middleware that names each request, writes its line and serves /metrics.
- `jobs`: the request id taken along in a job's Celery message and set while the job runs.
- `metrics`: requests, jobs and the queue for Prometheus, and who may read them.
- `sentry`: Sentry's SDK when SENTRY_DSN is set, with tokens and personal data scrubbed.
"""
