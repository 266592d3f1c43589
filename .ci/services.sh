#!/usr/bin/env bash
# A private PostgreSQL cluster and Redis on loopback, for the PostgreSQL test run and `make scale`.
#
#   .ci/services.sh install        apt-get install postgresql and redis-server when missing
#   .ci/services.sh start DIR      start both (cluster created on first start) on free ports;
#                                  writes DIR/env (DATABASE_URL, TRACING_DATABASE_URL,
#                                  CACHE_TYPE, CACHE_REDIS_URL, TEST_POSTGRES_URL, TEST_REDIS_URL)
#   .ci/services.sh stop DIR       stop both (only the processes started for DIR)
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` OS user.
set -euo pipefail

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bin" ] || { echo "PostgreSQL not installed (run: $0 install)" >&2; exit 1; }
  echo "$bin"
}

as_owner() {  # run a PostgreSQL command as the cluster owner
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

install() {
  local missing=()
  ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if [ ${#missing[@]} -eq 0 ]; then
    echo "postgresql and redis-server present"
    return
  fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # Debian's packages may start system-wide services; ours are private, so leave theirs alone.
}

start() {
  local dir bin pg_port redis_port
  dir=$(mkdir -p "$1" && cd "$1" && pwd)
  bin=$(pg_bin)
  mkdir -p "$dir/pg" "$dir/redis"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir/pg"
    # the postgres user must be able to reach its folder: only when it cannot, open the way
    # (search permission, not read) on the folders above it
    if ! runuser -u postgres -- test -w "$dir/pg"; then
      local p="$dir"
      while [ "$p" != "/" ]; do chmod o+x "$p" 2>/dev/null || true; p=$(dirname "$p"); done
    fi
  fi
  # throwaway test clusters skip durability (SERVICES_EPHEMERAL=1); `make scale` keeps it
  local fast=""
  [ "${SERVICES_EPHEMERAL:-0}" = 1 ] && fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if [ ! -f "$dir/pg/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$dir/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$dir/pg/initdb.log"
  fi
  pg_port=$(free_port)
  redis_port=$(free_port)
  as_owner "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 60 start \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $dir/pg $fast" \
    >/dev/null
  redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes --save "" --appendonly no \
    --dir "$dir/redis" --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log"
  for _ in $(seq 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  local server="postgresql+psycopg://postgres@127.0.0.1:$pg_port"
  for db in situasjonsbilde situasjonsbilde_tracing; do
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres "$db" 2>/dev/null || true
  done
  cat >"$dir/env" <<EOF
export DATABASE_URL=$server/situasjonsbilde
export TRACING_DATABASE_URL=$server/situasjonsbilde_tracing
export TEST_POSTGRES_URL=$server/postgres
export CACHE_TYPE=RedisCache
export CACHE_REDIS_URL=redis://127.0.0.1:$redis_port/0
export TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0
EOF
  echo "PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port (settings in $dir/env)"
}

stop() {
  local dir="$1" bin
  bin=$(pg_bin)
  if [ -f "$dir/pg/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null || true
  fi
  if [ -f "$dir/redis/redis.pid" ]; then
    kill "$(cat "$dir/redis/redis.pid")" 2>/dev/null || true
    rm -f "$dir/redis/redis.pid"
  fi
}

case "${1:-}" in
  install) install ;;
  start) start "${2:?folder}" ;;
  stop) stop "${2:?folder}" ;;
  *) echo "usage: $0 install | start DIR | stop DIR" >&2; exit 2 ;;
esac
