"""Benchmark of the supervision sweep: N clues in the table, D of them with a ladder step due now.

Prints the time of one sweep and the number of SQL queries it made, for two table sizes with the same number
of due steps, so one can see that the work follows the due rows, not the table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ulanxin_bench_sweep \
        .venv/bin/python bench/supervision_bench.py --clues 1000000 --due 10000
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ulanxin_bench_sweep")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

FILL_CLUES = """
INSERT INTO clues_clue (tracking_code, channel, status, received_at, created_at, employer_name, employer_key,
    employer_credit_code, project_name, work_address, complainant_name, complainant_phone, complainant_id_number,
    worker_count, amount_owed, description, risk_color, risk_reasons, is_repeat_visitor, is_overdue, result,
    resolution_note, followup_note, version, unit_id, closed_at, ladder_dirty, request_digest, amount_implausible)
SELECT 'B' || lpad(g::text, 9, '0'), 'web', 'closed', now() - (g %% 1000) * interval '1 day', now(),
    '用人单位' || (g %% 5000), 'key' || (g %% 5000), '', '', '', '王勇', '139' || lpad((g %% 100000000)::text, 8, '0'),
    '', 1 + g %% 40, (g %% 900000)::numeric, '', 'blue', '[]'::jsonb, false, false, 'paid_in_full', '', '', 1,
    (ARRAY(SELECT id FROM dispatch_unit WHERE kind <> 'city' ORDER BY id))[1 + g %% 29],
    now() - (g %% 1000) * interval '1 day' + interval '5 days', false, '', false
FROM generate_series(%s, %s) AS g
"""

# The due ones: assigned to a unit, the claim deadline passed an hour ago, the 提醒函 rung due.
MAKE_DUE = """
WITH due AS (
    UPDATE clues_clue SET status = 'assigned', closed_at = NULL, result = '',
        claim_deadline = now() - interval '1 hour', next_deadline_at = now() - interval '1 hour'
    WHERE id IN (SELECT id FROM clues_clue ORDER BY id DESC LIMIT %s)
    RETURNING id, unit_id, claim_deadline
)
INSERT INTO dispatch_escalationstep (clue_id, deadline_kind, deadline_at, step, due_at, unit_id, state)
SELECT id, 'claim', claim_deadline, 'reminder', claim_deadline + interval '1 second', unit_id, 'pending' FROM due
"""

# Steps not due yet, as every open clue has: the sweep must not even look at them.
MAKE_FUTURE = """
INSERT INTO dispatch_escalationstep (clue_id, deadline_kind, deadline_at, step, due_at, unit_id, state)
SELECT id, 'close', now() + interval '10 days', 'reminder', now() + interval '10 days', unit_id, 'pending'
FROM clues_clue WHERE status = 'closed' AND id % 10 = 0
"""


def reset():
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE clues_clue, dispatch_escalationstep, dispatch_clueevent, dispatch_letter, "
                       "dispatch_letter_clues, dispatch_referralpackage, notifications_outboxmessage CASCADE")


def fill(total, due):
    started = time.perf_counter()
    with connection.cursor() as cursor:
        step = 200_000
        for lo in range(1, total + 1, step):
            cursor.execute(FILL_CLUES, [lo, min(lo + step - 1, total)])
        cursor.execute(MAKE_FUTURE)
        cursor.execute(MAKE_DUE, [due])
        cursor.execute("ANALYZE clues_clue; ANALYZE dispatch_escalationstep;")
    return time.perf_counter() - started


def run_sweep():
    from supervision.ladder import sweep  # after django.setup()

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = sweep()
        elapsed = time.perf_counter() - started
    return report, elapsed, len(queries.captured_queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clues", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=100_000, help="the smaller table to compare with")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"PostgreSQL {connection.pg_version}; {os.cpu_count()} cores")
    print("Each due step is the 提醒函 rung of a claim clock one hour past; taking it creates the next rung.")
    for total in (args.small, args.clues):
        reset()
        fill_seconds = fill(total, args.due)
        report, elapsed, queries = run_sweep()
        print(f"clues={total:>9,}  due steps={args.due:,}  fill={fill_seconds:6.1f}s  "
              f"sweep={elapsed:6.2f}s  taken={report.taken:,}  batches={report.batches}  "
              f"letters={len(report.letters)}  queries={queries}  queries/batch={queries / max(report.batches, 1):.1f}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM dispatch_escalationstep WHERE state = 'pending' AND due_at > now()")
            print(f"           next rungs now pending: {cursor.fetchone()[0]:,} (future steps included)")


if __name__ == "__main__":
    main()
