"""Metrics for Prometheus at /metrics: requests (count and duration by view and status), jobs
(by kind and state, failures, durations) and the queue (jobs waiting, and Redis's queue length).

Request metrics are counted in each web process; under gunicorn (several worker processes) they
are shared through files in PROMETHEUS_MULTIPROC_DIR, which poet/gunicorn.conf.py sets up.
Job metrics are read from the database when scraped, so they cover every worker wherever it runs.

Only an operator may read them: a request bearing `Authorization: Bearer <METRICS_TOKEN>`, or one
from an address in METRICS_ALLOWED_IPS (addresses or networks; 127.0.0.1 and ::1 by default),
the address being the one the nearest trusted proxy saw (TRUSTED_PROXIES), never a header the
client sets. Anyone else gets 403.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
# Seconds: a page is quick, a comparison or a report can take minutes.
REQUEST_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
JOB_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200)

_requests_registry = CollectorRegistry()
REQUESTS = Counter(
    "poet_http_requests",
    "Requests answered, by view and status",
    ["method", "view", "status"],
    registry=_requests_registry,
)
REQUEST_SECONDS = Histogram(
    "poet_http_request_duration_seconds",
    "Time to answer a request, by view",
    ["view"],
    buckets=REQUEST_BUCKETS,
    registry=_requests_registry,
)


def observe_request(request: HttpRequest, status: int, seconds: float) -> None:
    """Count one answered request. Labelled by the view's name (a few dozen), never the path
    (every token and id would make a new series)."""
    match = getattr(request, "resolver_match", None)
    if request.path_info == METRICS_PATH:
        view = "metrics"
    else:
        view = match.view_name if match is not None else "unmatched"
    REQUESTS.labels(request.method or "", view, str(status)).inc()
    REQUEST_SECONDS.labels(view).observe(seconds)


class JobCollector(Collector):
    """Jobs as the database has them, read at each scrape (a worker's own counters would be lost
    with its process and invisible from the web server)."""

    def collect(self) -> Iterator[Metric]:
        from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum

        from poet.models import Job

        states = GaugeMetricFamily("poet_jobs", "Jobs by kind and state", labels=["kind", "state"])
        failed = CounterMetricFamily("poet_jobs_failed", "Jobs that failed", labels=["kind"])
        for row in Job.objects.values("kind", "status").annotate(n=Count("id")).order_by():
            states.add_metric([row["kind"], row["status"]], row["n"])
            if row["status"] == Job.Status.FAILED:
                failed.add_metric([row["kind"]], row["n"])
        yield states
        yield failed

        took = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
        finished = Job.objects.filter(finished_at__isnull=False, started_at__isnull=False)
        buckets = {
            f"le_{i}": Count("id", filter=Q(took__lte=timedelta(seconds=bound)))
            for i, bound in enumerate(JOB_BUCKETS)
        }
        durations = HistogramMetricFamily(
            "poet_job_duration_seconds",
            "Time from a job's (last) start to its end, by kind and outcome",
            labels=["kind", "state"],
        )
        rows = (
            finished.annotate(took=took)
            .values("kind", "status")
            .annotate(n=Count("id"), total=Sum("took"), **buckets)
            .order_by()
        )
        for found in rows:
            kinds: dict[str, Any] = dict(found)
            cumulative = [(str(float(b)), kinds[f"le_{i}"]) for i, b in enumerate(JOB_BUCKETS)]
            total = kinds["total"].total_seconds() if kinds["total"] else 0.0
            durations.add_metric(
                [kinds["kind"], kinds["status"]], cumulative + [("+Inf", kinds["n"])], total
            )
        yield durations

        yield from _queue_length()


def _queue_length() -> Iterator[Metric]:
    """Messages waiting in the broker's default queue (Redis's list length), when there is one."""
    if not getattr(settings, "CELERY_BROKER_URL", ""):
        return
    from celery import current_app

    queue = GaugeMetricFamily(
        "poet_celery_queue_length", "Tasks waiting in the broker's queue", labels=["queue"]
    )
    name = current_app.conf.task_default_queue
    try:
        with current_app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
            queue.add_metric([name], connection.default_channel.client.llen(name))
    except Exception as exc:  # the broker down must not take the metrics down with it
        logger.warning("Could not read the queue length from the broker: %s", exc)
        return
    yield queue


def metrics_text() -> bytes:
    """Everything above in Prometheus's text format."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # every gunicorn worker's request counts
        requests_text = b""
    else:
        requests_text = generate_latest(_requests_registry)
    registry.register(JobCollector())
    return requests_text + generate_latest(registry)


def _client_address(request: HttpRequest) -> str:
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def may_read_metrics(request: HttpRequest) -> bool:
    """Whether the request bears METRICS_TOKEN or comes from METRICS_ALLOWED_IPS."""
    token = getattr(settings, "METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    try:
        address = ipaddress.ip_address(_client_address(request))
    except ValueError:
        return False
    for allowed in getattr(settings, "METRICS_ALLOWED_IPS", []):
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            logger.warning("METRICS_ALLOWED_IPS holds %r, which is no address or network", allowed)
    return False


def metrics_response(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return HttpResponse("Only GET.\n", status=405, content_type="text/plain")
    if not may_read_metrics(request):
        logger.warning("Metrics refused to %s", request.META.get("REMOTE_ADDR", ""))
        return HttpResponse(
            "Metrics are for the operator: see METRICS_TOKEN and METRICS_ALLOWED_IPS.\n",
            status=403,
            content_type="text/plain",
        )
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
