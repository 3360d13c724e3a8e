"""Reshaping a table before it is cleaned: categories spread across the columns become rows, and
the total columns beside them are set aside and checked (column_totals.py).

A sheet where no table was found is read with its first row as headings.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from requests_app.ingest import column_totals, headers, mapping, read
from requests_app.ingest.problems import Problem, column_letter


def first_row_table(sheet: read.RawSheet) -> headers.Table | None:
    cells = sheet.cells
    filled = cells[(cells != "").any(axis=1)]
    if len(filled) < 2:
        return None
    labels = [str(v).strip() for v in filled.iloc[0]]
    letters = [column_letter(i) for i in range(len(labels))]
    return headers.Table(sheet.name, [int(filled.index[0])], labels, letters, filled.iloc[1:], [])


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
