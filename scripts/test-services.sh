#!/usr/bin/env bash
# Starts a throw-away PostgreSQL and Redis on loopback for the test suite, with data under a temporary
# directory. Prints the environment the tests need (TEST_DATABASE_URL, TEST_REDIS_URL, ...).
# Usage:  eval "$(bash scripts/test-services.sh start)"   ...   bash scripts/test-services.sh stop
set -euo pipefail

STATE_DIR="${FRONTDESK_SERVICES_DIR:-/tmp/frontdesk-test-services}"
PG_PORT="${FRONTDESK_TEST_PG_PORT:-54329}"
REDIS_PORT="${FRONTDESK_TEST_REDIS_PORT:-63799}"

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
  echo "$dir"
}

as_postgres() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin
  bin=$(pg_bin)
  mkdir -p "$STATE_DIR"
  chmod 755 "$STATE_DIR"
  if [ ! -f "$STATE_DIR/pg/PG_VERSION" ]; then
    mkdir -p "$STATE_DIR/pg"
    [ "$(id -u)" = "0" ] && chown postgres:postgres "$STATE_DIR/pg"
    as_postgres "$bin/initdb" -D "$STATE_DIR/pg" -A trust -U postgres --no-sync >"$STATE_DIR/initdb.log" 2>&1
  fi
  if ! as_postgres "$bin/pg_ctl" -D "$STATE_DIR/pg" status >/dev/null 2>&1; then
    as_postgres "$bin/pg_ctl" -D "$STATE_DIR/pg" -w -l "$STATE_DIR/pg/server.log" \
      -o "-p $PG_PORT -k $STATE_DIR/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" \
      start >/dev/null
  fi
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
      --daemonize yes --pidfile "$STATE_DIR/redis.pid" --logfile "$STATE_DIR/redis.log" --dir "$STATE_DIR"
    for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres"
  echo "export TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
  echo "export TEST_REDIS_SERVER=$(command -v redis-server)"
}

stop() {
  local bin
  bin=$(pg_bin)
  [ -d "$STATE_DIR/pg" ] && as_postgres "$bin/pg_ctl" -D "$STATE_DIR/pg" -m fast stop >/dev/null 2>&1 || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$STATE_DIR"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
