"""The bulk path for observations: COPY on PostgreSQL, executemany on SQLite, never one ORM
object per row (Django's bulk_create takes 25-30 s for a million rows; these take a few)."""

import io

import pandas as pd
from django.db import connection

from requests_app.models import Observation

TABLE = Observation._meta.db_table
TEXT_COLUMNS = [
    "geography_code",
    "country_of_birth",
    "nationality",
    "nationality_group",
    "immigration_status",
    "main_language",
    "age_band",
    "gender",
    "other",
]
FLAG_COLUMNS = ["suppressed", "point_in_time"]
COLUMNS = ["source_return_id", "period_start", "period_end", *TEXT_COLUMNS, "count", *FLAG_COLUMNS]


def _prepared(frame: pd.DataFrame, return_id: int) -> pd.DataFrame:
    out = pd.DataFrame({"source_return_id": return_id}, index=frame.index)
    for column in ("period_start", "period_end"):
        out[column] = pd.to_datetime(frame[column]).dt.strftime("%Y-%m-%d")
    for column in TEXT_COLUMNS:
        out[column] = frame[column].astype("string").fillna("")
    out["count"] = frame["count"].astype("Int64")
    for column in FLAG_COLUMNS:
        out[column] = frame[column].astype(bool) if column in frame else False
    return out[COLUMNS]


def insert_observations(frame: pd.DataFrame, return_id: int, *, table: str = TABLE, owner: str = "") -> int:
    """Appends the rows in the caller's transaction; the caller makes it all or nothing. A table
    of the same columns owned by something else than a return (a public release) names its
    owner's column."""
    if frame.empty:
        return 0
    rows = _prepared(frame, return_id)
    if owner:
        rows = rows.rename(columns={"source_return_id": owner})
    if connection.vendor == "postgresql":
        _copy(rows, table)
    else:
        _executemany(rows, table)
    return len(rows)


def _copy(rows: pd.DataFrame, table: str) -> None:
    # CSV COPY: an unquoted empty field is NULL (dates, counts); FORCE_NOT_NULL keeps text as ''.
    buffer = io.StringIO()
    flags = {column: rows[column].map({True: "t", False: "f"}) for column in FLAG_COLUMNS}
    rows.assign(**flags).to_csv(buffer, header=False, index=False)
    columns, text = ", ".join(rows.columns), ", ".join(TEXT_COLUMNS)
    sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({text}))"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            view = buffer.getvalue()
            for start in range(0, len(view), 1 << 20):
                copy.write(view[start : start + (1 << 20)])


def _executemany(rows: pd.DataFrame, table: str) -> None:
    placeholders = ", ".join("?" for _ in rows.columns)
    values = rows.astype(object).where(rows.notna(), None)
    with connection.cursor() as cursor:
        # The raw sqlite3 cursor: Django's wrapper would rewrite every row's placeholders.
        cursor.cursor.executemany(
            f"INSERT INTO {table} ({', '.join(rows.columns)}) VALUES ({placeholders})",
            values.itertuples(index=False, name=None),
        )
