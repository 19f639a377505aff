#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL on loopback: DATABASE_URL points at it, and
# it is stopped and removed when the command ends. Used by `make test` and `make bench`.
set -euo pipefail
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
  -c "CREATE ROLE yhdyspinta LOGIN CREATEDB PASSWORD 'yhdyspinta'" \
  -c "CREATE DATABASE yhdyspinta OWNER yhdyspinta"
export DATABASE_URL="postgres://yhdyspinta:yhdyspinta@127.0.0.1:$PGPORT/yhdyspinta"
"$@"
