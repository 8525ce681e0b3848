"""Is this POET ready to serve people: its database reachable and migrated, and, when a broker is
configured, the broker reachable and a worker alive. Read by `/readyz` and `manage.py heartbeat`.

Each check answers in words an operator can act on and never with an exception's text (which may
name hosts or users). A database that is fully migrated stays so, so a good answer is kept for a
minute rather than loading the migration graph on every probe.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

from celery import current_app
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from poet.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

MIGRATED_KEPT_SECONDS = 60.0
BROKER_TIMEOUT_SECONDS = 2.0
_migrated_at: float | None = None


@dataclass(frozen=True)
class Check:
    ok: bool
    says: str


def database() -> Check:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        logger.warning("Readiness: the database is unreachable: %s", exc)
        connection.close()  # the next probe starts afresh
        return Check(False, "unreachable")
    return Check(True, "ok")


def migrations() -> Check:
    """No migration of the code is missing from the database."""
    global _migrated_at
    if _migrated_at is not None and time.monotonic() - _migrated_at < MIGRATED_KEPT_SECONDS:
        return Check(True, "ok")
    try:
        loader = MigrationExecutor(connections[DEFAULT_DB_ALIAS]).loader
        # Every migration of the code, not the plan to the leaves: a leaf recorded as applied
        # hides a missing migration before it from `migration_plan`.
        applied = loader.applied_migrations or {}
        plan = [node for node in loader.graph.nodes if node not in applied]
    except Exception as exc:  # noqa: BLE001
        logger.warning("Readiness: could not read the applied migrations: %s", exc)
        return Check(False, "could not be read")
    if plan:
        return Check(False, f"{len(plan)} not applied (run manage.py migrate)")
    _migrated_at = time.monotonic()
    return Check(True, "ok")


def broker_configured() -> bool:
    return bool(settings.CELERY_BROKER_URL)


def broker() -> Check:
    try:
        with current_app.connection_for_write(connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
            )
    except Exception as exc:  # noqa: BLE001
        logger.warning("Readiness: the broker is unreachable: %s", exc)
        return Check(False, "unreachable")
    return Check(True, "ok")


def last_seen(role: str, name: str | None = None) -> datetime | None:
    """When a process of `role` (or the one called `name`) last said it was alive."""
    beats = WorkerHeartbeat.objects.filter(role=role)
    if name is not None:
        beats = beats.filter(name=name)
    return beats.order_by("-seen_at").values_list("seen_at", flat=True).first()


def heard_from(role: str, name: str | None = None) -> Check:
    seen = last_seen(role, name)
    limit = settings.WORKER_HEARTBEAT_MAX_AGE
    if seen is None:
        return Check(False, "none seen")
    age = (timezone.now() - seen).total_seconds()
    if age > limit:
        return Check(False, f"last seen {round(age)} s ago (more than {round(limit)} s)")
    return Check(True, "ok")


def readiness() -> dict[str, Check]:
    """Every check that applies, in the order they depend on each other."""
    checks = {"database": database()}
    if checks["database"].ok:
        checks["migrations"] = migrations()
    if broker_configured():
        checks["broker"] = broker()
        if checks["database"].ok:
            checks["worker"] = heard_from(WorkerHeartbeat.Role.WORKER)
        else:
            checks["worker"] = Check(False, "unknown while the database is unreachable")
    return checks
