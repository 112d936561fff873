#!/usr/bin/env bash
# The whole test suite, set-up included: installs civicloop with its test dependencies,
# Debian's chromium (browser tests) and postgresql (database tests) when missing, starts a
# throwaway PostgreSQL server, then runs ruff and pytest on SQLite and again on PostgreSQL.
#   usage: scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ -n "${VIRTUAL_ENV:-}" ]; then PY="$VIRTUAL_ENV/bin/python"; fi

echo "== installing civicloop and its test dependencies"
"$PY" -m pip install --quiet --disable-pip-version-check -e ".[test]"

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium fonts-dejavu-core)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)  # Spark (local mode)
command -v xgettext >/dev/null 2>&1 || need_apt+=(gettext)  # the catalog's completeness test
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

echo "== starting PostgreSQL"
eval "$(scripts/postgres.sh)"
export CIVICLOOP_TEST_PG
PG_DB_URL="${CIVICLOOP_TEST_PG%/*}/civicloop"

echo "== ruff"
"$PY" -m ruff check .

export CIVICLOOP_ARTIFACTS="${CIVICLOOP_ARTIFACTS:-$PWD/artifacts}"
# One worker per core; tests that share a demo server or the Spark JVM run in one worker.
WORKERS=(-n "${CIVICLOOP_TEST_WORKERS:-auto}" --dist loadgroup)
echo "== pytest on SQLite (everything, browser tests included)"
env -u CIVICLOOP_DATABASE_URL -u CIVICLOOP_WORKSPACE "$PY" -m pytest -q "${WORKERS[@]}" "$@"

echo "== pytest on PostgreSQL (every test that touches the database)"
CIVICLOOP_DATABASE_URL="$PG_DB_URL" CIVICLOOP_TEST_DB_ONLY=1 \
  env -u CIVICLOOP_WORKSPACE "$PY" -m pytest -q "${WORKERS[@]}" "$@"
