"""Reshaping a table before its columns are mapped: periods spread across the columns become rows,
and a sheet where no table was found is read with its first row as headings."""

import pandas as pd

from requests_app.ingest import headers, mapping, periods, read
from requests_app.ingest.problems import column_letter


def first_row_table(sheet: read.RawSheet) -> headers.Table | None:
    cells = sheet.cells
    filled = cells[(cells != "").any(axis=1)]
    if len(filled) < 2:
        return None
    labels = [str(v).strip() for v in filled.iloc[0]]
    letters = [column_letter(i) for i in range(len(labels))]
    return headers.Table(sheet.name, [int(filled.index[0])], labels, letters, filled.iloc[1:], [])


def melt_period_columns(table: headers.Table, aliases: dict[str, list[str]]) -> headers.Table:
    """Public tables often put periods across the columns ("2024 Q1", "2024 Q2", ...) with no count
    column. Such a table becomes one row per period, with the period from the heading."""
    keys = [mapping.label_key(label) for label in table.labels]
    known = {mapping.label_key(w) for code, words in aliases.items() for w in [code, *words]} | mapping.COUNT_ALIASES
    if any(key in mapping.COUNT_ALIASES for key in keys):
        return table
    candidates = [i for i, key in enumerate(keys) if key and key not in known]
    if len(candidates) < 2:
        return table
    spans = periods.parse_periods(pd.Series([table.labels[i] for i in candidates]))
    if spans["start"].isna().any():
        return table
    kept = [i for i in range(len(table.labels)) if i not in candidates]
    period_label = aliases.get("period", ["Period"])[0]
    parts = []
    for i in candidates:
        part = table.body[kept].copy()
        part.columns = range(len(kept))
        part[len(kept)] = table.labels[i]
        part[len(kept) + 1] = table.body[i]
        parts.append(part)
    body = pd.concat(parts)
    # The count's column differs per period; the report names the row and the period instead.
    letters = [table.letters[i] for i in kept] + ["", ""]
    return headers.Table(
        table.sheet,
        table.header_rows,
        [table.labels[i] for i in kept] + [period_label, "Count"],
        letters,
        body,
        table.notes,
    )
