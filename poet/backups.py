"""Backups an operator can trust: the database and the generated files together, checked on the
way back. Run by `scripts/backup` and `scripts/restore` (which say how); README "Backups".

A backup is one folder, `poet-<UTC time>/`, readable only by its owner (it holds personal data):

- `database.dump`: `pg_dump -Fc` of the whole database;
- `media.tar`: every file under MEDIA_ROOT (report and answers downloads, which the database's
  download list points at);
- `manifest.json`: when, from which database, the versions of POET, Django, Python, pg_dump and
  the PostgreSQL server, the migrations applied, and each file's size and SHA-256;
- `SHA256SUMS`: the three files' SHA-256 (`sha256sum -c SHA256SUMS` checks them by hand too).

It is written as `poet-<time>.partial/` and renamed when complete, so a backup cut short never
looks whole. A restore checks every checksum before touching anything, refuses a backup made by a
POET with migrations this one does not know, restores into an empty database (`--force` to
replace what is there) in one transaction, then unpacks the files into an empty MEDIA_ROOT.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

FORMAT = 1
DUMP, MEDIA, MANIFEST, SUMS = "database.dump", "media.tar", "manifest.json", "SHA256SUMS"
PREFIX = "poet-"


class BackupError(Exception):
    """Why a backup or restore stopped, worded for the operator."""


# --- the database ------------------------------------------------------------------------------


def _database(url: str | None = None) -> dict[str, Any]:
    """The database settings in use, or those of a DATABASE_URL-style address."""
    if url:
        import environ

        return dict(environ.Env.db_url_config(url))
    from django.conf import settings

    return dict(settings.DATABASES["default"])


def _pg(database: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump, pg_restore and psql."""
    if "postgresql" not in database.get("ENGINE", ""):
        raise BackupError(
            "Backups need PostgreSQL (DATABASE_URL=postgres://…); a SQLite database is one file: "
            "copy it, with MEDIA_ROOT, while POET is stopped."
        )
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args += [flag, str(database[key])]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> str:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client).")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{tool} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def _query(database: dict[str, Any], sql: str) -> str:
    args, env = _pg(database)
    return _run(["psql", *args, "--dbname", database["NAME"], "-XAtc", sql], env).strip()


def _applied_migrations(database: dict[str, Any]) -> list[str]:
    if _query(database, "SELECT to_regclass('django_migrations') IS NOT NULL") != "t":
        return []
    rows = _query(database, "SELECT app || '.' || name FROM django_migrations ORDER BY 1")
    return [row for row in rows.splitlines() if row]


def _known_migrations() -> set[str]:
    """The migrations this POET's code has."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


# --- files -------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pack_media(media_root: Path, target: Path) -> tuple[int, int]:
    """Every file under MEDIA_ROOT into an uncompressed tar (downloads are compressed already);
    the number of files and their bytes."""
    files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
    with tarfile.open(target, "w") as archive:
        for path in files:
            archive.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
    return len(files), sum(p.stat().st_size for p in files)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def _revision(root: Path) -> str:
    if os.environ.get("POET_REVISION"):
        return os.environ["POET_REVISION"]
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 else "unknown"


# --- backup ------------------------------------------------------------------------------------


def backup(destination: Path, *, keep: int | None = None) -> Path:
    """Write a backup folder under `destination`; its path. With `keep`, the oldest complete
    backups there beyond that many are removed afterwards."""
    from django.conf import settings

    database = _database()
    args, env = _pg(database)
    started = datetime.now(UTC)
    name = PREFIX + started.strftime("%Y%m%dT%H%M%SZ")
    destination.mkdir(parents=True, exist_ok=True)
    final = destination / name
    partial = destination / f"{name}.partial"
    if final.exists() or partial.exists():
        raise BackupError(f"{final} exists already: wait a second and run it again.")
    old_mask = os.umask(0o077)  # personal data: the owner's alone
    try:
        partial.mkdir()
        _run(
            ["pg_dump", *args, "--format=custom", f"--file={partial / DUMP}", database["NAME"]], env
        )
        files, size = _pack_media(Path(settings.MEDIA_ROOT), partial / MEDIA)
        manifest = {
            "format": FORMAT,
            "created_at": started.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": database["NAME"],
            "versions": {
                "poet": _version("poet"),
                "poet_revision": _revision(Path(settings.BASE_DIR)),
                "django": _version("django"),
                "python": platform.python_version(),
                "pg_dump": _run(["pg_dump", "--version"], env).strip(),
                "postgresql_server": _query(database, "SHOW server_version"),
            },
            "migrations": _applied_migrations(database),
            "media": {"files": files, "bytes": size},
            "files": {
                part: {"bytes": (partial / part).stat().st_size, "sha256": _sha256(partial / part)}
                for part in (DUMP, MEDIA)
            },
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        sums = "".join(f"{_sha256(partial / part)}  {part}\n" for part in (DUMP, MEDIA, MANIFEST))
        (partial / SUMS).write_text(sums)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    finally:
        os.umask(old_mask)
    if keep is not None:
        complete = sorted(p for p in destination.glob(PREFIX + "*") if p.suffix != ".partial")
        for old in complete[: max(0, len(complete) - keep)]:
            shutil.rmtree(old)
    return final


# --- restore -----------------------------------------------------------------------------------


def verify(folder: Path) -> dict[str, Any]:
    """Check every file of a backup against SHA256SUMS; its manifest."""
    sums = folder / SUMS
    if not sums.is_file():
        raise BackupError(f"{folder} is not a complete POET backup: it has no {SUMS}.")
    listed = {}
    for line in sums.read_text().splitlines():
        digest, _, part = line.partition("  ")
        listed[part] = digest
    for part in (DUMP, MEDIA, MANIFEST):
        if part not in listed or not (folder / part).is_file():
            raise BackupError(f"The backup lacks {part}.")
        if _sha256(folder / part) != listed[part]:
            raise BackupError(f"{part} does not match its checksum: the backup is damaged.")
    manifest = json.loads((folder / MANIFEST).read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _is_empty(database: dict[str, Any]) -> bool:
    tables = (
        "SELECT count(*) FROM pg_tables "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
    )
    return _query(database, tables) == "0"


def restore(
    folder: Path,
    *,
    database_url: str | None = None,
    media_root: Path | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Restore a verified backup into the database and MEDIA_ROOT (or those given); what was
    restored and which of this POET's migrations the backup lacks (run `migrate` for those)."""
    from django.conf import settings

    manifest = verify(folder)
    unknown = sorted(set(manifest["migrations"]) - _known_migrations())
    if unknown:
        raise BackupError(
            "The backup was made by a newer POET (migrations this one lacks: "
            f"{', '.join(unknown[:5])}{' …' if len(unknown) > 5 else ''}). Install that "
            "version, then restore."
        )
    database = _database(database_url)
    args, env = _pg(database)
    target_media = Path(media_root or settings.MEDIA_ROOT)
    if not force:
        if not _is_empty(database):
            raise BackupError(
                f"The database {database['NAME']} is not empty. Restore into a new database, or "
                "give --force to replace its contents."
            )
        if target_media.is_dir() and any(target_media.iterdir()):
            raise BackupError(f"{target_media} is not empty. Give an empty folder, or --force.")
    command = ["pg_restore", *args, "--dbname", database["NAME"], "--no-owner", "--no-privileges"]
    command += ["--exit-on-error", "--single-transaction"]
    if force:
        command += ["--clean", "--if-exists"]
    _run([*command, str(folder / DUMP)], env)
    if force and target_media.exists():
        shutil.rmtree(target_media)
    target_media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA) as archive:
        archive.extractall(target_media, filter="data")  # no absolute paths, links or ../
    pending = sorted(_known_migrations() - set(manifest["migrations"]))
    return {"manifest": manifest, "media_root": str(target_media), "pending_migrations": pending}


# --- the scripts -------------------------------------------------------------------------------


def _setup() -> None:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poet.settings")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/backup or scripts/restore")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="back up the database and MEDIA_ROOT")
    make.add_argument("destination", nargs="?", default=os.environ.get("BACKUP_DIR", "var/backups"))
    make.add_argument("--keep", type=int, help="then keep only this many newest backups there")
    back = commands.add_parser("restore", help="restore a backup folder")
    back.add_argument("folder")
    back.add_argument("--database-url", help="restore into this database (default DATABASE_URL)")
    back.add_argument("--media-root", help="unpack the files here (default MEDIA_ROOT)")
    back.add_argument("--force", action="store_true", help="replace a non-empty database/folder")
    back.add_argument("--verify-only", action="store_true", help="only check the checksums")
    options = parser.parse_args(argv)
    _setup()
    try:
        if options.command == "backup":
            folder = backup(Path(options.destination), keep=options.keep)
            manifest = json.loads((folder / MANIFEST).read_text())
            files = manifest["media"]["files"]
            print(f"Backed up {manifest['database']} and {files} files to {folder}")
            return 0
        if options.verify_only:
            manifest = verify(Path(options.folder))
            print(f"{options.folder}: every checksum matches (made {manifest['created_at']}).")
            return 0
        done = restore(
            Path(options.folder),
            database_url=options.database_url,
            media_root=Path(options.media_root) if options.media_root else None,
            force=options.force,
        )
    except BackupError as problem:
        print(f"Stopped: {problem}", file=sys.stderr)
        return 1
    made = done["manifest"]["created_at"]
    print(f"Restored the backup made {made}; files in {done['media_root']}.")
    if done["pending_migrations"]:
        print("This POET has newer migrations: run `python manage.py migrate` before starting it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
