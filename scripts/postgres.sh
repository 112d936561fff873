#!/usr/bin/env bash
# Starts (or reuses) a throwaway PostgreSQL server for the test suite and benchmarks.
# Installs Debian's postgresql when it is missing. Prints the server URL on stdout.
#   usage: eval "$(scripts/postgres.sh)"   -> exports CIVICLOOP_TEST_PG
set -euo pipefail
PGPORT="${CIVICLOOP_PG_PORT:-54329}"
PGDATA="${CIVICLOOP_PG_DIR:-/tmp/civicloop-pg}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "installing Debian's postgresql..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
# initdb/postgres refuse to run as root: run them as the postgres system user.
RUNAS=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
  RUNAS=(runuser -u postgres --)
  mkdir -p "$PGDATA"; chown postgres "$PGDATA"
fi
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  "${RUNAS[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust --no-sync >/dev/null
fi
if ! "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  "${RUNAS[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -w -l "$PGDATA/server.log" \
    -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
fi
echo "export CIVICLOOP_TEST_PG=postgres://postgres@127.0.0.1:$PGPORT/postgres"
