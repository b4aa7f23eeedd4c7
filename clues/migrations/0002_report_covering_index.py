"""A covering index for the completion report (reports.selectors): on PostgreSQL the year report reads clues
by received_at from the index alone (879 → 594 ms at 1,000,000 clues, bench/RESULTS.md). Other databases have
no INCLUDE columns and do without it."""

from django.db import migrations

COLUMNS = ["id", "unit_id", "channel", "risk_color", "status", "merged_into_id", "is_overdue", "resolved_at",
           "close_deadline", "closed_at", "claimed_at", "claim_deadline", "followup_satisfied",
           "amount_recovered", "workers_paid"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS clue_report_cover ON clues_clue (received_at) INCLUDE ({", ".join(COLUMNS)})')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS clue_report_cover")


class Migration(migrations.Migration):
    dependencies = [("clues", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
