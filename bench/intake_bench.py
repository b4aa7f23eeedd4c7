"""Benchmark of intake: the public submission endpoint against a bare DRF one-row insert, served the same way.

Both run under gunicorn (2 workers × 4 threads, gthread) on loopback, the project with production settings and
PUBLIC_RATE_LIMIT=0, the bare app (bench/bare/) with the same Django, DRF and psycopg pool settings. wrk posts
the same JSON body with a unique mobile number per request (bench/intake.lua): a warm-up, then rounds A/B/A/B
at each concurrency; the table gives the medians, the ratio, the 201s against the rows stored, and what a
submission costs in SQL. Then a Celery worker drains the SMS the run queued, and the peak RSS of a web worker
and of the Celery worker are read from /proc.

Before the load: the clue table is filled to --clues rows once (kept between runs) and ANALYZEd (this
PostgreSQL runs without autovacuum); the duplicate and repeat-visitor look-ups are EXPLAINed (no ANALYZE) with
the statistics and without them; a 10,000-row national import file is imported and timed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ulanxin_bench_intake REDIS_URL=redis://127.0.0.1:6379/13 \
        .venv/bin/python bench/intake_bench.py --clues 1000000 --port 8610
"""

import argparse
import contextlib
import csv
import io
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ulanxin_bench_intake")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ["PUBLIC_RATE_LIMIT"] = "0"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import psycopg  # noqa: E402

PY = sys.executable
BIN = Path(PY).parent
BODY = {
    "employer_name": "乌兰察布市某某建筑劳务有限公司", "complainant_name": "王勇", "complainant_phone": "PHONE",
    "worker_count": 6, "amount_owed": "36000", "work_address": "集宁区新华街与工农路交叉口工地",
    "district_code": "150902", "owed_from": "2026-08", "owed_to": "2026-10",
    "description": "2026年8月至10月的工资一直未发,包工头说等甲方拨款。", "consent": True,
}


def database_url(name=None):
    url = os.environ["DATABASE_URL"]
    return url if name is None else url.rsplit("/", 1)[0] + "/" + name


def ensure_database(url):
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(database_url("postgres").replace("postgres://", "postgresql://"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def run(cmd, env=None, **kwargs):
    return subprocess.run(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, check=True, **kwargs)


# --- the table the look-ups run against --------------------------------------------------------------------

FILL_CLUES = """
INSERT INTO clues_clue (tracking_code, channel, status, received_at, created_at, employer_name, employer_key,
    employer_credit_code, project_name, work_address, complainant_name, complainant_phone, complainant_id_number,
    worker_count, amount_owed, description, risk_color, risk_reasons, is_repeat_visitor, is_overdue, result,
    resolution_note, followup_note, version, unit_id, closed_at, ladder_dirty, request_digest, amount_implausible)
SELECT 'F' || lpad(g::text, 9, '0'), 'web', CASE WHEN g %% 5 = 0 THEN 'received' ELSE 'closed' END,
    now() - (g %% 1000) * interval '1 day' - (g %% 86400) * interval '1 second', now(),
    '用人单位' || (g %% 20000), '用人单位' || (g %% 20000), '',
    CASE WHEN g %% 2 = 0 THEN '项目' || (g %% 30000) ELSE '' END, '', '王勇',
    '138' || lpad((g::bigint * 7919 %% 100000000)::text, 8, '0'), '', 1 + g %% 40, (g %% 900000)::numeric, '', 'blue',
    '[]'::jsonb, false, false, CASE WHEN g %% 5 = 0 THEN '' ELSE 'paid_in_full' END, '', '', 1,
    CASE WHEN g %% 5 = 0 THEN NULL
         ELSE (ARRAY(SELECT id FROM dispatch_unit WHERE kind <> 'city' ORDER BY id))[1 + g %% 29] END,
    CASE WHEN g %% 5 = 0 THEN NULL ELSE now() - (g %% 1000) * interval '1 day' + interval '5 days' END, false, '', false
FROM generate_series(%s, %s) AS g
"""


def fill(total):
    """Fill clues_clue up to `total` generated rows (kept between runs); ANALYZE every table."""
    started = time.perf_counter()
    with psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=True) as conn:
        have = conn.execute("SELECT count(*) FROM clues_clue WHERE tracking_code LIKE 'F%%'").fetchone()[0]
        step = 200_000
        for lo in range(have + 1, total + 1, step):
            conn.execute(FILL_CLUES, [lo, min(lo + step - 1, total)])
        conn.execute("ANALYZE")
    return time.perf_counter() - started


# --- in-process measurements: SQL per submission, the look-up plans, the import, a profile -----------------

def django_setup():
    import django

    django.setup()


def random_phone(prefix):
    return prefix + "".join(secrets.choice("0123456789") for _ in range(11 - len(prefix)))


def submission_body(phone):
    return json.dumps(BODY, ensure_ascii=False).replace("PHONE", phone)


def queries_per_submission(n=20):
    """Median number of SQL statements of one public submission, one staff API submission and one imported row."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts, sample = [], []
    for _i in range(n):
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/api/v1/public/clues/", submission_body(random_phone("137")),
                                   content_type="application/json", HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 201, response.content
        counts.append(len(captured.captured_queries))
        sample = [q["sql"] for q in captured.captured_queries]
    staff = staff_queries(n)
    return statistics.median(counts), sample, staff


def staff_user():
    from django.contrib.auth.models import Group

    from accounts.models import User  # after django.setup()
    from accounts.roles import Role  # after django.setup()
    from units.models import Unit  # after django.setup()

    user, _created = User.objects.get_or_create(username="bench-intake", defaults={
        "unit": Unit.objects.get(code="150900")})
    user.groups.add(Group.objects.get(name=Role.INTAKE))
    return user


def staff_queries(n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(staff_user())
    counts = []
    for _i in range(n):
        body = dict(BODY, channel="hotline_12333", complainant_phone=random_phone("137"))
        with CaptureQueriesContext(connection) as captured:
            response = client.post("/api/v1/clues/", body, format="json", HTTP_X_FORWARDED_PROTO="https")
        assert response.status_code == 201, response.content
        counts.append(len(captured.captured_queries))
    return statistics.median(counts)


def lookup_plans():
    """EXPLAIN (no ANALYZE) of the look-ups triage makes for a clue like one in the table, with the planner
    statistics and with none (deleted and put back in a rolled-back transaction): the plan must not walk a
    whole index or the table."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from clues.models import Clue, TriageSettings  # after django.setup()
    from clues.triage import find_matches  # after django.setup()

    known = Clue.objects.filter(tracking_code__startswith="F", status="received", project_name__gt="").first()
    probe = Clue(complainant_phone=known.complainant_phone, complainant_id_number="110101199003071234",
                 employer_name=known.employer_name, employer_key=known.employer_key, project_name=known.project_name,
                 received_at=known.received_at)
    rules = TriageSettings.current()
    with CaptureQueriesContext(connection) as captured:
        find_matches(probe, rules)
    lookups = [q["sql"] for q in captured.captured_queries if "clues_clue" in q["sql"]]
    verdicts = {}
    for label in ("with statistics", "without statistics"):
        with transaction.atomic(), connection.cursor() as cursor:
            if label == "without statistics":
                cursor.execute("DELETE FROM pg_statistic WHERE starelid = 'clues_clue'::regclass")
                cursor.execute("UPDATE pg_class SET reltuples = -1 WHERE oid = 'clues_clue'::regclass")
            plans = []
            for sql in lookups:
                cursor.execute("EXPLAIN " + sql)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
            transaction.set_rollback(True)
        verdicts[label] = plans
    return lookups, verdicts


KEY_CONDITION = re.compile(r"\((complainant_phone|complainant_id_number|project_name|project_id|id)\)?(::text)? = ")


def plan_is_bounded(plan, clue_indexes):
    """No sequential scan of the clues, and every scan of one of their indexes bounded by an equality on a
    complainant or project key (an index read for "not merged" or "closed" alone would read the whole table)."""
    lines = plan.splitlines()
    for i, line in enumerate(lines):
        if "Seq Scan on clues_clue" in line:
            return False
        match = re.search(r"(?:Index (?:Only )?Scan(?: Backward)? using|Bitmap Index Scan on) (\S+)", line)
        if match and match.group(1) in clue_indexes:
            condition = next((row for row in lines[i + 1:i + 4] if "Index Cond" in row), "")
            if not KEY_CONDITION.search(condition):
                return False
    return True


def import_file(rows, tag):
    """A national-platform export of `rows` rows, as CSV bytes."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["线索编号", "反映时间", "用人单位", "统一社会信用代码", "项目名称", "项目编号", "务工地址",
                     "所在旗县市区", "反映人", "手机号", "身份证号", "欠薪人数", "欠薪金额", "欠薪起始月份",
                     "欠薪截止月份", "情况描述"])
    districts = ["集宁区", "卓资县", "化德县", "商都县", "兴和县", "凉城县", "丰镇市", "四子王旗"]
    for i in range(rows):
        writer.writerow([f"QG{tag}{i:06d}", f"2026-10-{1 + i % 28:02d} 09:{i % 60:02d}",
                         f"某某建设工程有限公司{i % 700}", "", f"{districts[i % 8]}安置房项目{i % 300}", "",
                         f"{districts[i % 8]}某街道", districts[i % 8], "李强", f"136{tag[-2:]}{i:06d}", "",
                         1 + i % 30, 1000 * (1 + i % 400), "2026-07", "2026-09", "拖欠工资"])
    return out.getvalue().encode()


def time_import(rows):
    from clues.importer import import_national_file  # after django.setup()

    tag = f"{int(time.time()) % 10000:04d}"
    data = import_file(rows, tag)
    started = time.perf_counter()
    report = import_national_file(io.BytesIO(data), user=staff_user(), filename="bench.csv")
    return time.perf_counter() - started, len(report.created), len(report.errors)


def profile(n):
    import cProfile
    import pstats

    from django.test import Client

    client = Client()
    for _i in range(20):  # warm the caches first
        client.post("/api/v1/public/clues/", submission_body(random_phone("137")),
                    content_type="application/json", HTTP_X_FORWARDED_PROTO="https")
    profiler = cProfile.Profile()
    profiler.enable()
    for _i in range(n):
        client.post("/api/v1/public/clues/", submission_body(random_phone("137")),
                    content_type="application/json", HTTP_X_FORWARDED_PROTO="https")
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(45)
    return out.getvalue()


# --- the servers and the load --------------------------------------------------------------------------------

class Server:
    def __init__(self, name, wsgi, port, env, path, pattern):
        self.name, self.port, self.path, self.pattern = name, port, path, pattern
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), wsgi, "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
             "--worker-class", "gthread", "--log-level", "warning"],
            cwd=ROOT, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(urllib.request.Request(
                    f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https"}), timeout=2)
                break
            except urllib.error.HTTPError:
                break  # any answer (405 for a GET) means it serves
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"{name} did not start; see {self.log.name}") from None
                time.sleep(0.3)

    def workers(self):
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def peak_rss_mb(pid):
    with contextlib.suppress(FileNotFoundError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Load:
    """wrk rounds; each round a fresh 3-digit tag in the phone numbers (after the tags of earlier runs kept in the
    table), its 201 ids in files of their own."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.body = workdir / "body.json"
        self.body.write_text(json.dumps(BODY, ensure_ascii=False))
        with psycopg.connect(database_url().replace("postgres://", "postgresql://")) as conn:
            last = conn.execute("SELECT max(substr(complainant_phone, 2, 3)) FROM clues_clue "
                                "WHERE complainant_phone >= '14' AND tracking_code NOT LIKE 'F%%'").fetchone()[0]
        self.next_tag = max(400, int(last or 0) + 1)
        self.rounds = []

    def round(self, server, connections, seconds):
        tag = self.next_tag
        self.next_tag += 1
        if tag > 999:
            raise RuntimeError("the phone numbers of this bench are used up: drop the database and run again")
        stem = self.workdir / f"ids-{server.name}-{tag}"
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s",
             str(ROOT / "bench" / "intake.lua"), f"http://127.0.0.1:{server.port}",
             server.path, str(self.body), f"1{tag}", server.pattern, str(stem)],
            capture_output=True, text=True, check=True)
        line = next(line for line in out.stdout.splitlines() if line.startswith("RESULT "))
        result = {k: float(v) for k, v in (item.split("=") for item in line.split()[1:])}
        result.update(server=server.name, connections=connections, tag=tag,
                      rps=result["requests"] / result["seconds"],
                      ids=[i for f in self.workdir.glob(stem.name + ".*") for i in f.read_text().split()])
        if out.stderr.strip():
            result["stderr"] = out.stderr.strip()[:600]
        self.rounds.append(result)
        return result


def check_stored(load, bare_url):
    """Every 201 stored exactly once, and nothing of a clue lost: its received event, its deadlines, its SMS."""
    checks = {}
    project = [r for r in load.rounds if r["server"] == "project"]
    bare = [r for r in load.rounds if r["server"] == "bare"]
    with psycopg.connect(database_url().replace("postgres://", "postgresql://")) as conn:
        codes = [i for r in project for i in r["ids"]]
        tags = [f"1{r['tag']}%" for r in project]
        stored = conn.execute("SELECT count(*) FROM clues_clue WHERE tracking_code = ANY(%s)", [codes]).fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM clues_clue WHERE complainant_phone LIKE ANY(%s)",
                            [tags]).fetchone()[0]
        twice = conn.execute("SELECT count(*) FROM (SELECT 1 FROM clues_clue WHERE complainant_phone LIKE ANY(%s) "
                             "GROUP BY complainant_phone HAVING count(*) > 1) t", [tags]).fetchone()[0]
        lost = conn.execute("""
            SELECT count(*) FILTER (WHERE c.response_deadline IS NULL OR c.close_deadline IS NULL
                                       OR c.next_deadline_at IS NULL OR NOT c.ladder_dirty AND NOT EXISTS (
                                           SELECT 1 FROM dispatch_escalationstep s WHERE s.clue_id = c.id)),
                   count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM dispatch_clueevent e
                                                      WHERE e.clue_id = c.id AND e.kind = 'received')),
                   count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM notifications_outboxmessage o
                                                      WHERE o.dedupe_key = 'sms:' || c.id || ':received')),
                   count(*) FILTER (WHERE c.suggested_district_id IS NULL OR c.risk_reasons = '[]'::jsonb)
            FROM clues_clue c WHERE c.complainant_phone LIKE ANY(%s)""", [tags]).fetchone()
        checks["project"] = {"201": len(codes), "201 stored": stored, "rows": rows, "phones twice": twice,
                             "without clocks or ladder": lost[0], "without event": lost[1], "without SMS": lost[2],
                             "without triage": lost[3]}
    with psycopg.connect(bare_url.replace("postgres://", "postgresql://")) as conn:
        ids = [int(i) for r in bare for i in r["ids"]]
        tags = [f"1{r['tag']}%" for r in bare]
        stored = conn.execute("SELECT count(*) FROM bare_report WHERE id = ANY(%s)", [ids]).fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM bare_report WHERE complainant_phone LIKE ANY(%s)",
                            [tags]).fetchone()[0]
        checks["bare"] = {"201": len(ids), "201 stored": stored, "rows": rows}
    return checks


def drain_sms(env):
    """Start a Celery worker as production runs it, wait until no SMS is pending and the queue is empty."""
    import redis

    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    conninfo = database_url().replace("postgres://", "postgresql://")

    def pending():
        with psycopg.connect(conninfo) as conn:
            return conn.execute("SELECT count(*) FROM notifications_outboxmessage WHERE channel = 'sms' "
                                "AND state = 'pending'").fetchone()[0]

    before, queued = pending(), broker.llen("celery")
    log = tempfile.NamedTemporaryFile(prefix="bench-celery-", suffix=".log", delete=False)
    worker = subprocess.Popen([str(BIN / "celery"), "-A", "config", "worker", "-l", "warning", "--concurrency", "4"],
                              cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < 300:
            time.sleep(1)
            if pending() == 0 and broker.llen("celery") == 0:
                break
        elapsed = time.perf_counter() - started
        children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()
        peak = max([peak_rss_mb(worker.pid)] + [peak_rss_mb(int(p)) for p in children])
        left = pending()
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    return {"sms": before, "tasks queued": queued, "seconds": elapsed, "left": left, "peak_rss_mb": peak}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clues", type=int, default=1_000_000, help="rows in the clue table before the load")
    parser.add_argument("--port", type=int, default=8610, help="the project's port; the bare app's is the next")
    parser.add_argument("--seconds", type=int, default=15, help="length of one round")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--concurrency", default="8,32")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--profile", type=int, default=0, help="profile N in-process submissions (cProfile)")
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk") and not args.skip_load:
        sys.exit("wrk is missing: apt-get install -y wrk")

    project_url, bare_url = database_url(), database_url(database_url().rsplit("/", 1)[1] + "_bare")
    ensure_database(project_url)
    ensure_database(bare_url)
    t0 = time.perf_counter()
    run([PY, "manage.py", "migrate", "-v0"])
    run([PY, "-m", "django", "migrate", "--run-syncdb", "-v0"],
        env={"DJANGO_SETTINGS_MODULE": "bench.bare.settings", "DATABASE_URL": bare_url, "PYTHONPATH": str(ROOT)})
    print(f"migrated in {time.perf_counter() - t0:.0f} s")
    seconds = fill(args.clues)
    print(f"clue table filled to {args.clues:,} generated rows and ANALYZEd in {seconds:.0f} s")

    django_setup()
    from django.db import connection

    lookups, verdicts = lookup_plans()
    print(f"\n== duplicate and repeat-visitor look-ups: {len(lookups)} statement(s), EXPLAIN without ANALYZE ==")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'clues_clue'")
        clue_indexes = {row[0] for row in cursor.fetchall()}
    for label, plans in verdicts.items():
        bounded = all(plan_is_bounded(p, clue_indexes) for p in plans)
        verdict = "every look-up through an index condition" if bounded else "SCANS THE TABLE OR A WHOLE INDEX"
        print(f"-- {label}: {verdict}")
        for plan in plans:
            print(plan)
    connection.close()

    per_submission, sample, staff = queries_per_submission()
    print(f"\nSQL statements per public submission: {per_submission:g}; per staff API submission: {staff:g}")
    for sql in sample:
        print("   ", sql[:150])
    if args.import_rows:
        elapsed, created, errors = time_import(args.import_rows)
        print(f"\nnational import: {args.import_rows:,} rows in {elapsed:.1f} s ({created:,} created, {errors} errors, "
              f"{args.import_rows / elapsed:.0f} rows/s)")
    if args.profile:
        print(profile(args.profile))
    connection.close()
    if args.skip_load:
        return

    secret = secrets.token_urlsafe(60)
    project_env = {"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_SECRET_KEY": secret,
                   "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "PUBLIC_RATE_LIMIT": "0"}
    bare_env = {"DJANGO_SETTINGS_MODULE": "bench.bare.settings", "DATABASE_URL": bare_url, "PYTHONPATH": str(ROOT)}
    with psycopg.connect(bare_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("TRUNCATE bare_report")
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).delete("celery")
    servers = []
    workdir = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    try:
        project = Server("project", "config.wsgi", args.port, project_env, "/api/v1/public/clues/",
                         '"tracking_code":"(%w+)"')
        servers.append(project)
        bare = Server("bare", "bench.bare.wsgi", args.port + 1, bare_env, "/reports/", '"id":(%d+)')
        servers.append(bare)
        load = Load(workdir)
        for server in (bare, project):
            load.round(server, 8, args.warmup)
        load.rounds.clear()  # the warm-up rows are checked with the rest below, not counted in the medians
        for connections in [int(c) for c in args.concurrency.split(",")]:
            for server in (bare, project, bare, project):
                r = load.round(server, connections, args.seconds)
                print(f"  {server.name:8} c={connections:<3} {r['rps']:7.1f} rps  p99 {r['p99'] / 1000:7.1f} ms  "
                      f"201: {r['created']:.0f}  other: {r['other']:.0f}  socket errors: {r['errors']:.0f}"
                      + (f"\n    {r['stderr']}" if r.get("stderr") else ""), flush=True)
        web_rss = {s.name: max(peak_rss_mb(pid) for pid in s.workers()) for s in servers}
    finally:
        for server in servers:
            server.stop()
    checks = check_stored(load, bare_url)
    celery = drain_sms({"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_SECRET_KEY": secret})
    shutil.rmtree(workdir, ignore_errors=True)

    print("\n== intake: the project's public endpoint against a bare DRF one-row insert ==")
    print(f"gunicorn 2 workers × 4 threads (gthread), wrk -t2 on loopback, {args.seconds} s rounds A/B/A/B, medians;"
          f" {args.clues:,} clues in the table")
    print("| concurrency | bare rps | project rps | ratio | bare p99 | project p99 |")
    print("|---:|---:|---:|---:|---:|---:|")
    for connections in [int(c) for c in args.concurrency.split(",")]:
        def median(name, key, c=connections):
            return statistics.median(r[key] for r in load.rounds if r["server"] == name and r["connections"] == c)
        b, p = median("bare", "rps"), median("project", "rps")
        print(f"| {connections} | {b:.0f} | {p:.0f} | {p / b:.2f}× | {median('bare', 'p99') / 1000:.0f} ms "
              f"| {median('project', 'p99') / 1000:.0f} ms |")
    print(f"\nSQL statements per submission: public {per_submission:g}, staff API {staff:g}")
    print(f"stored: {json.dumps(checks, ensure_ascii=False)}")
    print(f"peak RSS of a web worker: project {web_rss['project']:.0f} MB, bare {web_rss['bare']:.0f} MB")
    print(f"Celery worker (prefork, concurrency 4) drained {celery['sms']:,} SMS and {celery['tasks queued']:,} "
          f"queued tasks in {celery['seconds']:.0f} s ({celery['left']} left); peak RSS {celery['peak_rss_mb']:.0f} MB")
    print(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
