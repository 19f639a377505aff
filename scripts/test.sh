#!/usr/bin/env bash
# The whole suite: lint, then every test on SQLite, then every test again on a
# throwaway PostgreSQL together with the browser tests (Playwright + Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
export PYTHONDONTWRITEBYTECODE=1 DJANGO_ALLOW_ASYNC_UNSAFE=true

scripts/debian-packages.sh postgresql chromium gettext libpango-1.0-0 libpangoft2-1.0-0 \
  libharfbuzz-subset0 fonts-dejavu-core

echo "== lint"
$VENV/bin/ruff check .
$VENV/bin/ruff format --check .

echo "== translations"
DEBUG=1 $VENV/bin/python manage.py compilemessages --ignore=.venv -v0
DEBUG=1 $VENV/bin/python manage.py makemigrations --check --dry-run -v1 >/dev/null

echo "== tests on SQLite"
env -u DATABASE_URL $VENV/bin/pytest -q -m "not browser" "$@"

echo "== tests on PostgreSQL, with the browser tests"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
PGDIR=$(mktemp -d)
PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$PGDIR"
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap cleanup EXIT
as_pg "$PGBIN/initdb" -A trust -U postgres -D "$PGDIR/data" >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -w -l "$PGDIR/log" \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
as_pg "$PGBIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres \
  -c "CREATE ROLE yhdyspinta LOGIN CREATEDB PASSWORD 'yhdyspinta'"
export DATABASE_URL="postgres://yhdyspinta:yhdyspinta@127.0.0.1:$PGPORT/yhdyspinta"
$VENV/bin/pytest -q --liveserver 127.0.0.1 "$@"
