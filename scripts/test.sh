#!/usr/bin/env bash
# The whole suite: the static checks, beside the tests on SQLite (the embedded default: every
# test but those of what pages, documents and the API show, marked `pages`, whose reads both
# databases run alike), then every test on a throwaway PostgreSQL, production's database,
# together with the browser tests (Playwright + Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
# Bytecode is written: each of the suite's some hundred Python processes (test workers,
# task workers, servers, the production check's) would otherwise compile Django and the
# app anew, 3 s each on a fresh clone.
export DJANGO_ALLOW_ASYNC_UNSAFE=true
if [ -z "${YHDYSPINTA_TEST_POSTGRES:-}" ]; then
  # The tests live on the demo's day at the real time of day, counted from the midnight
  # before this run for both passes, so that the clock never runs back (testing/clock.py).
  YHDYSPINTA_TEST_CLOCK_ANCHOR=$(PYTHONPATH=src $VENV/bin/python -c \
    "from yhdyspinta.testing.clock import anchor; print(anchor())")
  export YHDYSPINTA_TEST_CLOCK_ANCHOR

  scripts/debian-packages.sh postgresql chromium gettext libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core nginx openssl

  # The committed catalogues compiled first: the tests read them.
  DEBUG=1 $VENV/bin/python manage.py compilemessages --ignore=.venv -v0

  # The rest with a throwaway PostgreSQL for the whole run (DATABASE_URL).
  export YHDYSPINTA_TEST_POSTGRES=1
  exec scripts/with-postgres.sh "$0" "$@"
fi

# The schema the PostgreSQL tests' databases are copied from, migrated once beside the
# SQLite tests, whose second process waits meanwhile for the first to migrate and load
# the demo (testing/demo_cache.py); the PostgreSQL pass would otherwise start with one
# process migrating while the other waits.
# A run that stops early (a failed pass) stops what it started beside it too: each job's
# processes, children first (the production check's own PostgreSQL stops by its trap).
stop_tree() {
  local child
  for child in $(pgrep -P "$1" || true); do stop_tree "$child"; done
  kill "$1" 2>/dev/null || true
}
trap 'stop_tree "${TEMPLATE:-}" 2>/dev/null; stop_tree "${CHECKS:-}" 2>/dev/null' EXIT
TEMPLATE_LOG=$(mktemp)
DEBUG=1 PYTHONPATH=src $VENV/bin/python -m yhdyspinta.testing.schema_template >"$TEMPLATE_LOG" 2>&1 &
TEMPLATE=$!

# The static checks (lint, the layer contract, types, the docs' build, translations and
# migrations up to date, and the production stack of deploy/) run beside the tests, whose
# second process mostly waits for the first to migrate and load the demo on a cold cache;
# their output follows the tests'.
CHECKS_LOG=$(mktemp)
(
  set -e
  unset DATABASE_URL
  echo "== lint"
  $VENV/bin/ruff check .
  $VENV/bin/ruff format --check .
  (cd src && ../$VENV/bin/lint-imports --config ../.importlinter | tail -n 3)
  echo "== types"
  DEBUG=1 $VENV/bin/mypy
  echo "== docs"
  NO_MKDOCS_2_WARNING=1 $VENV/bin/mkdocs build --strict --quiet --site-dir "$(mktemp -d)"
  echo "== migrations up to date"
  DEBUG=1 $VENV/bin/python manage.py makemigrations --check --dry-run -v1 >/dev/null
  echo "== the production stack from deploy/ (make production-check)"
  scripts/with-postgres.sh $VENV/bin/python scripts/production_check.py
) >"$CHECKS_LOG" 2>&1 &
CHECKS=$!

# Two test processes (pytest-xdist), one a core on the 2-core CI machine; each has its
# own test database. Not worksteal: a stolen plain test could run after a transactional
# one has emptied that process's tables. TEST_WORKERS=0 runs in one process.
WORKERS=(-n "${TEST_WORKERS:-2}")

echo "== tests on SQLite"
env -u DATABASE_URL $VENV/bin/pytest -q "${WORKERS[@]}" -m "not browser and not once and not pages" "$@"

# The checks go on beside the PostgreSQL pass (which leaves a core partly idle while its
# browser and server tests wait); a check that has already failed stops the run here.
checks=running
if ! kill -0 "$CHECKS" 2>/dev/null; then
  checks=0
  wait "$CHECKS" || checks=$?
  if [ "$checks" -ne 0 ]; then
    cat "$CHECKS_LOG"
    echo "== the static checks failed"
    exit 1
  fi
fi

if ! wait "$TEMPLATE"; then
  cat "$TEMPLATE_LOG"
  echo "== the PostgreSQL tests' schema could not be migrated"
  exit 1
fi
echo "== tests on PostgreSQL, with the browser tests"
status=0
$VENV/bin/pytest -q "${WORKERS[@]}" --liveserver 127.0.0.1 "$@" || status=$?

if [ "$checks" = running ]; then
  checks=0
  wait "$CHECKS" || checks=$?
fi
cat "$CHECKS_LOG"
if [ "$checks" -ne 0 ]; then
  echo "== the static checks failed"
  exit 1
fi
exit "$status"
