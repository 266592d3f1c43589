#!/usr/bin/env bash
# `make bench`'s scale part: the same benchmarks on SQLite (the settings as given, e.g.
# DATA_DIR=/tmp/full) and on a private PostgreSQL + Redis (data in $BENCH_PG_DIR, the
# $BENCH_PG_SCALE demo loaded on first run with COPY), then one side-by-side table appended to
# bench/results.md. PostgreSQL, Redis and gunicorn are started and stopped here.
#
#   bench/scale.sh                       # both backends
#   BENCH_BACKENDS=postgresql bench/scale.sh
#   BENCH_KOMMUNER=3 BENCH_DURATION=30 bench/scale.sh   # quicker, fewer samples
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")
OUT=${BENCH_OUT:-instance/bench}
PG_DIR=${BENCH_PG_DIR:-instance/bench-pg}
PG_SCALE=${BENCH_PG_SCALE:-full}
BACKENDS=${BENCH_BACKENDS:-sqlite postgresql}
RUN_ARGS=(--no-append --kommuner "${BENCH_KOMMUNER:-8}")
LOAD_ARGS=(--clients "${BENCH_CLIENTS:-50}" --duration "${BENCH_DURATION:-60}")
mkdir -p "$OUT"
rm -f "$OUT"/*.json
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}

parts() {  # backend
  "$PY" -m bench.run "${RUN_ARGS[@]}" --json "$OUT/$1-run.json"
  "$PY" -m bench.browser --json "$OUT/$1-browser.json"
  "$PY" -m bench.lighthouse --json "$OUT/$1-lighthouse.json"
  "$PY" -m bench.surge --json "$OUT/$1-surge.json"
  "$PY" -m bench.load "${LOAD_ARGS[@]}" --json "$OUT/$1-load.json"
}

for backend in $BACKENDS; do
  case $backend in
    sqlite)
      (unset DATABASE_URL TRACING_DATABASE_URL CACHE_TYPE CACHE_REDIS_URL; parts sqlite)
      ;;
    postgresql)
      if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || ! command -v redis-server >/dev/null; then
        echo "skipped: PostgreSQL part (postgresql or redis-server not installed; make services)"
        continue
      fi
      .ci/services.sh stop "$PG_DIR" 2>/dev/null || true
      .ci/services.sh start "$PG_DIR"
      trap '.ci/services.sh stop "$PG_DIR"' EXIT
      (
        # shellcheck disable=SC1091
        source "$PG_DIR/env"
        export DATA_DIR=$PG_DIR GEO_CACHE_DIR=${GEO_CACHE_DIR:-instance/geo}
        export DEMO_SCALE=$PG_SCALE DEMO_DATA=true
        # the full demo on first run (COPY; minutes), nothing when it is loaded already
        "$BIN/situasjonsbilde" setup --no-progress
        redis-cli -u "$CACHE_REDIS_URL" flushall >/dev/null
        parts postgresql
      )
      .ci/services.sh stop "$PG_DIR"
      trap - EXIT
      ;;
  esac
done
"$PY" -m bench.report "$OUT"
