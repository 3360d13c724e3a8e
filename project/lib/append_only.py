"""SQL that makes the database itself refuse to change or delete a table's rows, whatever the client.

For PostgreSQL a trigger function per table; for SQLite triggers that abort the statement. A row may
be left deletable while a condition on it (`OLD.<column>`) holds, such as a draft that was never sent.
"""


def guard_sql(vendor: str, table: str, *, message: str, updates: bool = True, deletable_when: str = "") -> list[str]:
    """Statements creating the guard: UPDATE refused when `updates`, DELETE refused unless `deletable_when`."""
    quoted = message.replace("'", "''")
    if vendor == "postgresql":
        allowed = f"TG_OP = 'DELETE' AND ({deletable_when})" if deletable_when else "FALSE"
        operations = "UPDATE OR DELETE" if updates else "DELETE"
        return [
            f"""CREATE OR REPLACE FUNCTION {table}_guard() RETURNS trigger AS $$
BEGIN
    IF {allowed} THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '{quoted}';
END;
$$ LANGUAGE plpgsql""",
            f"CREATE TRIGGER {table}_guard BEFORE {operations} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_guard()",
        ]
    if vendor == "sqlite":
        when = f" WHEN NOT ({deletable_when})" if deletable_when else ""
        statements = [
            f"CREATE TRIGGER {table}_guard_delete BEFORE DELETE ON {table}{when} "
            f"BEGIN SELECT RAISE(ABORT, '{quoted}'); END"
        ]
        if updates:
            statements.append(
                f"CREATE TRIGGER {table}_guard_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{quoted}'); END"
            )
        return statements
    return []


def unguard_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_guard ON {table}", f"DROP FUNCTION IF EXISTS {table}_guard()"]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_guard_delete", f"DROP TRIGGER IF EXISTS {table}_guard_update"]
    return []
