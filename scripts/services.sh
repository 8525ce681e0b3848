# Throwaway PostgreSQL cluster and Redis server for tests and benchmarks, on free loopback ports.
# Source it, then: poet_services_start; ...; poet_services_stop
# Exports DATABASE_URL and CELERY_BROKER_URL. Installs Redis (and Chromium for browser tests)
# with apt-get when they are missing and this user may.

poet_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

poet_apt_install() {
  # $@: Debian packages to install when missing and we are root.
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing $* with apt-get" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >/dev/null
  else
    echo "Missing: $* (install them, e.g. sudo apt-get install $*)" >&2
    return 1
  fi
}

poet_services_start() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  command -v msgfmt >/dev/null || missing+=(gettext)  # the Welsh catalogue's test
  fc-list 2>/dev/null | grep "Noto Nastaliq Urdu" >/dev/null || missing+=(fonts-noto-core)  # Urdu, Arabic pages
  if [ ${#missing[@]} -gt 0 ]; then poet_apt_install "${missing[@]}" || true; fi

  POET_SERVICES_DIR=$(mktemp -d /tmp/poet-services.XXXXXX)
  export POET_SERVICES_DIR
  local pgbin initdb_bin
  initdb_bin=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | tail -n 1 || true)
  if [ -z "$initdb_bin" ]; then
    poet_apt_install postgresql || { echo "PostgreSQL server binaries are missing" >&2; return 1; }
    initdb_bin=$(ls /usr/lib/postgresql/*/bin/initdb | tail -n 1)
  fi
  pgbin=$(dirname "$(readlink -f "$initdb_bin")")
  PG_PORT=$(poet_free_port)
  local as=()
  if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root: the cluster belongs to the postgres user.
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$POET_SERVICES_DIR"
    as=(runuser -u postgres --)
  fi
  POET_PG=("${as[@]}" "$pgbin/pg_ctl" -D "$POET_SERVICES_DIR/pg")
  "${as[@]}" "$pgbin/initdb" -D "$POET_SERVICES_DIR/pg" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >/dev/null
  "${POET_PG[@]}" -l "$POET_SERVICES_DIR/pg.log" -w -t 60 -o "-p $PG_PORT -k $POET_SERVICES_DIR \
    -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c max_connections=200" start >/dev/null
  "$pgbin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres poet 2>/dev/null \
    || "${as[@]}" "$pgbin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres poet

  REDIS_PORT=$(poet_free_port)
  redis-server --daemonize yes --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --pidfile "$POET_SERVICES_DIR/redis.pid" --logfile "$POET_SERVICES_DIR/redis.log" \
    --dir "$POET_SERVICES_DIR"
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/poet"
  export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
  export POET_REDIS_PORT=$REDIS_PORT POET_PG_BIN=$pgbin POET_PG_DATA="$POET_SERVICES_DIR/pg"
  echo "PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT ($POET_SERVICES_DIR)" >&2
}

poet_services_stop() {
  [ -n "${POET_SERVICES_DIR:-}" ] || return 0
  [ -n "${POET_REDIS_PORT:-}" ] && redis-cli -p "$POET_REDIS_PORT" shutdown nosave >/dev/null 2>&1
  "${POET_PG[@]}" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$POET_SERVICES_DIR"
  POET_SERVICES_DIR=
}
