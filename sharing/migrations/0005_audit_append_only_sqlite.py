"""On SQLite too the database refuses to change or delete audit entries (PostgreSQL has done so
since 0002).

A later migration that alters this table on SQLite rebuilds it, which drops its triggers: such a
migration must create them again (`project.lib.append_only.guard_sql`)."""

from django.db import migrations

from project.lib.append_only import guard_sql, unguard_sql

TABLE = "sharing_auditentry"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in guard_sql("sqlite", TABLE, message="The audit log is append-only"):
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in unguard_sql("sqlite", TABLE):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("sharing", "0004_audit_new_actions_and_request_reference")]
    operations = [migrations.RunPython(forwards, backwards)]
