"""On PostgreSQL the database itself refuses to change or delete audit entries, whatever the
client. (SQLite, the embedded default, relies on the model and admin refusing.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION sharing_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sharing_auditentry_append_only
    BEFORE UPDATE OR DELETE ON sharing_auditentry
    FOR EACH ROW EXECUTE FUNCTION sharing_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS sharing_auditentry_append_only ON sharing_auditentry;
DROP FUNCTION IF EXISTS sharing_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
