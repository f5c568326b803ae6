"""Database triggers log every change to an indexed (PDQ or vPDQ) bank entry.

Index holders in every process follow matching_bankchange, so a change made by any
path (the app, a bulk import, an exchange fetch, SQL by hand) reaches them.
"""

from django.db import migrations

INDEXED = "('pdq', 'vpdq')"

SQLITE = [
    "CREATE TRIGGER matching_entry_added AFTER INSERT ON matching_bankentry "
    f"WHEN NEW.signal_type IN {INDEXED} "
    "BEGIN INSERT INTO matching_bankchange (entry_id) VALUES (NEW.id); END;",
    "CREATE TRIGGER matching_entry_changed AFTER UPDATE OF signal_type, value, frames "
    f"ON matching_bankentry WHEN (NEW.signal_type IN {INDEXED} OR OLD.signal_type IN {INDEXED}) "
    "AND (OLD.signal_type IS NOT NEW.signal_type OR OLD.value IS NOT NEW.value "
    "OR OLD.frames IS NOT NEW.frames) "
    "BEGIN INSERT INTO matching_bankchange (entry_id) VALUES (NEW.id); END;",
    "CREATE TRIGGER matching_entry_removed AFTER DELETE ON matching_bankentry "
    f"WHEN OLD.signal_type IN {INDEXED} "
    "BEGIN INSERT INTO matching_bankchange (entry_id) VALUES (OLD.id); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS matching_entry_added;",
    "DROP TRIGGER IF EXISTS matching_entry_changed;",
    "DROP TRIGGER IF EXISTS matching_entry_removed;",
]
POSTGRES = [
    "CREATE OR REPLACE FUNCTION matching_log_change() RETURNS trigger AS $$ "
    "BEGIN "
    "IF TG_OP = 'DELETE' THEN "
    f"  IF OLD.signal_type IN {INDEXED} THEN "
    "    INSERT INTO matching_bankchange (entry_id) VALUES (OLD.id); END IF; "
    "  RETURN OLD; "
    "END IF; "
    f"IF NEW.signal_type IN {INDEXED} OR (TG_OP = 'UPDATE' AND OLD.signal_type IN {INDEXED}) "
    "THEN INSERT INTO matching_bankchange (entry_id) VALUES (NEW.id); END IF; "
    "RETURN NEW; "
    "END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER matching_entry_added AFTER INSERT OR DELETE ON matching_bankentry "
    "FOR EACH ROW EXECUTE FUNCTION matching_log_change();",
    # Django's save() writes every column: only a real change to the hash is logged.
    "CREATE TRIGGER matching_entry_changed AFTER UPDATE OF signal_type, value, frames "
    "ON matching_bankentry FOR EACH ROW WHEN (OLD.signal_type IS DISTINCT FROM "
    "NEW.signal_type OR OLD.value IS DISTINCT FROM NEW.value OR OLD.frames IS DISTINCT "
    "FROM NEW.frames) EXECUTE FUNCTION matching_log_change();",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS matching_entry_added ON matching_bankentry;",
    "DROP TRIGGER IF EXISTS matching_entry_changed ON matching_bankentry;",
    "DROP FUNCTION IF EXISTS matching_log_change();",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for sql in POSTGRES_REVERSE if postgres else SQLITE_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("matching", "0002_banks_and_change_log")]
    operations = [migrations.RunPython(forwards, backwards)]
