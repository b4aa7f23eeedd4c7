"""Reference data read once per process, and read again as soon as anyone changes any of it.

Units, the calendar overrides, the triage settings, the deadline policies and the blacklisted enterprises are
read by every intake and
every move, and change a few times a year. Each of their tables has a database trigger (`stamp_triggers`,
installed by migrations) that writes a new random token into `units_referencestamp` on any change — through
the admin, a migration, a shell or another process alike. `snapshot()` reads that one row (one indexed
query) and hands back this process's snapshot while the token is unchanged; a changed token starts a new
snapshot whose parts load again on first use. So the next request after an administrator's save sees it.

Callers treat what a snapshot holds as read-only: the same objects serve every thread of the process.
"""

import threading

from django.db import connection

STAMP_TABLE = "units_referencestamp"
_current = None
_lock = threading.Lock()


class Snapshot:
    """The reference data of one token: parts loaded on first use, then kept."""

    def __init__(self, token):
        self.token = token
        self._parts = {}

    def get(self, name, load):
        """The part `name`, loading it with `load()` the first time it is asked for."""
        try:
            return self._parts[name]
        except KeyError:
            value = load()
            with _lock:
                return self._parts.setdefault(name, value)


def read_token():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {STAMP_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def snapshot():
    """The reference data as of now: this process's snapshot if nothing changed since it was taken."""
    global _current
    token = read_token()
    current = _current
    if token is not None and current is not None and current.token == token:
        return current
    fresh = Snapshot(token)
    if token is not None:  # no stamp row (a test flushed it): keep nothing, the next write makes one
        _current = fresh
    return fresh


# --- the triggers (installed by migrations of the apps that own the tables) --------------------------------

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION units_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {STAMP_TABLE} (id, token) VALUES (1, gen_random_uuid()::text)
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END $$;
"""


def install_stamp_function(schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_PG_FUNCTION)
    schema_editor.execute(f"INSERT INTO {STAMP_TABLE} (id, token) VALUES (1, 'initial')")


def drop_stamp_function(schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS units_reference_changed()")


def install_stamp_triggers(schema_editor, *tables):
    """Renew the stamp on every INSERT, UPDATE, DELETE (and TRUNCATE) of each of `tables`."""
    for table in tables:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION units_reference_changed()")
        else:  # SQLite: row triggers, one per kind of change
            for event in ("INSERT", "UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_stamp_{event.lower()} AFTER {event} ON {table} BEGIN "
                    f"INSERT OR REPLACE INTO {STAMP_TABLE} (id, token) VALUES (1, lower(hex(randomblob(16)))); "
                    f"END")


def drop_stamp_triggers(schema_editor, *tables):
    for table in tables:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_stamp ON {table}")
        else:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_stamp_{event}")


def install_flag_triggers(schema_editor, table, column):
    """Renew the stamp when a row's boolean `column` changes, or a row with it true comes or goes (a big table
    of which only the flagged rows are reference data: the blacklisted enterprises)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {table}_{column}_stamp_upd AFTER UPDATE OF {column} ON {table} FOR EACH ROW "
            f"WHEN (OLD.{column} IS DISTINCT FROM NEW.{column}) EXECUTE FUNCTION units_reference_changed()")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_{column}_stamp_ins AFTER INSERT ON {table} FOR EACH ROW "
            f"WHEN (NEW.{column}) EXECUTE FUNCTION units_reference_changed()")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_{column}_stamp_del AFTER DELETE ON {table} FOR EACH ROW "
            f"WHEN (OLD.{column}) EXECUTE FUNCTION units_reference_changed()")
        schema_editor.execute(
            f"CREATE TRIGGER {table}_{column}_stamp_trunc AFTER TRUNCATE ON {table} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION units_reference_changed()")
        return
    renew = (f"INSERT OR REPLACE INTO {STAMP_TABLE} (id, token) VALUES (1, lower(hex(randomblob(16))));")
    for name, event, when in (("upd", f"UPDATE OF {column}", f"OLD.{column} IS NOT NEW.{column}"),
                              ("ins", "INSERT", f"NEW.{column}"), ("del", "DELETE", f"OLD.{column}")):
        schema_editor.execute(f"CREATE TRIGGER {table}_{column}_stamp_{name} AFTER {event} ON {table} "
                              f"WHEN {when} BEGIN {renew} END")


def drop_flag_triggers(schema_editor, table, column):
    for name in ("upd", "ins", "del", "trunc"):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{column}_stamp_{name} ON {table}")
        elif name != "trunc":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{column}_stamp_{name}")
