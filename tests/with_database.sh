#!/usr/bin/env bash
# Runs a command with DATABASE_URL pointing at PostgreSQL, chosen in this order:
#   1. DATABASE_URL when it is already set;
#   2. a server answering on 127.0.0.1:5432;
#   3. a throwaway cluster started from the installed PostgreSQL binaries (removed on exit);
#   4. none: the command runs on SQLite and the PostgreSQL-only tests say why they skip.
set -euo pipefail
python=${PYTHON:-.venv/bin/python}

can_connect() {
  "$python" - "$1" <<'PY' >/dev/null 2>&1
import sys, psycopg
psycopg.connect(sys.argv[1], dbname="postgres", connect_timeout=3).close()
PY
}

if [ -n "${DATABASE_URL:-}" ]; then
  echo "make test: database from DATABASE_URL (${DATABASE_URL%%://*})"
elif can_connect "postgresql://${PGUSER:-$(id -un)}@127.0.0.1:5432/postgres"; then
  export DATABASE_URL="postgres://${PGUSER:-$(id -un)}@127.0.0.1:5432/inkwell"
  echo "make test: PostgreSQL on 127.0.0.1:5432"
elif initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1) && [ -n "$initdb" ]; then
  bin=$(dirname "$initdb")
  dir=$(mktemp -d /tmp/inkwell-pg.XXXXXX)
  port=54329
  as_owner=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; as_owner=(runuser -u postgres --); fi
  "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust >/dev/null
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" -l "$dir/log" -w start >/dev/null
  trap '"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null; rm -rf "$dir"' EXIT
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "make test: throwaway PostgreSQL cluster on 127.0.0.1:$port"
else
  unset DATABASE_URL
  echo "make test: no PostgreSQL found; running on SQLite. The concurrency tests that prove locking are skipped (listed below)."
fi
"$@"
