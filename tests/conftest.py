"""Shared fixtures. Under CI=true nothing is skipped: a missing service or browser fails."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from poet.celery import app as celery_app

CI = os.environ.get("CI", "").lower() == "true"
ROOT = Path(__file__).resolve().parent.parent


def require(condition: bool, reason: str) -> None:
    """Skip a test whose service is missing on a developer's machine; fail it under CI."""
    if not condition:
        if CI:
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)


def pytest_configure(config):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright + live_server


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if CI and reporter is not None and reporter.stats.get("skipped"):
        reporter.write_line("CI=true: skipped tests count as failures", red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Tasks run in-process unless a test asks for a real worker."""
    eager = "celery_worker" not in request.fixturenames
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache, so one test's rate-limit counters (the open link's,
    surveys/rate_limits.py) never refuse another's requests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _english_to_start():
    """Each test starts in English and leaves English behind: a Welsh request (LocaleMiddleware
    activates its language in the test's own thread) never changes what a later test reads."""
    from django.utils import translation

    translation.activate("en-gb")
    yield
    translation.activate("en-gb")


@pytest.fixture
def postgres(db):
    require(connection.vendor == "postgresql", "the test needs PostgreSQL (set DATABASE_URL)")


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real `celery worker` process consuming from Redis and writing to the test database."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    require(connection.vendor == "postgresql", "a real worker needs PostgreSQL (DATABASE_URL)")
    require(broker.startswith("redis://"), "a real worker needs Redis (CELERY_BROKER_URL)")
    log = tmp_path / "worker.log"
    env = {
        # A new run's charts are drawn ahead only where a test asks (monkeypatch.setenv before
        # this fixture): else every comparison leaves the worker drawing after its test ended.
        "POET_CHARTS_AHEAD": "false",
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "poet",
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            f"--logfile={log}",
            f"--hostname=test-worker-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 120  # a loaded 2-core CI machine starts one slowly
    while "ready." not in (log.read_text() if log.exists() else ""):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"Celery worker did not start:\n{log.read_text() if log.exists() else ''}")
        time.sleep(0.2)
    yield process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect

    # A loaded CI machine can take seconds to answer: assertions wait for the page that long.
    expect.set_options(timeout=20_000)
    path = chromium_path()
    require(path is not None, "the test needs Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--headless=new",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    pg = context.new_page()
    yield pg
    context.close()
