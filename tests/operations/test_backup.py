"""The restore drill (issue 20, item 4): data and a report download, backed up with
scripts/backup, restored with scripts/restore into a new database and an empty media folder, give
the same report, byte for byte, and the old download link still works. A damaged backup, or a
restore over live data, is refused."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from poet.models import Job, Role
from tests.conftest import require
from tests.factories import member
from tests.reports.reporting import seeded_wave

ROOT = Path(__file__).resolve().parents[2]

# Run against a database and media folder given by the environment: sign in as the manager,
# fetch the old download, and make the same report again.
CHECK = """
import hashlib, json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from poet.models import Job
user, file_url, downloads_url = sys.argv[1:4]
client = Client()
client.force_login(get_user_model().objects.get(username=user))
old = client.get(file_url)
before = set(Job.objects.values_list("pk", flat=True))
client.post(downloads_url, {"kind": "summative", "format": "csv"})
[new] = Job.objects.exclude(pk__in=before).filter(kind="report.download")
fresh = client.get(file_url.replace(f"/{file_url.split('/')[-3]}/", f"/{new.pk}/"))
def digest(response):
    if response.status_code != 200:
        return None
    return hashlib.sha256(b"".join(response.streaming_content)).hexdigest()
print(json.dumps({
    "old_status": old.status_code, "old": digest(old),
    "fresh_status": fresh.status_code, "fresh": digest(fresh),
}))
"""


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST']}:{s['PORT']}/{name}"


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def new_database():
    require(connection.vendor == "postgresql", "the test needs PostgreSQL (DATABASE_URL)")
    name = f"poet_restored_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_elsewhere_gives_the_same_report_and_working_links(
    client, settings, tmp_path, new_database
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    wave = seeded_wave().wave
    manager = member(wave.partnership, Role.MANAGER)
    client.force_login(manager)
    kwargs = {"partnership": wave.partnership.slug, "wave": wave.slug}
    downloads_url = reverse("reports:downloads", kwargs=kwargs)
    client.post(downloads_url, {"kind": "summative", "format": "csv"})
    job = Job.objects.get(kind="report.download")
    assert job.status == Job.Status.SUCCEEDED, job.error
    file_url = reverse("reports:download_file", kwargs={**kwargs, "job_id": job.pk})
    original = b"".join(client.get(file_url).streaming_content)
    assert original.count(b"\n") > 5

    source = {"DATABASE_URL": _url(connection.settings_dict["NAME"]), "MEDIA_ROOT": str(media)}
    started = time.monotonic()
    made = _run(["scripts/backup", str(tmp_path / "backups")], **source)
    backup_seconds = time.monotonic() - started
    assert made.returncode == 0, made.stderr
    [folder] = (tmp_path / "backups").iterdir()
    assert folder.name.startswith("poet-") and oct(folder.stat().st_mode)[-3:] == "700"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["media"]["files"] == 1
    assert any(m.startswith("reports.0001_") for m in manifest["migrations"])
    assert manifest["versions"]["postgresql_server"] and manifest["versions"]["django"]
    by_hand = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True)
    assert by_hand.returncode == 0, by_hand.stdout

    restored_media = tmp_path / "restored-media"
    target = {"DATABASE_URL": _url(new_database), "MEDIA_ROOT": str(restored_media)}
    started = time.monotonic()
    back = _run(["scripts/restore", str(folder)], **target)
    restore_seconds = time.monotonic() - started
    assert back.returncode == 0, back.stderr
    assert "Restored the backup made" in back.stdout

    check = _run(
        [sys.executable, "-c", CHECK, manager.username, file_url, downloads_url],
        **target,
        DJANGO_SETTINGS_MODULE="poet.settings_test",
        CELERY_BROKER_URL="",
    )
    assert check.returncode == 0, check.stderr
    seen = json.loads(check.stdout.strip().splitlines()[-1])
    expected = hashlib.sha256(original).hexdigest()
    assert seen == {"old_status": 200, "old": expected, "fresh_status": 200, "fresh": expected}

    # Over live data it refuses, and says how to go on.
    again = _run(["scripts/restore", str(folder)], **target)
    assert again.returncode == 1 and "is not empty" in again.stderr
    print(
        f"\nrestore drill: backup {backup_seconds:.1f} s, restore {restore_seconds:.1f} s, "
        f"dump {manifest['files']['database.dump']['bytes']} bytes, "
        f"media {manifest['media']['bytes']} bytes"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_touched(settings, tmp_path, new_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "downloads").mkdir(parents=True)
    (tmp_path / "media" / "downloads" / "report.csv").write_text("a,b\n1,2\n")
    source = {
        "DATABASE_URL": _url(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    assert _run(["scripts/backup", str(tmp_path / "b")], **source).returncode == 0
    [folder] = (tmp_path / "b").iterdir()
    assert _run(["scripts/restore", "--verify-only", str(folder)]).returncode == 0
    with (folder / "media.tar").open("r+b") as archive:
        archive.seek(600)
        archive.write(b"X")
    target = {"DATABASE_URL": _url(new_database), "MEDIA_ROOT": str(tmp_path / "restored")}
    refused = _run(["scripts/restore", str(folder)], **target)
    assert refused.returncode == 1
    assert "media.tar does not match its checksum" in refused.stderr
    assert not (tmp_path / "restored").exists()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM pg_database WHERE datname = '{new_database}'")
        assert cursor.fetchone()
