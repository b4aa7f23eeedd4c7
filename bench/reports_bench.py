"""Benchmark of the completion report: N clues over three years, the year report via the selector against
the equivalent hand-written SQL, in the same run. Prints the machine, the timings and the figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ulanxin_bench \
        .venv/bin/python bench/reports_bench.py --clues 1000000

The database is created and migrated if needed. Data are generated in SQL (generate_series), so 1,000,000
clues take minutes; they are kept between runs and regenerated only when the clue count differs from --clues
(or with --regenerate). Only PostgreSQL is supported.
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


def ensure_database(url):
    """CREATE DATABASE when it does not exist yet (connecting to the server's `postgres` database)."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = config["NAME"]
    params = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432,
              "user": config["USER"] or "postgres", "dbname": "postgres"}
    if config["PASSWORD"]:
        params["password"] = config["PASSWORD"]
    with psycopg.connect(**params, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


GENERATE_CLUES = """
WITH params AS (
    SELECT %(start)s::timestamptz AS t0, %(span_seconds)s::double precision AS span,
           %(now)s::timestamptz AS now, %(units)s::bigint[] AS units, %(n_units)s::int AS n_units
), base AS (
    SELECT g AS i, p.*,
           p.t0 + (g::double precision / %(n)s) * p.span * interval '1 second'
                + (random() * 3600) * interval '1 second' AS received_at,
           random() AS r_status, random() AS r_unit, random() AS r_money, random() AS r_follow,
           random() AS r_time, random() AS r_channel, random() AS r_color
    FROM generate_series(1, %(n)s) AS g CROSS JOIN params AS p
), shaped AS (
    SELECT b.*,
           CASE
             WHEN b.now - b.received_at > interval '40 days' THEN
               CASE WHEN b.r_status < 0.975 THEN 'closed' WHEN b.r_status < 0.985 THEN 'in_progress'
                    WHEN b.r_status < 0.995 THEN 'resolved' ELSE 'assigned' END
             ELSE
               CASE WHEN b.r_status < 0.45 THEN 'closed' WHEN b.r_status < 0.70 THEN 'in_progress'
                    WHEN b.r_status < 0.80 THEN 'resolved' WHEN b.r_status < 0.93 THEN 'assigned'
                    ELSE 'received' END
           END AS status,
           b.received_at + (1 + b.r_time * 24) * interval '1 day' AS closed_guess
    FROM base AS b
)
INSERT INTO clues_clue (
    tracking_code, channel, status, received_at, created_at, employer_name, employer_key, employer_credit_code,
    project_name, work_address, complainant_name, complainant_phone, complainant_id_number, worker_count,
    amount_owed, description, risk_color, risk_reasons, is_repeat_visitor, unit_id, assigned_at, claimed_at,
    resolved_at, closed_at, claim_deadline, response_deadline, close_deadline, next_deadline_at, is_overdue,
    result, amount_recovered, workers_paid, resolution_note, followup_satisfied, followup_note, followup_at,
    version, ladder_dirty, request_digest, amount_implausible)
SELECT
    'B' || lpad(s.i::text, 9, '0'),
    (ARRAY['qr','web','hotline_12333','hotline_12345','walk_in','letter_visit','national_platform',
           'transfer_in'])[1 + floor(s.r_channel * 8)::int],
    s.status, s.received_at, s.received_at,
    '乌兰察布市建筑工程有限公司' || (s.i %% 5000), '乌兰察布市建筑工程' || (s.i %% 5000), '',
    '', '', '王勇', '139' || lpad((s.i %% 100000000)::text, 8, '0'), '',
    1 + (s.i %% 40), (1000 + (s.i %% 500) * 1000)::numeric(14,2), '2025年工资未发。',
    CASE WHEN s.r_color < 0.05 THEN 'red' WHEN s.r_color < 0.25 THEN 'orange' ELSE 'blue' END, '[]', false,
    CASE WHEN s.status = 'received' THEN NULL ELSE s.units[1 + floor(s.r_unit * s.n_units)::int] END,
    CASE WHEN s.status = 'received' THEN NULL ELSE s.received_at + interval '2 hours' END,
    CASE WHEN s.status IN ('received', 'assigned') THEN NULL ELSE s.received_at + interval '20 hours' END,
    CASE WHEN s.status IN ('resolved', 'closed') THEN s.closed_guess - interval '1 day' END,
    CASE WHEN s.status = 'closed' THEN s.closed_guess END,
    CASE WHEN s.status = 'received' THEN NULL ELSE s.received_at + interval '1 day' END,
    s.received_at + interval '3 days',
    s.received_at + interval '21 days',
    CASE WHEN s.status IN ('received', 'assigned', 'in_progress') THEN s.received_at + interval '21 days' END,
    s.status IN ('received', 'assigned', 'in_progress') AND s.now - s.received_at > interval '21 days',
    CASE WHEN s.status IN ('resolved', 'closed') THEN
      CASE WHEN s.r_money < 0.35 THEN 'paid_in_full' WHEN s.r_money < 0.45 THEN 'paid_partially'
           ELSE 'no_arrears' END ELSE '' END,
    CASE WHEN s.status IN ('resolved', 'closed') AND s.r_money < 0.45 THEN (5000 + (s.i %% 300) * 1000) END,
    CASE WHEN s.status IN ('resolved', 'closed') AND s.r_money < 0.45 THEN 1 + (s.i %% 30) END,
    '', CASE WHEN s.status = 'closed' AND s.r_follow < 0.6 THEN s.r_follow < 0.57 END, '',
    CASE WHEN s.status = 'closed' AND s.r_follow < 0.6 THEN s.closed_guess + interval '2 days' END,
    1, false, '', false
FROM shaped AS s
"""

# One transfer per routed clue; 5% were first sent to a district that returned them, and 2% of those now with
# a district were first sent to a sector department that passed them on (re-transfer).
GENERATE_ASSIGNMENTS = """
INSERT INTO dispatch_assignment (clue_id, unit_id, assigned_at, note, claim_deadline, claimed_at, ended_at,
                                 end_reason)
SELECT c.id, c.unit_id, c.assigned_at, '', c.claim_deadline, c.claimed_at, c.closed_at,
       CASE WHEN c.status = 'closed' THEN 'closed' ELSE '' END
FROM clues_clue AS c WHERE c.unit_id IS NOT NULL
UNION ALL
SELECT c.id, %(first_district)s, c.received_at + interval '1 hour', '', c.received_at + interval '1 day',
       NULL, c.received_at + interval '90 minutes', 'returned'
FROM clues_clue AS c WHERE c.unit_id IS NOT NULL AND c.id %% 20 = 0
UNION ALL
SELECT c.id, %(first_department)s, c.received_at + interval '30 minutes', '', c.received_at + interval '1 day',
       c.received_at + interval '40 minutes', c.received_at + interval '50 minutes', 'retransferred'
FROM clues_clue AS c JOIN dispatch_unit AS u ON u.id = c.unit_id
WHERE u.kind = 'district' AND c.id %% 50 = 3
"""

# 1% of clues are duplicates merged into the clue before them (closed, result duplicate).
MERGE_DUPLICATES = """
UPDATE clues_clue SET merged_into_id = id - 1, status = 'closed', result = 'duplicate',
       closed_at = received_at + interval '1 day', amount_recovered = NULL, workers_paid = NULL,
       followup_satisfied = NULL, followup_at = NULL, is_overdue = false, next_deadline_at = NULL
WHERE id % 100 = 7
"""


# The same figures written by hand: one pass over the period's clues with GROUPING SETS, the medians with
# percentile_cont, one pass over their transfers; the same session settings and the same id range.
HAND_SQL_SESSION = ("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true), "
                    "set_config('parallel_setup_cost', '100', true), set_config('parallel_tuple_cost', '0.001', true)")

HAND_SQL_CLUES = """
SELECT GROUPING(unit_id) AS g_unit, GROUPING(channel) AS g_channel, GROUPING(risk_color) AS g_color,
       GROUPING(bucket) AS g_bucket, unit_id, channel, risk_color, bucket,
       count(*) FILTER (WHERE merged_into_id IS NULL) AS collected,
       count(*) FILTER (WHERE merged_into_id IS NOT NULL) AS merged,
       count(*) FILTER (WHERE merged_into_id IS NULL AND status = 'closed') AS closed,
       count(*) FILTER (WHERE merged_into_id IS NULL AND status = 'closed' AND resolved_at <= close_deadline)
           AS closed_on_time,
       count(*) FILTER (WHERE merged_into_id IS NULL AND is_overdue AND status <> 'closed') AS overdue,
       count(*) FILTER (WHERE merged_into_id IS NULL AND followup_satisfied IS NOT NULL) AS followed,
       count(*) FILTER (WHERE merged_into_id IS NULL AND followup_satisfied) AS satisfied,
       count(*) FILTER (WHERE merged_into_id IS NULL AND status = 'closed'
                        AND (amount_recovered > 0 OR workers_paid > 0)) AS recovered,
       sum(amount_recovered) FILTER (WHERE merged_into_id IS NULL AND status = 'closed') AS amount,
       sum(workers_paid) FILTER (WHERE merged_into_id IS NULL AND status = 'closed') AS workers,
       min(id) AS first_id, max(id) AS last_id
FROM (SELECT *, date_trunc('month', received_at AT TIME ZONE 'Asia/Shanghai')::date AS bucket
      FROM clues_clue WHERE received_at >= %(lo)s AND received_at < %(hi)s) AS c
GROUP BY GROUPING SETS ((unit_id), (channel), (risk_color), (bucket), ())
"""

HAND_SQL_MEDIANS = """
SELECT unit_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY
         (%(cum)s::int[])[((closed_at AT TIME ZONE 'Asia/Shanghai')::date - %(base)s::date) + 1]
       - (%(cum)s::int[])[((received_at AT TIME ZONE 'Asia/Shanghai')::date - %(base)s::date) + 1])
FROM clues_clue
WHERE received_at >= %(lo)s AND received_at < %(hi)s AND merged_into_id IS NULL AND status = 'closed'
GROUP BY ROLLUP (unit_id)
"""

HAND_SQL_ASSIGNMENTS = """
SELECT GROUPING(a.unit_id) AS g_unit, a.unit_id, count(DISTINCT a.clue_id) AS assigned, count(*) AS transfers,
       count(*) FILTER (WHERE a.claimed_at <= a.claim_deadline) AS on_time,
       count(DISTINCT a.clue_id) FILTER (WHERE a.unit_id = ANY(%(departments)s)) AS to_departments,
       count(DISTINCT a.clue_id) FILTER (WHERE a.unit_id = ANY(%(departments)s) AND c.status = 'closed')
           AS dept_closed
FROM dispatch_assignment AS a JOIN clues_clue AS c ON c.id = a.clue_id
WHERE c.received_at >= %(lo)s AND c.received_at < %(hi)s AND c.merged_into_id IS NULL
  AND a.clue_id BETWEEN %(first_id)s AND %(last_id)s
GROUP BY GROUPING SETS ((a.unit_id), ())
"""

# The selector's own plan, written by hand: the same five aggregates (see reports.selectors).
SAME_PLAN_SQL = [
    """SELECT unit_id, channel, risk_color,
       count(*) FILTER (WHERE merged_into_id IS NULL), count(*) FILTER (WHERE merged_into_id IS NOT NULL),
       count(*) FILTER (WHERE merged_into_id IS NULL AND status = 'closed'),
       count(*) FILTER (WHERE merged_into_id IS NULL AND status = 'closed' AND resolved_at <= close_deadline),
       count(*) FILTER (WHERE merged_into_id IS NULL AND is_overdue AND status <> 'closed'),
       count(*) FILTER (WHERE merged_into_id IS NULL AND followup_satisfied IS NOT NULL),
       count(*) FILTER (WHERE merged_into_id IS NULL AND followup_satisfied),
       count(*) FILTER (WHERE merged_into_id IS NULL AND status = 'closed'
                        AND (amount_recovered > 0 OR workers_paid > 0)),
       sum(amount_recovered) FILTER (WHERE merged_into_id IS NULL AND status = 'closed'),
       sum(workers_paid) FILTER (WHERE merged_into_id IS NULL AND status = 'closed'),
       count(*) FILTER (WHERE merged_into_id IS NULL AND claimed_at <= claim_deadline),
       count(*) FILTER (WHERE merged_into_id IS NULL AND (claimed_at > claim_deadline
                        OR claimed_at IS NULL AND claim_deadline < %(now)s)),
       min(id), max(id)
FROM clues_clue WHERE received_at >= %(lo)s AND received_at < %(hi)s GROUP BY 1, 2, 3""",
    """SELECT floor((date_part('epoch', received_at) + 28800) / 86400)::int,
       count(*) FILTER (WHERE merged_into_id IS NULL),
       count(*) FILTER (WHERE merged_into_id IS NULL AND status = 'closed')
FROM clues_clue WHERE received_at >= %(lo)s AND received_at < %(hi)s GROUP BY 1""",
    """SELECT unit_id, (%(cum)s::int[])[floor((date_part('epoch', closed_at) + 28800) / 86400)::int - %(base_day)s + 1]
         - (%(cum)s::int[])[floor((date_part('epoch', received_at) + 28800) / 86400)::int - %(base_day)s + 1],
       count(*)
FROM clues_clue WHERE received_at >= %(lo)s AND received_at < %(hi)s AND merged_into_id IS NULL
  AND status = 'closed' AND closed_at IS NOT NULL GROUP BY 1, 2""",
    """SELECT a.unit_id, count(DISTINCT a.clue_id) FILTER (WHERE c.unit_id IS NULL OR c.unit_id <> a.unit_id),
       count(*), count(*) FILTER (WHERE a.claimed_at <= a.claim_deadline),
       count(*) FILTER (WHERE a.claimed_at > a.claim_deadline
                        OR a.claimed_at IS NULL AND a.ended_at IS NULL AND a.claim_deadline < %(now)s
                        OR a.claimed_at IS NULL AND a.ended_at > a.claim_deadline)
FROM dispatch_assignment AS a JOIN clues_clue AS c ON c.id = a.clue_id
WHERE c.received_at >= %(lo)s AND c.received_at < %(hi)s AND c.merged_into_id IS NULL
  AND a.clue_id BETWEEN %(first_id)s AND %(last_id)s AND a.end_reason IN ('returned', 'retransferred')
GROUP BY 1""",
    """SELECT count(*), count(*) FILTER (WHERE c.status = 'closed') FROM clues_clue AS c
WHERE c.received_at >= %(lo)s AND c.received_at < %(hi)s AND c.merged_into_id IS NULL
  AND (c.unit_id IS NULL OR c.unit_id <> ALL(%(departments)s))
  AND EXISTS (SELECT 1 FROM dispatch_assignment AS a WHERE a.clue_id = c.id AND a.unit_id = ANY(%(departments)s)
              AND a.clue_id BETWEEN %(first_id)s AND %(last_id)s AND a.end_reason IN ('returned', 'retransferred'))""",
]

# An index that lets PostgreSQL answer the report from the index alone (proposed for clues.Clue.Meta).
PROPOSED_INDEX = ("CREATE INDEX IF NOT EXISTS clue_report_cover ON clues_clue (received_at) INCLUDE (id, unit_id, "
                  "channel, risk_color, status, merged_into_id, is_overdue, resolved_at, close_deadline, closed_at, "
                  "claimed_at, claim_deadline, followup_satisfied, amount_recovered, workers_paid)")


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")).split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}"


def timed(fn, repeat):
    fn()  # warm: the first run reads the table into the cache
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clues", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--proposed-index", choices=["keep", "create", "drop"], default="keep",
                        help="create or drop the proposed covering index clue_report_cover before timing")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/ulanxin_bench")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from clues.models import Clue  # after django.setup()
    from reports.selectors import Period, completion_report, cumulative_working_days  # after django.setup()
    from units.models import Unit  # after django.setup()
    from units.workdays import SHANGHAI, WorkCalendar  # after django.setup()

    call_command("migrate", verbosity=0)
    now = timezone.now()
    today = timezone.localtime(now).date()
    start = dt.datetime.combine(today.replace(year=today.year - args.years), dt.time.min, tzinfo=SHANGHAI)

    count = Clue.objects.count()
    if args.regenerate or count != args.clues:
        print(f"generating {args.clues:,} clues over {args.years} years (found {count:,}) …", flush=True)
        units = list(Unit.objects.filter(kind__in=["district", "department"]).order_by("pk")
                     .values_list("pk", flat=True))
        first_district = Unit.objects.filter(kind="district").order_by("sort_order", "code").first().pk
        first_department = Unit.objects.filter(kind="department").order_by("sort_order", "code").first().pk
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            # CASCADE empties every table that points at a clue (assignments, events, outbox …).
            cursor.execute("TRUNCATE clues_clue RESTART IDENTITY CASCADE")
            cursor.execute("SELECT setseed(0.42)")
            cursor.execute(GENERATE_CLUES, {"start": start, "span_seconds": (now - start).total_seconds(),
                                            "now": now, "units": units, "n_units": len(units), "n": args.clues})
            cursor.execute(MERGE_DUPLICATES)
            cursor.execute(GENERATE_ASSIGNMENTS, {"first_district": first_district,
                                                  "first_department": first_department})
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE clues_clue")
            cursor.execute("VACUUM ANALYZE dispatch_assignment")
        print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)

    with connection.cursor() as cursor:
        if args.proposed_index == "create":
            cursor.execute("DROP INDEX IF EXISTS clue_report_cover")
            cursor.execute(PROPOSED_INDEX)
            cursor.execute("VACUUM ANALYZE clues_clue")
        elif args.proposed_index == "drop":
            cursor.execute("DROP INDEX IF EXISTS clue_report_cover")
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'clue_report_cover'")
        has_index = bool(cursor.fetchone()[0])
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(",")[0]
        cursor.execute("SELECT count(*) FROM dispatch_assignment")
        n_assignments = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('clues_clue'))")
        clue_size = cursor.fetchone()[0]

    year = today.year - 1
    period = Period(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def selector():
        return completion_report(period, trend="month")

    with CaptureQueriesContext(connection) as queries:
        report = selector()
    orm_median, orm_best, report = timed(selector, args.repeat)

    departments = list(Unit.objects.filter(kind="department").values_list("pk", flat=True))

    def hand_sql():
        # The same inputs as the selector: the calendar overrides and the units, then the statements.
        calendar = WorkCalendar.for_span(period.start, today)
        cumulative = cumulative_working_days(calendar, period.start, today)
        list(Unit.objects.all())
        params = {"lo": period.lo, "hi": period.hi, "cum": cumulative, "base": period.start,
                  "departments": departments}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(HAND_SQL_SESSION)
            cursor.execute(HAND_SQL_CLUES, params)
            clues = cursor.fetchall()
            total = next(row for row in clues if all(row[:4]))
            params.update(first_id=total[-2] or 0, last_id=total[-1] or -1)
            cursor.execute(HAND_SQL_MEDIANS, params)
            medians = cursor.fetchall()
            cursor.execute(HAND_SQL_ASSIGNMENTS, params)
            assignments = cursor.fetchall()
        return clues, medians, assignments

    sql_median, sql_best, (clues, medians, assignments) = timed(hand_sql, args.repeat)

    def same_plan_sql():
        calendar = WorkCalendar.for_span(period.start, today)
        cumulative = cumulative_working_days(calendar, period.start, today)
        list(Unit.objects.all())
        params = {"lo": period.lo, "hi": period.hi, "cum": cumulative, "now": now, "departments": departments,
                  "base_day": (period.start - dt.date(1970, 1, 1)).days}
        results = []
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(HAND_SQL_SESSION)
            cursor.execute(SAME_PLAN_SQL[0], params)
            grouped = cursor.fetchall()
            results.append(grouped)
            params.update(first_id=min((row[-2] for row in grouped), default=0),
                          last_id=max((row[-1] for row in grouped), default=-1))
            for sql in SAME_PLAN_SQL[1:]:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
        return results

    same_median, same_best, _same = timed(same_plan_sql, args.repeat)
    total = next(row for row in clues if all(row[:4]))
    assignment_total = next(row for row in assignments if row[0])
    overall_median = next(row[1] for row in medians if row[0] is None)
    by_unit_sql = {row[1]: (row[2], row[3], row[4]) for row in assignments if not row[0]}
    by_unit_orm = {Unit.objects.get(code=row["unit"]).pk: (row["assigned"], row["assignments"],
                                                            row["claimed_on_time"])
                   for row in report.by_unit if row["assignments"]}
    medians_sql = {row[0]: float(row[1]) for row in medians if row[0] is not None}
    medians_orm = {Unit.objects.get(code=row["unit"]).pk: float(row["median_working_days_to_close"])
                   for row in report.by_unit if row["median_working_days_to_close"] is not None}
    h = report.headline
    agree = (h["collected"] == total[8] and h["closed"] == total[10] and h["merged_duplicates"] == total[9]
             and h["transferred_to_departments"] == assignment_total[5]
             and h["departments_closed"] == assignment_total[6]
             and h["cases_with_recovery"] == total[15] and float(h["amount_recovered"]) == float(total[16] or 0)
             and float(h["median_working_days_to_close"]) == float(overall_median)
             and by_unit_sql == by_unit_orm and medians_sql == medians_orm)

    print()
    print(f"machine:        {machine()}")
    print(f"database:       {pg_version}")
    print(f"date:           {timezone.localtime(now):%Y-%m-%d %H:%M} Asia/Shanghai")
    print(f"data:           {Clue.objects.count():,} clues over {args.years} years ({clue_size}), "
          f"{n_assignments:,} assignments")
    print(f"period:         {period.start} .. {period.end} (trend by month)")
    print(f"covering index: {'clue_report_cover present' if has_index else 'none (schema as migrated)'}")
    print(f"selector:       median {orm_median * 1000:.0f} ms, best {orm_best * 1000:.0f} ms, "
          f"{len(queries.captured_queries)} queries")
    print(f"hand SQL, GROUPING SETS: median {sql_median * 1000:.0f} ms, best {sql_best * 1000:.0f} ms, "
          "6 statements (overrides, units, session settings, 3 aggregates)")
    print(f"hand SQL, the selector's plan: median {same_median * 1000:.0f} ms, best {same_best * 1000:.0f} ms, "
          "8 statements (overrides, units, session settings, 5 aggregates)")
    best_hand = min(sql_median, same_median)
    print(f"ratio:          {orm_median / best_hand:.2f}× (selector / faster hand SQL, medians of {args.repeat})")
    print(f"figures agree:  {'yes' if agree else 'NO'}")
    print(f"figures:        collected {h['collected']:,}, closed {h['closed']:,} ({h['completion_rate']}%), "
          f"to departments {h['transferred_to_departments']:,}, closed {h['departments_closed']:,} "
          f"({h['departments_completion_rate']}%), recovered {h['amount_recovered']} yuan for "
          f"{h['workers_paid']:,} workers in {h['cases_with_recovery']:,} cases, overdue now {h['overdue_now']:,}, "
          f"merged {h['merged_duplicates']:,}, median {h['median_working_days_to_close']} working days")
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
