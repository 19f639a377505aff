#!/usr/bin/env bash
# The upgrade steps, in the app's folder after the new release's files are in place
# (git pull, or a new archive): take a backup first (backup.sh).
#   deploy/upgrade.sh [--no-restart]
# 1. the locked dependencies, 2. the database's migrations, 3. the cache table,
# 4. the compiled translations, 5. the static files, 6. the services restarted.
set -euo pipefail
cd "$(dirname "$0")/.."
ENV_FILE=${YHDYSPINTA_ENV:-/etc/yhdyspinta/yhdyspinta.env}
if [ -z "${DATABASE_URL:-}" ] && [ -r "$ENV_FILE" ]; then set -a; . "$ENV_FILE"; set +a; fi
make install
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py createcachetable
.venv/bin/python manage.py compilemessages --ignore=.venv -v0
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py check --deploy --fail-level WARNING
if [ "${1:-}" != "--no-restart" ]; then
  systemctl restart yhdyspinta-web yhdyspinta-worker yhdyspinta-mail
fi
