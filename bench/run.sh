#!/usr/bin/env bash
# `make bench`: the benchmarks, each printing its figures. They need PostgreSQL (a database of their own each,
# created if missing) and take minutes at full size; BENCH_CLUES sets the size (default 1,000,000).
set -euo pipefail
cd "$(dirname "$0")/.."
CLUES="${BENCH_CLUES:-1000000}"
for db in ulanxin_bench_sweep ulanxin_bench; do
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
done
echo "== supervision sweep =="
DATABASE_URL=postgres://postgres@127.0.0.1:5432/ulanxin_bench_sweep .venv/bin/python bench/supervision_bench.py \
  --clues "$CLUES" --due 10000
if [ -f bench/reports_bench.py ]; then
  echo "== completion report =="
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/ulanxin_bench .venv/bin/python bench/reports_bench.py --clues "$CLUES"
fi
