"""Reshaping a table before it is cleaned: categories spread across the columns become rows, and
the total columns beside them are set aside and checked against the columns they sum.

A sheet where no table was found is read with its first row as headings.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from project.lib.text import plural
from requests_app.ingest import counts, headers, headings, mapping, read, totals
from requests_app.ingest.problems import ERROR, WARNING, Problem, column_index, column_letter, columns_named

SUBTOTAL_SAMPLE = 2_000  # rows compared to find a column that sums the ones before it
LONGEST_RUN = 12  # the most columns a subtotal column is looked for over


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
    figures = _Figures(table.body)
    _subtotals(table, plan, figures)
    problems = _reconcile(table, plan, figures)
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
    return (
        headers.Table(
            table.sheet,
            table.header_rows,
            [table.labels[p] for p in kept] + [*keys, "Count"],
            [table.letters[p] for p in kept] + [""] * (len(keys) + 1),
            body,
            table.notes,
        ),
        reshaped,
        problems,
    )


class _Figures:
    """The count cells of each column, parsed once."""

    def __init__(self, body: pd.DataFrame):
        self.body, self.parsed = body, {}

    def __getitem__(self, position: int) -> pd.DataFrame:
        if position not in self.parsed:
            self.parsed[position] = counts.parse_counts(self.body[position])
        return self.parsed[position]


def _parts_of(plan: mapping.Mapping, key: dict[str, str]) -> list[int]:
    return [p for p, leaf in plan.across.items() if all(leaf.get(code) == value for code, value in key.items())]


def _subtotals(table: headers.Table, plan: mapping.Mapping, figures: _Figures) -> None:
    """A column whose heading was not recognised ("EU" after EU14, EU8 and EU2) that equals, row
    by row, the sum of the columns just before it is a subtotal: it is set aside and checked like
    a total. A recognised category ("Other") is never taken for one, however its figures fall."""
    leaves = list(plan.across)
    sample = table.body.index[:SUBTOTAL_SAMPLE]
    for j, position in enumerate(leaves):
        if position not in plan.guessed:
            continue
        key = plan.across[position]
        for length in range(min(j, LONGEST_RUN), 1, -1):
            run = leaves[j - length : j]
            if any(p in plan.totals for p in run) or not _siblings(plan, run, key):
                continue
            if _sums(figures, run, position, sample) and _sums(figures, run, position, table.body.index):
                shared = {code: v for code, v in key.items() if all(plan.across[p].get(code) == v for p in run)}
                plan.totals[position] = shared
                del plan.across[position]
                break


def _siblings(plan: mapping.Mapping, run: list[int], key: dict[str, str]) -> bool:
    """The run differs from the column after it in exactly one field, and agrees on the others."""
    differing = {code for p in run for code, value in plan.across[p].items() if key.get(code) != value}
    return len(differing) == 1


def _sums(figures: _Figures, run: list[int], position: int, rows: pd.Index) -> bool:
    total = figures[position].loc[rows, "count"]
    summed = sum(figures[p].loc[rows, "count"] for p in run)
    both = total.notna() & summed.notna()
    return int(both.sum()) >= 2 and bool((total[both] != 0).any()) and bool((total[both] == summed[both]).all())


def _reconcile(table: headers.Table, plan: mapping.Mapping, figures: _Figures) -> list[Problem]:
    """Each total column against the sum of its parts on every row: agreeing rows are counted as
    checked, a row that disagrees is reported with both figures."""
    rounding = totals.declared_rounding(table.notes)
    header_row = table.header_rows[-1] if table.header_rows else None
    problems = []
    for position, key in plan.totals.items():
        letter, label = table.letters[position], table.labels[position]
        parts = _parts_of(plan, key)
        if not parts:
            problems.append(
                Problem(
                    "total-column",
                    WARNING,
                    f"Column {letter} ('{label}') looks like a total but no columns beside it are what it totals; "
                    "it was set aside and not stored.",
                    sheet=table.sheet,
                    row=header_row,
                    column=letter,
                    value=label,
                )
            )
            continue
        check = _Check(figures, position, rounding)
        verdicts = check(parts)
        if (verdicts == totals.DIFFERS).any() and _names_a_part(label, key):
            # "All EU" between EU2 and Non-EU totals the columns just before it, not the whole row;
            # a plain "Total" is the whole row's, and a gap in it is a gap.
            before = [p for p in parts if p < position]
            for length in range(len(before), 1, -1):
                found = check(before[-length:])
                if not (found == totals.DIFFERS).any() and found.isin([totals.AGREES, totals.WITHIN_ROUNDING]).any():
                    parts, verdicts = before[-length:], found
                    break
        span = columns_named([table.letters[p] for p in parts])
        problems.append(
            Problem(
                "total-column",
                WARNING,
                f"Column {letter} ('{label}') is the total of {span}: it was set aside so nothing is counted twice, "
                f"and checked against them on each row ({_tally(verdicts)}).",
                sheet=table.sheet,
                row=header_row,
                column=letter,
                value=label,
            )
        )
        severity = ERROR if rounding.blocking else WARNING
        summed, hidden = check.summed(parts), check.hidden(parts)
        for row in verdicts.index[verdicts == totals.DIFFERS]:
            problems.append(
                _mismatch(table, letter, label, span, row, figures[position], summed, hidden, rounding, severity)
            )
    return problems


def _names_a_part(label: str, key: dict[str, str]) -> bool:
    """'All EU' or 'EU total' names the part of the row it totals; 'Total' and 'Male total' (over
    the male columns) do not, and a gap in them is a gap."""
    said = {word for value in key.values() for word in headings.words(value)}
    plain = {word for phrase in headings.TOTAL_WORDS for word in phrase.split()}
    return any(word not in said | plain for word in headings.words(label))


class _Check:
    """A total column against a set of the columns it may total."""

    def __init__(self, figures: _Figures, position: int, rounding: totals.Rounding):
        self.figures, self.position, self.rounding = figures, position, rounding

    def summed(self, parts: list[int]) -> pd.Series:
        return sum(self.figures[p]["count"].fillna(0) for p in parts)

    def hidden(self, parts: list[int]) -> pd.Series:
        return sum(self.figures[p]["suppressed"].astype(int) for p in parts)

    def __call__(self, parts: list[int]) -> pd.Series:
        broken = sum((self.figures[p]["error"] != "").astype(int) for p in parts) > 0
        stated = self.figures[self.position]["count"].where(~broken)
        summed = self.summed(parts)
        return totals.agreement(
            stated, summed, pd.Series(len(parts), index=summed.index), self.hidden(parts), self.rounding
        )


def _tally(verdicts: pd.Series) -> str:
    tally = verdicts.value_counts()
    words = {
        totals.AGREES: ("agrees", "agree"),
        totals.WITHIN_ROUNDING: ("agrees", "agree"),
        totals.PARTS_HIDDEN: ("is", "are"),
        totals.UNCHECKED: ("could not be checked", "could not be checked"),
        totals.DIFFERS: ("does not agree", "do not agree"),
    }
    tails = {
        totals.WITHIN_ROUNDING: " within the rounding the file declares",
        totals.PARTS_HIDDEN: " at least the figures shown, some of which are suppressed",
        totals.UNCHECKED: ": the total or a figure beside it is missing or not a number",
    }
    return "; ".join(
        f"{plural(int(tally[v]), 'row')} {words[v][int(tally[v]) != 1]}{tails.get(v, '')}" for v in words if v in tally
    )


def _mismatch(table, letter, label, span, row, stated, summed, hidden, rounding, severity) -> Problem:
    said, added = int(stated.at[row, "count"]), int(summed.at[row])
    if hidden.at[row]:
        detail = f"the figures shown in {span} already add up to {added:,}, more than that"
    else:
        detail = f"{span} add up to {added:,} ({abs(said - added):,} apart)"
    if rounding.unit > 1:
        detail += f"; the file says figures are rounded to the nearest {rounding.unit:,}, which does not explain it"
    elif rounding.loose:
        detail += f"; the file says: '{rounding.words}'"
    return Problem(
        "total-mismatch",
        severity,
        f"Row {row}: column {letter} ('{label}') says {said:,}, but {detail}. Correct the total or the figures "
        "beside it, or add a column for the people the total includes and the others leave out (for example "
        "'Not known').",
        sheet=table.sheet,
        row=int(row),
        column=letter,
        value=str(said),
    )
