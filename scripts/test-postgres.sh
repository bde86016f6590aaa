# Sourced by test.sh: gives the tests a throwaway PostgreSQL server and exports IDFLOW_TEST_POSTGRES_URL.
#
# Installs Debian's server when it is missing, initialises a cluster in a temp dir (as the `postgres` user when run
# as root: initdb refuses root), starts it on a free loopback port (54339 unless taken; never the development
# server's 54329) and stops it and removes the dir when the calling shell exits. A URL already set in
# IDFLOW_TEST_POSTGRES_URL is used as it is, and no server is started.

if [ -n "${IDFLOW_TEST_POSTGRES_URL:-}" ]; then
  echo "== PostgreSQL for the tests: using IDFLOW_TEST_POSTGRES_URL"
  return 0 2>/dev/null || exit 0
fi

pg_bindir() {
  local dir
  dir="$(pg_config --bindir 2>/dev/null || true)"
  if [ -n "$dir" ] && [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/postgres" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

if ! PGBIN="$(pg_bindir)"; then
  echo "== installing PostgreSQL (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  PGBIN="$(pg_bindir)"
fi

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

IDFLOW_PG_PORT="${IDFLOW_TEST_POSTGRES_PORT:-54339}"
while port_in_use "$IDFLOW_PG_PORT"; do IDFLOW_PG_PORT=$((IDFLOW_PG_PORT + 1)); done

IDFLOW_PG_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/idflow-test-pg.XXXXXX")"
as_pg_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$IDFLOW_PG_ROOT"

stop_test_postgres() {
  if [ -f "$IDFLOW_PG_ROOT/data/postmaster.pid" ]; then
    as_pg_owner "$PGBIN/pg_ctl" -D "$IDFLOW_PG_ROOT/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$IDFLOW_PG_ROOT"
}
trap stop_test_postgres EXIT

echo "== starting a throwaway PostgreSQL ($("$PGBIN/postgres" --version | awk '{print $3}')) on 127.0.0.1:$IDFLOW_PG_PORT"
as_pg_owner "$PGBIN/initdb" -D "$IDFLOW_PG_ROOT/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$IDFLOW_PG_ROOT/initdb.log"
# fsync off: a test server that is thrown away at exit needs no durability, and the suite commits a lot.
as_pg_owner "$PGBIN/pg_ctl" -D "$IDFLOW_PG_ROOT/data" -l "$IDFLOW_PG_ROOT/server.log" -w -t 30 \
  -o "-p $IDFLOW_PG_PORT -k $IDFLOW_PG_ROOT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
export IDFLOW_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$IDFLOW_PG_PORT/idflow_tests"
