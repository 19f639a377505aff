#!/usr/bin/env bash
# Restore a backup made by backup.sh into an EMPTY database and files folder:
#   deploy/restore.sh BACKUP_DIR
# Reads DATABASE_URL and MEDIA_ROOT like backup.sh. Refuses a database that has tables
# or a files folder that has files: restore into new ones, then point the installation
# at them (or empty them yourself, knowingly). Then run deploy/upgrade.sh if the backup
# is from an older release.
set -euo pipefail
FROM=${1:?usage: deploy/restore.sh BACKUP_DIR}
ENV_FILE=${YHDYSPINTA_ENV:-/etc/yhdyspinta/yhdyspinta.env}
if [ -z "${DATABASE_URL:-}" ] && [ -r "$ENV_FILE" ]; then set -a; . "$ENV_FILE"; set +a; fi
: "${DATABASE_URL:?DATABASE_URL is not set}" "${MEDIA_ROOT:?MEDIA_ROOT is not set}"
(cd "$FROM" && sha256sum --check --quiet SHA256SUMS)
tables=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore.sh: the database already has $tables tables; restore into an empty one" >&2
  exit 1
fi
mkdir -p "$MEDIA_ROOT"
if [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
  echo "restore.sh: $MEDIA_ROOT is not empty; restore into an empty folder" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$DATABASE_URL" "$FROM/database.dump"
tar -C "$MEDIA_ROOT" -xzf "$FROM/media.tar.gz"
echo "restored $FROM"
