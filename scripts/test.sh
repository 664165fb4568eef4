#!/usr/bin/env bash
# Set up and run the whole test suite against real PostgreSQL and Redis (started here if they are not running).
# Extra arguments go to pytest, e.g. scripts/test.sh tests/cases -x (without arguments: the whole suite on every core)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test

pg_up() { .venv/bin/python - "$1" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception:
    sys.exit(1)
PY
}

# PostgreSQL: DATABASE_URL if given, else the local server on 5432 (started if installed but stopped),
# else a private PostgreSQL in var/test-pgdata (pgserver: a real server, no installation needed).
embedded_pg=""
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
  if ! pg_up "$DATABASE_URL"; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
      echo ">> Starting the local PostgreSQL cluster"
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
      sleep 2
    fi
  fi
  if ! pg_up "$DATABASE_URL"; then
    echo ">> No PostgreSQL on 127.0.0.1:5432: starting a private one in var/test-pgdata"
    mkdir -p var
    export DATABASE_URL=$(.venv/bin/python scripts/embedded_pg.py start var/test-pgdata)
    embedded_pg=var/test-pgdata
  fi
  export DATABASE_URL="${DATABASE_URL%/postgres}/enforcement"
fi

# Redis on 6379 (the broker and cache of the tests), started here if it is not running.
if ! .venv/bin/python -c "import redis,sys; redis.Redis(host='127.0.0.1', port=6379, socket_connect_timeout=2).ping()" 2>/dev/null; then
  echo ">> Starting Redis on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  sleep 1
fi

cleanup() { [ -n "$embedded_pg" ] && .venv/bin/python scripts/embedded_pg.py stop "$embedded_pg" || true; }
trap cleanup EXIT

mkdir -p test-artifacts
# The whole suite (no arguments) runs on every core with pytest-xdist, at most 4 workers: each worker has its own test
# database (pytest-django's _gwN suffix), Redis cache and broker databases (pytest.ini's 14/15 for gw0, 12/13 for gw1,
# ...) and var directory (tests/xdist_isolation.py); each test file stays on one worker (--dist loadfile), so module
# fixtures and a file's order are as in a serial run. ENF_TEST_WORKERS=N sets the count (1: no xdist). With arguments
# (a file, -k, ...) pytest runs them as given, in one process unless ENF_TEST_WORKERS or -n says otherwise.
xdist=()
workers="${ENF_TEST_WORKERS:-}"
if [ -z "$workers" ] && [ $# -eq 0 ]; then
  workers=$(nproc 2>/dev/null || echo 1)
  [ "$workers" -gt 4 ] && workers=4
fi
if [ -n "$workers" ] && [ "$workers" -gt 1 ]; then
  xdist=(-n "$workers" --dist loadfile)
fi
status=0
.venv/bin/python -m pytest -q -rfE "${xdist[@]}" "$@" || status=$?
exit $status
