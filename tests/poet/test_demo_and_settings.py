import io
import os
import secrets
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import ROOT, require


@pytest.mark.django_db
def test_demo_gives_each_role_its_own_view(client):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # safe to run twice
    for username, sees_members in [
        ("demo-admin", True),
        ("demo-evaluator", False),
        ("demo-manager", False),
    ]:
        assert client.login(username=username, password="poet-demo-2026")
        home = client.get("/").content.decode()
        assert "Riverside Health and Care Partnership" in home
        page = client.get("/p/riverside/").content.decode()
        assert "Baseline 2026" in page
        assert "Age Concern Riverside" in page
        assert ("Members" in page) is sees_members
        client.logout()


def test_load_demo_prints_the_logins(db, capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for line in ("demo-admin", "demo-evaluator", "demo-manager", "password: poet-demo-2026"):
        assert line in out


def test_deploy_check_is_clean_with_production_settings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "poet.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "poet.example.org",
        "DATABASE_URL": "postgres://poet@db.example.org/poet",
        "CELERY_BROKER_URL": "redis://redis.example.org:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def production_check(**overrides: str) -> subprocess.CompletedProcess:
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY"}
        },
        "DJANGO_SETTINGS_MODULE": "poet.settings",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "poet.example.org",
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "key",
    [
        None,
        "",
        "change-me-to-a-long-random-string",
        "insecure-development-key-do-not-use-in-production",
        "short",
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(key):
    result = production_check(**({} if key is None else {"SECRET_KEY": key}))
    assert result.returncode != 0
    assert "Set SECRET_KEY to a long random string" in result.stderr


def test_development_runs_on_the_development_key():
    result = production_check(DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_job_time_limits_must_sit_below_the_visibility_timeout():
    result = production_check(
        SECRET_KEY=secrets.token_urlsafe(50),
        JOB_TIME_LIMIT="7200",
        CELERY_VISIBILITY_TIMEOUT="3600",
    )
    assert result.returncode != 0
    assert "JOB_SOFT_TIME_LIMIT < JOB_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT" in result.stderr


@pytest.mark.django_db
def test_suite_runs_on_postgresql():
    require(connection.vendor == "postgresql", "the suite needs PostgreSQL (DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert "PostgreSQL" in cursor.fetchone()[0]
