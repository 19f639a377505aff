#!/usr/bin/env bash
# The whole suite, at once once the demo is made: the static checks; the tests on SQLite
# (the embedded default: every test but those of what pages, documents and the API show,
# marked `pages`, whose reads both databases run alike); and every test on a throwaway
# PostgreSQL, production's database, with the browser tests (Playwright + Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
# Bytecode is written: each of the suite's some hundred Python processes (test workers,
# task workers, servers, the production check's) would otherwise compile Django and the
# app anew, 3 s each on a fresh clone.
export DJANGO_ALLOW_ASYNC_UNSAFE=true
# The tests live on the demo's day at the real time of day, counted from the midnight
# before this run for both passes, so that the clock never runs back (testing/clock.py).
YHDYSPINTA_TEST_CLOCK_ANCHOR=$(TZ=Europe/Helsinki date -d "$(TZ=Europe/Helsinki date +%F)" +%s)
export YHDYSPINTA_TEST_CLOCK_ANCHOR

scripts/debian-packages.sh postgresql chromium gettext libpango-1.0-0 libpangoft2-1.0-0 \
  libharfbuzz-subset0 fonts-dejavu-core nginx openssl

# The committed catalogues compiled first: the tests read them.
DEBUG=1 $VENV/bin/python manage.py compilemessages --ignore=.venv -v0

# The static checks (lint, the layer contract, types, the docs' build, translations and
# migrations up to date, and the production stack of deploy/) run beside the tests; their
# output follows the tests'.
CHECKS_LOG=$(mktemp)
(
  set -e
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

# Two test processes (pytest-xdist) a pass; each has its own test database. Not worksteal:
# a stolen plain test could run after a transactional one has emptied that process's
# tables. TEST_WORKERS=0 runs in one process.
WORKERS=(-n "${TEST_WORKERS:-2}")

# The migrated schema and the demo, made once on SQLite and kept (testing/demo_cache.py)
# by one test that reads the demo, so that both passes copy them rather than load them.
echo "== the demo for the tests"
env -u DATABASE_URL $VENV/bin/pytest -q \
  "src/yhdyspinta/tests/test_public_crawl.py::test_the_leak_check_finds_a_name_in_any_case_and_only_whole"

# The two passes run together with the checks: each leaves a core partly idle while its
# processes wait (on the demo's copy, a browser, a worker process, a server); the SQLite
# pass's and the checks' output follows the PostgreSQL pass's.
SQLITE_LOG=$(mktemp)
env -u DATABASE_URL $VENV/bin/pytest -q "${WORKERS[@]}" -m "not browser and not once and not pages" "$@" \
  >"$SQLITE_LOG" 2>&1 &
SQLITE=$!

echo "== tests on PostgreSQL, with the browser tests"
status=0
scripts/with-postgres.sh $VENV/bin/pytest -q "${WORKERS[@]}" --liveserver 127.0.0.1 "$@" || status=$?

echo "== tests on SQLite"
sqlite=0
wait "$SQLITE" || sqlite=$?
cat "$SQLITE_LOG"
checks=0
wait "$CHECKS" || checks=$?
cat "$CHECKS_LOG"
if [ "$checks" -ne 0 ]; then
  echo "== the static checks failed"
  exit 1
fi
if [ "$sqlite" -ne 0 ]; then
  echo "== the tests on SQLite failed"
  exit 1
fi
exit "$status"
