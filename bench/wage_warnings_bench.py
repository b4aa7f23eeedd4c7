"""Benchmark of the early warnings: a full evaluation of every rule over N projects with 24 months of payroll
summaries and allocations, 1,000,000 payroll lines, duties, parties and clues — first run (every warning new),
the daily run with nothing changed, a run after 1% of the projects changed, the minute sweep of 100 marked
projects — and the monitoring board. Prints the machine, the timings, the query counts and the figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ulanxin_bench_warnings \\
        .venv/bin/python bench/wage_warnings_bench.py --projects 10000 --lines 1000000

The database is created and migrated if needed. Data are generated in SQL (generate_series) and kept between
runs; they are regenerated when the project count differs from --projects (or with --regenerate). Everything
generated is ANALYZEd. Only PostgreSQL is supported.
"""

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_DEBUG", "false")

from bench.reports_bench import ensure_database, machine  # noqa: E402

TABLES = ["projects_enterprise", "projects_project", "projects_projectparty", "projects_duty",
          "projects_labourallocation", "projects_payrollmonth", "projects_payrollline", "clues_clue",
          "wage_warnings_wagewarning", "projects_projectevent"]

GENERATE_ENTERPRISES = """
INSERT INTO projects_enterprise (credit_code, credit_code_valid, name, legal_representative, contact_name,
                                 contact_phone, address, is_blacklisted, created_at, updated_at)
SELECT '9115' || lpad(g::text, 14, '0'), true, '乌兰察布测试建设有限公司' || g, '', '', '', '',
       g %% 100 = 0, now(), now()
FROM generate_series(1, %(n)s) AS g
"""

# Projects: 85% under way, the rest planned, suspended or finished; contracts 25 to 36 months old (so each has 24
# months of payroll); 30%
# government or SOE investment; a developer and a general contractor each.
GENERATE_PROJECTS = """
WITH p AS (SELECT g, random() AS r_status, random() AS r_age, random() AS r_sum, random() AS r_gov,
                  random() AS r_unit, random() AS r_sector
           FROM generate_series(1, %(n)s) AS g)
INSERT INTO projects_project (code, public_id, name, district_id, sector_id, address, developer_id,
    general_contractor_id, developer_name, developer_credit_code, contractor_name, contractor_credit_code,
    contract_date, contract_sum, labour_cost_share, is_government_invested, is_key, wage_manager,
    wage_manager_phone, start_date, end_date, status, created_at, updated_at, warnings_dirty)
SELECT 'BENCH-' || lpad(g::text, 6, '0'), gen_random_uuid(), '基准测试工程项目' || g,
       (%(districts)s::bigint[])[1 + floor(r_unit * array_length(%(districts)s::bigint[], 1))::int],
       (%(sectors)s::bigint[])[1 + floor(r_sector * array_length(%(sectors)s::bigint[], 1))::int],
       '', %(first_enterprise)s + (g * 7) %% %(enterprises)s, %(first_enterprise)s + (g * 13) %% %(enterprises)s,
       '', '', '', '',
       %(today)s::date - (770 + floor(r_age * 330))::int,
       (1000000 + floor(r_sum * 99000000))::numeric(14, 2), 25, r_gov < 0.3, r_gov < 0.3, '劳资专管员',
       '139' || lpad(g::text, 8, '0'),
       %(today)s::date - (760 + floor(r_age * 330))::int, NULL,
       CASE WHEN r_status < 0.85 THEN 'under_way' WHEN r_status < 0.90 THEN 'planned'
            WHEN r_status < 0.95 THEN 'suspended' ELSE 'completed' END,
       now(), now(), true
FROM p
"""

GENERATE_PARTIES = """
INSERT INTO projects_projectparty (project_id, enterprise_id, role)
SELECT p.id, %(first_enterprise)s + (p.id * 17) %% %(enterprises)s, 'labour_subcontractor'
FROM projects_project AS p WHERE p.id %% 3 = 0
"""

# Duties: most projects entered each of them, a few were rejected by the verifying officer.
GENERATE_DUTIES = """
INSERT INTO projects_duty (project_id, kind, bank, account_number, deposit_kind, amount, exemption_reason,
                           headcount, done_on, evidence, bank_reference, state, rejection_reason, updated_at)
SELECT p.id, k.kind, '中国农业银行', CASE WHEN k.kind = 'wage_account' THEN '0566' || p.id ELSE '' END,
       CASE WHEN k.kind <> 'deposit' THEN ''
            WHEN p.contract_sum < 3000000 THEN 'exempt' WHEN p.id %% 4 = 0 THEN 'bank_guarantee' ELSE 'cash' END,
       CASE WHEN k.kind = 'deposit' THEN p.contract_sum * 0.015 END,
       CASE WHEN k.kind = 'deposit' AND p.contract_sum < 3000000 THEN '合同额低于300万元' ELSE '' END,
       CASE WHEN k.kind = 'roster' THEN 10 + p.id %% 190 END,
       p.start_date, '', '', CASE WHEN (p.id + k.n) %% 50 = 0 THEN 'rejected' ELSE 'verified' END,
       CASE WHEN (p.id + k.n) %% 50 = 0 THEN '材料不清晰' ELSE '' END, now()
FROM projects_project AS p
CROSS JOIN (VALUES ('wage_account', 1, 0.92), ('deposit', 2, 0.88), ('roster', 3, 0.95),
                   ('notice_board', 4, 0.90)) AS k (kind, n, share)
WHERE ((p.id * 7919 + k.n * 104729) %% 1000) < k.share * 1000
"""

# 24 months of allocations (96% of months; pre-allocations of government projects by the 3rd) and payroll
# summaries (98% of months; 3% paid late, 4% with workers unpaid, 2% below the minimum wage).
GENERATE_ALLOCATIONS = """
INSERT INTO projects_labourallocation (project_id, month, is_pre_allocation, amount, paid_on, evidence, updated_at)
SELECT p.id, m.month, p.is_government_invested, 300000,
       CASE WHEN p.is_government_invested THEN m.month + 2 ELSE m.month + 20 END, '', now()
FROM projects_project AS p
CROSS JOIN (SELECT (date_trunc('month', %(today)s::date) - make_interval(months => g))::date AS month
            FROM generate_series(0, 23) AS g) AS m
WHERE m.month >= date_trunc('month', p.start_date) AND ((p.id * 31 + extract(month FROM m.month)::int * 17) %% 100) < 96
  AND m.month + 20 <= %(today)s::date
"""

GENERATE_PAYROLLS = """
INSERT INTO projects_payrollmonth (project_id, month, version, is_current, uploaded_at, source_name,
    roster_headcount, headcount_paid, lines, total_due, total_paid, below_minimum, last_paid_on)
SELECT p.id, m.month, 1, true, now(), 'bench.xlsx', h.roster,
       CASE WHEN h.r < 0.04 THEN h.roster - 1 - (p.id %% 5) ELSE h.roster END, h.roster,
       h.roster * CASE WHEN h.r BETWEEN 0.04 AND 0.06 THEN 2000 ELSE 6500 END,
       h.roster * CASE WHEN h.r BETWEEN 0.04 AND 0.06 THEN 2000 ELSE 6500 END,
       CASE WHEN h.r BETWEEN 0.04 AND 0.06 THEN h.roster ELSE 0 END,
       CASE WHEN h.r BETWEEN 0.06 AND 0.09 THEN (m.month + interval '2 months' + interval '5 days')::date
            ELSE (m.month + interval '1 month' + interval '12 days')::date END
FROM projects_project AS p
CROSS JOIN (SELECT (date_trunc('month', %(today)s::date) - make_interval(months => g))::date AS month
            FROM generate_series(1, 24) AS g) AS m
CROSS JOIN LATERAL (SELECT 10 + (p.id * 7 + extract(month FROM m.month)::int) %% 190 AS roster,
                           ((p.id * 7919 + extract(epoch FROM m.month)::bigint / 86400) %% 1000) / 1000.0 AS r) AS h
WHERE m.month >= date_trunc('month', p.start_date) AND h.r < 0.98
"""

# The lines: the bank's 代发 rows of the most recent payroll months, as many as asked for (no rule reads them).
GENERATE_LINES = """
WITH months AS (SELECT id, row_number() OVER (ORDER BY month DESC, id) AS k FROM projects_payrollmonth),
     n AS (SELECT count(*) AS total FROM months)
INSERT INTO projects_payrollline (payroll_id, row, worker_name, id_number, phone, bank_card, team, days_worked,
                                  wage_due, wage_paid, paid_on)
SELECT m.id, g / LEAST(n.total, %(lines_months)s) + 1, '工人' || g,
       '150921199001' || lpad((g %% 1000000)::text, 6, '0'), '', '6228' || lpad(g::text, 12, '0'), '木工班', 22,
       6500, 6500, NULL
FROM generate_series(0, %(lines)s - 1) AS g CROSS JOIN n
JOIN months AS m ON m.k = 1 + g %% LEAST(n.total, %(lines_months)s)
"""


def timed(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--clues", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--upload-lines", type=int, default=5_000, help="lines of the payroll upload measured")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/ulanxin_bench_warnings")
    ensure_database(url)

    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import F
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import User  # after django.setup()
    from clues.models import Clue  # after django.setup()
    from projects.models import Enterprise, PayrollLine, PayrollMonth, Project  # after django.setup()
    from units.models import Unit  # after django.setup()
    from wage_warnings.evaluation import evaluate, evaluate_marked  # after django.setup()
    from wage_warnings.models import WageWarning  # after django.setup()
    from wage_warnings.selectors import monitoring_board  # after django.setup()

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    units = Unit.objects.filter(kind__in=["district", "department"])

    if args.regenerate or Project.objects.count() != args.projects:
        print(f"generating {args.projects:,} projects, 24 months, {args.lines:,} payroll lines …", flush=True)
        started = time.perf_counter()
        districts = list(units.filter(kind="district").values_list("pk", flat=True))
        sectors = list(units.filter(kind="department").values_list("pk", flat=True))
        enterprises = max(args.projects // 3, 10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE projects_enterprise, projects_project, wage_warnings_evaluationrun, "
                           "notifications_outboxmessage RESTART IDENTITY CASCADE")
            cursor.execute("SELECT setseed(0.13)")
            cursor.execute(GENERATE_ENTERPRISES, {"n": enterprises})
            first_enterprise = Enterprise.objects.order_by("pk").values_list("pk", flat=True).first()
            params = {"n": args.projects, "districts": districts, "sectors": sectors, "today": today,
                      "first_enterprise": first_enterprise, "enterprises": enterprises}
            cursor.execute(GENERATE_PROJECTS, params)
            cursor.execute(GENERATE_PARTIES, params)
            cursor.execute(GENERATE_DUTIES, {})
            cursor.execute(GENERATE_ALLOCATIONS, {"today": today})
            cursor.execute(GENERATE_PAYROLLS, {"today": today})
            cursor.execute(GENERATE_LINES, {"lines": args.lines, "lines_months": max(args.projects * 2, 1)})
        project_ids = list(Project.objects.values_list("pk", flat=True))
        now = timezone.now()
        clues = [Clue(tracking_code=f"W{index:09d}", channel="qr", received_at=now - dt.timedelta(hours=index % 2000),
                      employer_name="基准测试建设有限公司", employer_key="基准测试建设", complainant_name="王勇",
                      complainant_phone=f"139{index:08d}", project_id=project_ids[(index * 37) % len(project_ids)],
                      risk_color="red" if index % 97 == 0 else "blue", status="closed" if index % 3 else "received")
                 for index in range(args.clues)]
        Clue.objects.bulk_create(clues, batch_size=5000)
        officers = Group.objects.get(name="officer")
        for unit in units:
            user, _created = User.objects.get_or_create(username=f"bench_{unit.code}", defaults={"unit": unit})
            user.groups.add(officers)
        print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)

    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")

    print(f"Machine: {machine()}; Python {platform.python_version()}; "
          f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}")
    print(f"Date: {timezone.localtime():%Y-%m-%d %H:%M} Asia/Shanghai")
    print(f"Data: {Project.objects.count():,} projects, {PayrollMonth.objects.count():,} payroll months, "
          f"{PayrollLine.objects.count():,} payroll lines, {Clue.objects.exclude(project=None).count():,} clues "
          f"about projects")

    def run(label, fn):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            report = fn()
            seconds = time.perf_counter() - started
        print(f"{label:<46} {seconds * 1000:>9,.0f} ms  {len(queries.captured_queries):>4} queries  "
              f"opened {report.opened:>6,} reopened {report.reopened:>4,} updated {report.updated:>5,} "
              f"closed {report.closed:>5,}", flush=True)
        return report

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE wage_warnings_wagewarning, projects_projectevent, notifications_outboxmessage, "
                       "wage_warnings_evaluationrun RESTART IDENTITY")
    reverse("wage_warnings:list")  # the URLconf is loaded once per worker process, not per evaluation
    run("full evaluation, first run (all new)", evaluate)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE wage_warnings_wagewarning")
        cursor.execute("ANALYZE projects_projectevent")
    run("full evaluation, nothing changed", evaluate)
    changed = list(Project.objects.filter(status="under_way").order_by("pk").values_list("pk", flat=True)[::100])
    PayrollMonth.objects.filter(project_id__in=changed, is_current=True).update(headcount_paid=0)
    run(f"full evaluation, {len(changed):,} projects' payroll unpaid", evaluate)
    PayrollMonth.objects.filter(project_id__in=changed, is_current=True).update(headcount_paid=F("roster_headcount"))
    Project.objects.filter(pk__in=changed[:100]).update(warnings_dirty=True)
    run("minute sweep, 100 marked projects", evaluate_marked)
    run(f"full evaluation, {len(changed):,} projects paid again", evaluate)
    for size in (100, 1000):
        run(f"evaluation of {size:,} projects by id", lambda size=size: evaluate(project_ids=changed[:size] or [0]))

    print(f"warnings: {WageWarning.objects.filter(state='open').count():,} open, "
          f"{WageWarning.objects.filter(state='closed').count():,} closed")
    with CaptureQueriesContext(connection) as queries:
        board = monitoring_board("city")
    median, best = timed(lambda: monitoring_board("city"), args.repeat)
    print(f"board selector, city ({board['totals']['projects']:,} projects): median {median * 1000:.0f} ms, "
          f"best {best * 1000:.0f} ms, {len(queries.captured_queries)} queries")
    district = Unit.objects.get(code="150921")
    median, best = timed(lambda: monitoring_board(district), args.repeat)
    print(f"board selector, one district: median {median * 1000:.0f} ms, best {best * 1000:.0f} ms")
    supervisor, _created = User.objects.get_or_create(username="bench_supervisor",
                                                      defaults={"unit": Unit.objects.get(code="150900")})
    supervisor.groups.add(Group.objects.get(name="supervisor"))
    client = Client()
    client.force_login(supervisor)
    median, best = timed(lambda: client.get("/monitoring/", HTTP_HOST="localhost"), args.repeat)
    print(f"board page /monitoring/ (rendered): median {median * 1000:.0f} ms, best {best * 1000:.0f} ms")
    median, best = timed(lambda: client.get("/api/v1/reports/monitoring/", HTTP_HOST="localhost"), args.repeat)
    print(f"board API /api/v1/reports/monitoring/: median {median * 1000:.0f} ms, best {best * 1000:.0f} ms")
    totals = board["totals"]
    print(f"board: red {totals['red']:,}, yellow {totals['yellow']:,}, projects with red {totals['projects_red']:,}; "
          + ", ".join(f"{key} {value}%" for key, value in totals["rates"].items()))
    upload_payroll(args.upload_lines, supervisor, today)


def upload_payroll(count, by, today):
    """A payroll of `count` lines uploaded as an XLSX file, as the page does it: the file read and checked at
    upload (start_upload), then the job the Celery worker runs (read, check every line, store, figures)."""
    import io

    from openpyxl import Workbook

    from core.identity import resident_id_check_char  # after django.setup()
    from projects import payroll  # after django.setup()
    from projects.models import PayrollMonth, Project  # after django.setup()

    project = Project.objects.filter(status="under_way").order_by("pk").first()
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    paid_on = today.replace(day=1)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("工资表")
    sheet.append(list(payroll.COLUMNS))
    for n in range(count):
        body = f"1509211985{(n // 28) % 12 + 1:02d}{n % 28 + 1:02d}{n % 1000:03d}"
        sheet.append([f"工人{n}", body + resident_id_check_char(body), f"139{n:08d}", f"62220202{n:011d}", "钢筋班",
                      "22", "6000.00", "6000.00", paid_on.isoformat()])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    upload = io.BytesIO(data)
    upload.name = "bench.xlsx"
    started = time.perf_counter()
    job = payroll.start_upload(upload, project=project, month=month, by=by, today=today)
    at_upload = time.perf_counter() - started
    job = payroll.run_payroll_job(job["id"]) if job["state"] not in ("done", "refused") else job
    total = time.perf_counter() - started
    stored = PayrollMonth.objects.get(project=project, month=month, is_current=True)
    print(f"payroll upload, {count:,} lines XLSX ({len(data) / 1024:,.0f} KB): {job['state']}, "
          f"{at_upload * 1000:,.0f} ms at upload + job = {total:,.2f} s; stored version {stored.version} "
          f"with {stored.lines:,} lines, {stored.headcount_paid:,} paid", flush=True)


if __name__ == "__main__":
    main()
