#!/usr/bin/env bash
# A backup of one installation: the database (pg_dump, custom format) and the uploaded
# files (MEDIA_ROOT as a tar), with their checksums, into DIR/<time>/.
#   deploy/backup.sh DIR
# Reads DATABASE_URL and MEDIA_ROOT from the environment, or from the file named by
# YHDYSPINTA_ENV (default /etc/yhdyspinta/yhdyspinta.env). Prints the backup's folder.
set -euo pipefail
DEST=${1:?usage: deploy/backup.sh DIR}
ENV_FILE=${YHDYSPINTA_ENV:-/etc/yhdyspinta/yhdyspinta.env}
if [ -z "${DATABASE_URL:-}" ] && [ -r "$ENV_FILE" ]; then set -a; . "$ENV_FILE"; set +a; fi
: "${DATABASE_URL:?DATABASE_URL is not set}" "${MEDIA_ROOT:?MEDIA_ROOT is not set}"
HERE="$DEST/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$HERE"
pg_dump --format=custom --no-owner --no-privileges --file "$HERE/database.dump" "$DATABASE_URL"
tar -C "$MEDIA_ROOT" -czf "$HERE/media.tar.gz" .
(cd "$HERE" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "$HERE"
