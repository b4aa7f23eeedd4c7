#!/usr/bin/env bash
# `make test`: ruff, then the whole pytest suite against the real PostgreSQL and Redis.
# Outside CI, a missing service is said plainly and the tests that need it are skipped; with CI=true
# nothing may be skipped (tests/conftest.py turns any skip into a failure).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

bash scripts/system_deps.sh

export DATABASE_URL="${TEST_DATABASE_URL:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/ulanxin}}"
export REDIS_URL="${TEST_REDIS_URL:-${REDIS_URL:-redis://127.0.0.1:6379/15}}"

if ! $PY - <<'PYEOF'
import os, sys, psycopg
try:
    psycopg.connect(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://"), dbname="postgres",
                    connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL is not reachable at {os.environ['DATABASE_URL']}: {exc}")
    sys.exit(1)
PYEOF
then
  if [ "${CI:-}" = "true" ]; then echo "CI: PostgreSQL is required."; exit 1; fi
  echo ">>> Running on SQLite instead: the PostgreSQL-only tests (concurrency, locks) will be SKIPPED."
  export DATABASE_URL="sqlite:///$(pwd)/var/test.sqlite3"
fi
if ! $PY -c "import os, redis; redis.Redis.from_url(os.environ['REDIS_URL'], socket_timeout=3).ping()" 2>/dev/null; then
  if [ "${CI:-}" = "true" ]; then echo "CI: Redis is required at $REDIS_URL."; exit 1; fi
  echo ">>> Redis is not reachable at $REDIS_URL: the tests that need Redis will be SKIPPED."
  export REDIS_UNAVAILABLE=1
  unset REDIS_URL
fi

echo ">>> ruff check"
.venv/bin/ruff check .
echo ">>> import-linter: apps import downward only (the floors in pyproject.toml)"
.venv/bin/lint-imports --no-cache

# Known vulnerabilities in the pinned runtime requirements. pip-audit needs PyPI's JSON API (or OSV); where it
# cannot reach it, it says "could not be audited": that is reported plainly and does not stop the suite,
# while a vulnerability found always does.
echo ">>> pip-audit requirements.txt"
audit_rc=0
audit_out=$(.venv/bin/pip-audit -r requirements.txt --disable-pip --no-deps --progress-spinner off 2>&1) || audit_rc=$?
if grep -qi "known vulnerabilit" <<<"$audit_out" && ! grep -q "No known vulnerabilities found" <<<"$audit_out"; then
  echo "$audit_out"; echo ">>> pip-audit: known vulnerabilities in requirements.txt"; exit 1
elif grep -q "could not be audited" <<<"$audit_out" || [ "$audit_rc" -ne 0 ]; then
  echo ">>> pip-audit: NOT AUDITED — the advisory database is not reachable from this machine:"
  grep -m3 -E "could not be audited|Error" <<<"$audit_out" || true
else
  echo ">>> pip-audit: no known vulnerabilities"
fi
echo ">>> pytest"
# Both cores by default (pytest-xdist); `make test ARGS="..."` replaces this.
if [ "$#" -eq 0 ]; then set -- -n 2; fi
exec .venv/bin/pytest "$@"
