"""The benchmarks under bench/ still run against today's schema (at a tiny size, in a database of their own), so
a schema change cannot silently break `make bench`."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
SMOKE_DB = "ulanxin_bench_smoke"


def _server_url(dbname):
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    return f"postgres://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{dbname}"


@pytest.fixture(scope="module")
def bench_database(django_db_blocker):
    with django_db_blocker.unblock():
        url = _server_url("postgres").replace("postgres://", "postgresql://")
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SMOKE_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {SMOKE_DB}")
        yield _server_url(SMOKE_DB)
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {SMOKE_DB} WITH (FORCE)")


def _run(script, args, database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    result = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout


@pytest.mark.postgres
def test_the_supervision_benchmark_runs(bench_database):
    out = _run("supervision_bench.py", ["--small", "200", "--clues", "400", "--due", "50"], bench_database)
    assert "taken=50" in out


@pytest.mark.postgres
def test_the_report_benchmark_runs(bench_database):
    out = _run("reports_bench.py", ["--clues", "2000", "--years", "1", "--repeat", "1", "--regenerate"],
               bench_database)
    assert out.strip()
