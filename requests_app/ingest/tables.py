"""Reshaping a table before it is cleaned: categories spread across the columns become rows, and
the total columns beside them are set aside and checked (column_totals.py).

A sheet where no table was found is read with its first row as headings.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from requests_app.ingest import column_totals, headers, mapping, read
from requests_app.ingest.problems import Problem, column_index, column_letter


def first_row_table(sheet: read.RawSheet) -> headers.Table | None:
    cells = sheet.cells
    filled = cells[(cells != "").any(axis=1)]
    if len(filled) < 2:
        return None
    labels = [str(v).strip() for v in filled.iloc[0]]
    letters = [column_letter(i) for i in range(len(labels))]
    return headers.Table(sheet.name, [int(filled.index[0])], labels, letters, filled.iloc[1:], [])


def header_parts(sheet: read.RawSheet, table: headers.Table) -> list[list[str]]:
    """Each column's heading as written, one text per header row: a label over several columns
    (a merged "Gender" over Male / Female, a year over its quarters) is carried across them the
    way headers.labels carries it into the flat labels."""
    if len(table.header_rows) <= 1:
        return [[label] for label in table.labels]
    positions = [column_index(letter) for letter in table.letters]
    left, right = min(positions), max(positions)
    grid = [
        [
            headers.collapse(str(sheet.cells.at[row, c])) if c in sheet.cells.columns else ""
            for c in range(left, right + 1)
        ]
        for row in table.header_rows
    ]
    carried_grid = [row[:] for row in grid]
    for r in range(len(grid) - 1):  # the lowest row names single columns: never carried
        carried = ""
        for c in range(len(grid[r])):
            if grid[r][c]:
                carried = grid[r][c]
            elif any(grid[upper][c] for upper in range(r)):
                carried = ""  # a new group starts in a row above: the merge ends here
            carried_grid[r][c] = carried
    parts = []
    for position in positions:
        column, seen = [], set()
        for row in carried_grid:
            text = row[position - left]
            column.append("" if text.casefold() in seen else text)
            seen.add(text.casefold())
        parts.append(column)
    return parts


def reshape(table: headers.Table, plan: mapping.Mapping) -> tuple[headers.Table, mapping.Mapping, list[Problem]]:
    """One row per category column of each data row, the category from the heading; the total
    columns are checked and left out."""
    if not plan.across:
        return table, plan, []
    plan = dataclasses.replace(plan, across=dict(plan.across), totals=dict(plan.totals))
    problems = column_totals.check_total_columns(table, plan)
    kept = [p for p in range(len(table.labels)) if p not in plan.across and p not in plan.totals]
    new_position = {p: i for i, p in enumerate(kept)}
    keys = list(dict.fromkeys(code for key in plan.across.values() for code in key))
    parts, letters = [], []
    for position, key in plan.across.items():
        part = table.body[kept].copy()
        part.columns = range(len(kept))
        for i, code in enumerate(keys):
            part[len(kept) + i] = key.get(code, "")
        part[len(kept) + len(keys)] = table.body[position]
        parts.append(part)
        letters.append(np.full(len(part), table.letters[position], dtype=object))
    body = pd.concat(parts)
    count = len(kept) + len(keys)
    reshaped = mapping.Mapping(
        fields={new_position[p]: code for p, code in plan.fields.items()}
        | {len(kept) + i: code for i, code in enumerate(keys)},
        count=count,
        ignored=[new_position[p] for p in plan.ignored if p in new_position],
        names={code: new_position[p] for code, p in plan.names.items()},
        cell_letters=pd.Series(np.concatenate(letters), index=range(len(body))),
        melted=set(range(len(kept), count + 1)),
    )
    melted = dataclasses.replace(
        table,
        labels=[table.labels[p] for p in kept] + [*keys, "Count"],
        letters=[table.letters[p] for p in kept] + [""] * (len(keys) + 1),
        body=body,
    )
    return melted, reshaped, problems
