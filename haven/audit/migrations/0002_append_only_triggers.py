"""The database itself refuses to change or delete audit events, whatever the code does.

PostgreSQL's TRUNCATE (what a test database reset uses) does not fire row triggers.
"""

from django.db import migrations

# SQLite has no TRUNCATE, so emptying the table (a test database being reset, or an
# operator's deliberate purge) opens a gate first: a row in audit_purge_gate.
SQLITE = [
    "CREATE TABLE audit_purge_gate (opened_at TEXT NOT NULL);",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent "
    "WHEN NOT EXISTS (SELECT 1 FROM audit_purge_gate) "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update;",
    "DROP TRIGGER IF EXISTS audit_event_no_delete;",
    "DROP TABLE IF EXISTS audit_purge_gate;",
]
POSTGRES = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent;",
    "DROP FUNCTION IF EXISTS audit_event_append_only();",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = (
        POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
