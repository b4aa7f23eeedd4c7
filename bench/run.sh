#!/usr/bin/env bash
# `make bench`: the benchmarks, each printing its figures (record them in bench/RESULTS.md). They need
# PostgreSQL (a database of their own each, created if missing) and Redis, and take minutes at full size;
# BENCH_CLUES sets the size of the clue table (default 1,000,000), BENCH_ONLY one of: sweep report warnings intake.
set -euo pipefail
cd "$(dirname "$0")/.."
CLUES="${BENCH_CLUES:-1000000}"
ONLY="${BENCH_ONLY:-}"
PG=postgres://postgres@127.0.0.1:5432
want() { [ -z "$ONLY" ] || [ "$ONLY" = "$1" ]; }

# The intake benchmark's load generator: wrk, from Debian's packages.
if want intake && ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null || true
  fi
  command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk): the intake benchmark cannot run."; exit 1; }
fi

if want sweep; then
  echo "== supervision sweep =="
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='ulanxin_bench_sweep'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE ulanxin_bench_sweep"
  DATABASE_URL=$PG/ulanxin_bench_sweep .venv/bin/python bench/supervision_bench.py --clues "$CLUES" --due 10000
fi
if want report; then
  echo "== completion report =="
  DATABASE_URL=$PG/ulanxin_bench .venv/bin/python bench/reports_bench.py --clues "$CLUES"
fi
if want warnings; then
  echo "== early warnings: evaluation, board, payroll upload =="
  DATABASE_URL=$PG/ulanxin_bench_warnings .venv/bin/python bench/wage_warnings_bench.py \
    --projects 10000 --lines 1000000
fi
if want intake; then
  echo "== intake against a bare DRF insert =="
  DATABASE_URL=$PG/ulanxin_bench_intake REDIS_URL="${BENCH_REDIS_URL:-redis://127.0.0.1:6379/13}" \
    .venv/bin/python bench/intake_bench.py --clues "$CLUES"
fi
