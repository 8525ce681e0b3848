# One image for every POET service: web (gunicorn), worker and beat (Celery) and the one-shot
# migrate (docker-compose.yml builds it once). Checked by hadolint (tests/operations/test_image.py).
#
# The base is pinned by version and by digest (the multi-architecture index of the official
# python:3.11.14-slim-bookworm), so a rebuild gets the same system. Move both together:
#   docker buildx imagetools inspect python:3.11-slim-bookworm
FROM python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BROWSER_PATH=/usr/bin/chromium
WORKDIR /app
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# Pango and fonts for WeasyPrint (PDF guides and reports); Chromium for Plotly's chart images
# (kaleido finds it through BROWSER_PATH; without it PDF charts fall back to tables); the
# PostgreSQL 15 client (as the postgres service) for scripts/backup and scripts/restore.
# Debian's versions are not pinned (DL3008, .hadolint.yaml): bookworm's security updates replace
# them, and the pinned base fixes the release.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        chromium fonts-dejavu-core fonts-liberation fonts-noto-core \
        postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first (pinned by constraints.txt), so a code change reuses this layer.
COPY pyproject.toml constraints.txt README.md ./
COPY poet poet
COPY surveys surveys
COPY outcomes outcomes
COPY reports reports
RUN pip install -c constraints.txt .

# The rest of the code; .dockerignore keeps out .env, .git, .venv, databases, media, var/ and
# test output.
COPY . .
RUN SECRET_KEY=build-only-collectstatic-never-a-real-secret-key python manage.py collectstatic --noinput

# Runs as its own user; var/ holds the media files, beat's schedule and backups (volumes).
ARG POET_REVISION=unknown
ENV POET_REVISION=${POET_REVISION}
RUN groupadd --system --gid 1000 poet \
    && useradd --system --uid 1000 --gid 1000 --create-home poet \
    && mkdir -p var/media var/beat var/backups \
    && chown -R 1000:1000 var
USER 1000:1000
EXPOSE 8000
CMD ["gunicorn", "-c", "poet/gunicorn.conf.py", "poet.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
