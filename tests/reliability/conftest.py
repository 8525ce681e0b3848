"""Fixtures for fault tests against the real services of `scripts/test` (scripts/services.sh):
Celery workers that can be killed, Redis that can be stopped and started again, PostgreSQL that
can be restarted, gunicorn serving the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection

from poet.celery import app as celery_app
from tests.conftest import ROOT, _database_url, require

# A worker whose comparison first waits POET_TEST_COMPARISON_DELAY seconds, so a test can kill it
# in the middle of one (or, with POET_TEST_IGNORE_SOFT_LIMIT, a job that ignores the soft time
# limit); the application code is untouched.
SLOW_WORKER = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poet.settings")
import django
django.setup()
from celery.exceptions import SoftTimeLimitExceeded
from poet.services import jobs
real = jobs.job_kinds()["comparison"]
def slow(job, progress):
    progress(0.01, "test worker: waiting before the comparison")
    until = time.monotonic() + float(os.environ.get("POET_TEST_COMPARISON_DELAY", "0"))
    while time.monotonic() < until:
        try:
            time.sleep(max(0.0, until - time.monotonic()))
        except SoftTimeLimitExceeded:
            if not os.environ.get("POET_TEST_IGNORE_SOFT_LIMIT"):
                raise
    return real(job, progress)
jobs.register_job_kind("comparison", slow, replace=True)
from poet.celery import app
app.worker_main(sys.argv[1:])
"""


def wait_for(condition: Callable[[], bool], timeout: float, what: str, step: float = 0.3) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)


@pytest.fixture
def services(transactional_db) -> dict:
    """The throwaway services' coordinates (fails under CI=true when they are missing)."""
    require(connection.vendor == "postgresql", "fault tests need PostgreSQL (scripts/test)")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    require(broker.startswith("redis://"), "fault tests need Redis (scripts/test)")
    for name in ("POET_SERVICES_DIR", "POET_PG_BIN", "POET_PG_DATA", "POET_REDIS_PORT"):
        require(bool(os.environ.get(name)), f"fault tests need {name} (scripts/test)")
    return {
        "database_url": _database_url(),
        "broker": broker,
        "redis_port": os.environ["POET_REDIS_PORT"],
        "dir": Path(os.environ["POET_SERVICES_DIR"]),
        "pg_bin": Path(os.environ["POET_PG_BIN"]),
        "pg_data": os.environ["POET_PG_DATA"],
    }


@pytest.fixture
def workers(services, tmp_path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start real Celery workers (each in its own process group, so it can be killed whole)."""
    started: list[subprocess.Popen] = []
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False

    def start(
        name: str, *, comparison_delay: float = 0, concurrency: int = 1, **env
    ) -> subprocess.Popen:
        log = tmp_path / f"{name}.log"
        environment = {
            "POET_CHARTS_AHEAD": "false",  # see tests/conftest.py's celery_worker
            **os.environ,
            "DATABASE_URL": services["database_url"],
            "CELERY_BROKER_URL": services["broker"],
            # Redelivery of an unacknowledged task after seconds, not the production hours.
            "CELERY_VISIBILITY_TIMEOUT": "5",
            "POET_TEST_COMPARISON_DELAY": str(comparison_delay),
            **env,
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                SLOW_WORKER,
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "--without-gossip",
                "--without-mingle",
                f"--logfile={log}",
                f"--hostname={name}-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=environment,
            start_new_session=True,
        )
        started.append(process)
        wait_for(
            lambda: (
                "ready." in (log.read_text() if log.exists() else "") or process.poll() is not None
            ),
            45,
            f"worker {name} to start",
        )
        if process.poll() is not None:
            pytest.fail(f"worker {name} died:\n{log.read_text()}")
        process.log = log
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def beat(services, tmp_path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start a real `celery beat` (its own process group), sending the production schedule."""
    started: list[subprocess.Popen] = []

    def start(**env) -> subprocess.Popen:
        log = tmp_path / "beat.log"
        environment = {
            **os.environ,
            "DATABASE_URL": services["database_url"],
            "CELERY_BROKER_URL": services["broker"],
            **env,
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "poet",
                "beat",
                "--loglevel=INFO",
                f"--logfile={log}",
                f"--schedule={tmp_path / 'celerybeat-schedule'}",
                f"--pidfile={tmp_path / 'beat.pid'}",
            ],
            cwd=ROOT,
            env=environment,
            start_new_session=True,
        )
        started.append(process)
        wait_for(
            lambda: (
                "Starting..." in (log.read_text() if log.exists() else "")
                or process.poll() is not None
            ),
            45,
            "beat to start",
        )
        if process.poll() is not None:
            pytest.fail(f"beat died:\n{log.read_text()}")
        process.log = log
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def kill_hard(process: subprocess.Popen) -> None:
    """SIGKILL a worker and its pool processes at once, as the kernel's OOM killer would."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def redis_ping(port: str) -> bool:
    return (
        subprocess.run(["redis-cli", "-p", port, "ping"], capture_output=True, text=True).stdout
        == "PONG\n"
    )


@pytest.fixture
def redis(services) -> Iterator[dict]:
    """stop() and start() the test Redis, with the command line of scripts/services.sh."""
    port, folder = services["redis_port"], services["dir"]

    def stop() -> None:
        subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True)
        wait_for(lambda: not redis_ping(port), 10, "Redis to stop")

    def start() -> None:
        subprocess.run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--port",
                port,
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--pidfile",
                str(folder / "redis.pid"),
                "--logfile",
                str(folder / "redis.log"),
                "--dir",
                str(folder),
            ],
            check=True,
        )
        wait_for(lambda: redis_ping(port), 10, "Redis to start", step=0.1)

    yield {"stop": stop, "start": start}
    if not redis_ping(port):
        start()


def restart_postgres(services: dict) -> None:
    """`pg_ctl restart -m fast`: every open connection is cut, as in a failover or an upgrade."""
    command = [str(services["pg_bin"] / "pg_ctl"), "-D", services["pg_data"]]
    command += ["restart", "-m", "fast", "-w", "-t", "60", "-l", str(services["dir"] / "pg.log")]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    # The server inherits our stdout: send it nowhere, or waiting for the output never ends.
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=90
    )
    connection.close()  # this process's connection was cut too


@pytest.fixture
def gunicorn(services, tmp_path) -> Iterator[int]:
    """gunicorn (2 sync workers, real settings, DEBUG off) serving the test database: its port."""
    from benchmarks.load import start_gunicorn, stop_gunicorn

    process, port = start_gunicorn(services["database_url"], 2, tmp_path / "gunicorn.log")
    yield port
    stop_gunicorn(process)


def _pg_ctl(services: dict, *arguments: str) -> None:
    command = [str(services["pg_bin"] / "pg_ctl"), "-D", services["pg_data"], *arguments]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=90
    )


@pytest.fixture
def postgres_server(services) -> Iterator[dict]:
    """stop() and start() the test PostgreSQL (started again with the options it last ran with)."""
    import shlex

    opts = Path(services["pg_data"]) / "postmaster.opts"
    arguments = shlex.split(opts.read_text())[1:]
    if "-D" in arguments:
        at = arguments.index("-D")
        del arguments[at : at + 2]
    running = {"up": True}

    def stop() -> None:
        connection.close()
        _pg_ctl(services, "stop", "-m", "fast", "-w", "-t", "60")
        running["up"] = False

    def start() -> None:
        log = str(services["dir"] / "pg.log")
        _pg_ctl(services, "start", "-w", "-t", "60", "-l", log, "-o", shlex.join(arguments))
        running["up"] = True

    yield {"stop": stop, "start": start}
    if not running["up"]:
        start()
