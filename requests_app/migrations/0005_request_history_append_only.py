"""The database itself refuses to change or delete a request's history, and to delete a request that
was ever sent (it can only be withdrawn). A draft that never left the coordinator may still go, with
its own events.

A later migration that alters either table on SQLite rebuilds it, which drops its triggers: such a
migration must create them again."""

from django.db import migrations

from project.lib.append_only import guard_sql, unguard_sql

EVENTS = "requests_app_requestevent"
REQUESTS = "requests_app_datarequest"
UNSENT = f"EXISTS (SELECT 1 FROM {REQUESTS} r WHERE r.id = OLD.request_id AND r.sent_on IS NULL)"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = guard_sql(vendor, EVENTS, message="A request's history is append-only", deletable_when=UNSENT)
    statements += guard_sql(
        vendor,
        REQUESTS,
        message="A request that was sent cannot be deleted: withdraw it",
        updates=False,
        deletable_when="OLD.sent_on IS NULL",
    )
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in unguard_sql(vendor, EVENTS) + unguard_sql(vendor, REQUESTS):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0004_return_lease")]
    operations = [migrations.RunPython(forwards, backwards)]
