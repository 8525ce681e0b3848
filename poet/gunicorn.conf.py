"""gunicorn settings for POET: `gunicorn -c poet/gunicorn.conf.py poet.wsgi --bind … --workers …`.

POET writes one line per request itself (`poet.access`: request id, method, path, status,
duration, user id; poet/observability), so gunicorn's own access log is off unless
GUNICORN_ACCESS_LOG names a file ("-" for standard output). Both of gunicorn's logs go through
`RedactingLogger`: POET's format (LOG_FORMAT=json for JSON) and no link token that still works
(invitations, participants, open links, password resets) is ever written.

The request metrics of every worker process reach /metrics through files in
PROMETHEUS_MULTIPROC_DIR: a fresh folder made at start unless one is set (emptied at start).
"""

import os

logger_class = "poet.gunicorn_logging.RedactingLogger"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"


def on_starting(server) -> None:
    """Before any worker starts: the folder where workers keep their metrics, empty."""
    import tempfile
    from pathlib import Path

    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        folder = tempfile.mkdtemp(prefix="poet-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    Path(folder).mkdir(parents=True, exist_ok=True)
    for stale in Path(folder).glob("*.db"):
        stale.unlink()


def child_exit(server, worker) -> None:
    """A worker that exited leaves its counts (kept) but not its live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
