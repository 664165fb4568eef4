#!/usr/bin/env bash
# Set up and run the whole system on this machine: web (gunicorn), Celery worker and Celery beat.
# Embedded defaults: a private PostgreSQL in var/pgdata and a broker in var/broker, nothing to install by hand.
# Set DATABASE_URL and CELERY_BROKER_URL to use real servers instead. Ctrl-C stops everything cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/python scripts/serve.py "$@"
