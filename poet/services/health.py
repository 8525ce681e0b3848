"""Signs of life from the background processes, and the daily clearing of what has expired.

Each Celery worker and the beat process write a heartbeat row every WORKER_HEARTBEAT_SECONDS
from a thread of their own (started by the signals in `poet.tasks`), so `/readyz` can tell that
some worker is alive even while every pool process is busy with a long job, and the beat
container's healthcheck (`manage.py heartbeat beat`) that its own beat is.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import connections
from django.utils import timezone
from django.utils.module_loading import import_string

from poet.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Rows of processes gone longer than this are deleted by the daily clearing.
STALE_HEARTBEAT = timedelta(days=1)


def record_heartbeat(name: str, role: str) -> None:
    """Say that the process `name` (a worker's or beat's) is alive now."""
    WorkerHeartbeat.objects.update_or_create(
        name=name[:200], defaults={"role": role, "seen_at": timezone.now()}
    )


def forget_heartbeat(name: str) -> None:
    """A process stopping cleanly says so at once, rather than looking alive until it ages."""
    WorkerHeartbeat.objects.filter(name=name[:200]).delete()


class Heartbeats(threading.Thread):
    """Writes a process's heartbeat until the process ends (a daemon thread).

    The database connection is closed after every write: a worker's main process forks pool
    processes, and a child must never inherit an open connection of this thread."""

    def __init__(self, name: str, role: str) -> None:
        super().__init__(name=f"heartbeat-{role}", daemon=True)
        self.process_name, self.role = name, role
        self.stopped = threading.Event()

    def run(self) -> None:
        while True:
            try:
                record_heartbeat(self.process_name, self.role)
            except Exception as exc:  # the database away for a moment: /readyz will say so
                logger.warning("Could not record the %s heartbeat: %s", self.role, exc)
            finally:
                connections.close_all()
            if self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS):
                return


def start_heartbeats(name: str, role: str) -> Heartbeats:
    thread = Heartbeats(name, role)
    thread.start()
    return thread


def clear_expired() -> dict[str, int]:
    """Delete what has expired: sessions past their expiry date (Django's `clearsessions`, for
    the session engine in use: every respondent link makes one) and heartbeats of processes long
    gone. Run daily by celery beat; returns how many of each went."""
    engine: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    model = getattr(engine, "get_model_class", None)  # database sessions: count what goes
    now = timezone.now()
    sessions = model().objects.filter(expire_date__lt=now).count() if model else 0
    engine.clear_expired()
    heartbeats, _ = WorkerHeartbeat.objects.filter(seen_at__lt=now - STALE_HEARTBEAT).delete()
    logger.info("Cleared %s expired sessions and %s old heartbeats", sessions, heartbeats)
    return {"sessions": sessions, "heartbeats": heartbeats}
