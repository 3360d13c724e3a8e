"""Total columns beside categories across the columns: set aside, and checked on every row.

A "Total" column (or "All ages", "Persons", "Male total", a year's "Total" under the year) is the
sum of the category columns whose values it shares; an "All EU" or an unrecognised "EU" after
EU14, EU8 and EU2 is the sum of the columns just before it. None is ever stored. Each is checked
on every row: the rows that agree are counted in one message, each row that does not is reported
with the stated and the summed figure, and blocks the file when the gap is beyond what the file
explains.

What the file explains is the rule the totals step applies to total rows (declared.py): the
rounding it declares, noise it declares without a size, and what its suppressed cells can hold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from project.lib.text import plural
from requests_app.ingest import counts, headers, headings, mapping
from requests_app.ingest.declared import Declared, from_notes, marker_bounds, slack
from requests_app.ingest.problems import ERROR, WARNING, Problem, columns_named

SUBTOTAL_SAMPLE = 2_000  # rows compared to find a column that sums the ones before it
LONGEST_RUN = 12  # the most columns a subtotal column is looked for over

AGREES, WITHIN, HIDDEN, DIFFERS, UNCHECKED = "agrees", "within", "hidden", "differs", "unchecked"


def check_total_columns(table: headers.Table, plan: mapping.Mapping) -> list[Problem]:
    """Moves subtotal columns from plan.across to plan.totals, then checks every total column."""
    figures = _Figures(table.body, from_notes(table.notes))
    _subtotals(table, plan, figures)
    problems = []
    for position, key in plan.totals.items():
        problems += _check(table, plan, figures, position, key)
    return problems


class _Figures:
    """Each column's cells as numbers, parsed once: the count, and the least and most a
    suppressed cell can hold."""

    def __init__(self, body: pd.DataFrame, said: Declared):
        self.body, self.said, self.parsed = body, said, {}

    def __getitem__(self, position: int) -> pd.DataFrame:
        if position not in self.parsed:
            cells = counts.parse_counts(self.body[position])
            bounds = {m: marker_bounds(m, self.said) for m in cells.loc[cells["suppressed"], "marker"].unique()}
            low = cells["marker"].map(lambda m: bounds.get(m, (0, 0))[0])
            high = cells["marker"].map(lambda m: bounds.get(m, (0, 0))[1])
            self.parsed[position] = cells.assign(low=low.astype(float), high=high.astype(float))
        return self.parsed[position]


def _parts_of(plan: mapping.Mapping, key: dict[str, str]) -> list[int]:
    return [p for p, leaf in plan.across.items() if all(leaf.get(code) == value for code, value in key.items())]


def _subtotals(table: headers.Table, plan: mapping.Mapping, figures: _Figures) -> None:
    """A column whose heading was not recognised ("EU" after EU14, EU8 and EU2, "EU countries"
    before Poland, Romania and Other EU) that equals, row by row, the sum of the columns just
    before it or just after it is a subtotal. A recognised category ("Other") is never taken for
    one, however its figures fall."""
    leaves = list(plan.across)
    sample = table.body.index[:SUBTOTAL_SAMPLE]
    for j, position in enumerate(leaves):
        if position not in plan.guessed:
            continue
        key = plan.across[position]
        before = [leaves[j - length : j] for length in range(min(j, LONGEST_RUN), 1, -1)]
        after = [leaves[j + 1 : j + 1 + length] for length in range(min(len(leaves) - j - 1, LONGEST_RUN), 1, -1)]
        for run in before + after:
            if any(p in plan.totals or p not in plan.across for p in run) or not _siblings(plan, run, key):
                continue
            if _sums(figures, run, position, sample) and _sums(figures, run, position, table.body.index):
                plan.totals[position] = {
                    code: v for code, v in key.items() if all(plan.across[p].get(code) == v for p in run)
                }
                del plan.across[position]
                break


def _siblings(plan: mapping.Mapping, run: list[int], key: dict[str, str]) -> bool:
    """The run differs from the column after it in exactly one field, and agrees on the others."""
    return len({code for p in run for code, value in plan.across[p].items() if key.get(code) != value}) == 1


def _sums(figures: _Figures, run: list[int], position: int, rows: pd.Index) -> bool:
    total = figures[position].loc[rows, "count"]
    summed = sum(figures[p].loc[rows, "count"] for p in run)
    both = total.notna() & summed.notna()
    return int(both.sum()) >= 2 and bool((total[both] != 0).any()) and bool((total[both] == summed[both]).all())


def _verdicts(figures: _Figures, position: int, parts: list[int]) -> pd.Series:
    cells = [figures[p] for p in parts]
    stated = figures[position]["count"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    broken = np.logical_or.reduce([(c["error"] != "").to_numpy() for c in cells])
    known = sum(c["count"].fillna(0).to_numpy(dtype=float) for c in cells)
    hidden = sum(c["suppressed"].to_numpy(dtype=int) for c in cells)
    low = sum(c["low"].to_numpy() for c in cells)
    high = sum(c["high"].to_numpy() for c in cells)
    room = slack(np.nan_to_num(stated), np.full(len(stated), len(parts)), figures.said)
    with np.errstate(invalid="ignore"):
        within = (stated >= known + low - room) & (stated <= known + high + room)
        verdict = np.where(
            hidden > 0,
            np.where(within, HIDDEN, DIFFERS),
            np.where(stated == known, AGREES, np.where(within, WITHIN, DIFFERS)),
        )
    verdict = np.where(np.isnan(stated) | broken, UNCHECKED, verdict)
    return pd.Series(verdict, index=figures.body.index)


def _check(table, plan, figures: _Figures, position: int, key: dict[str, str]) -> list[Problem]:
    letter, label = table.letters[position], table.labels[position]
    header_row = table.header_rows[-1] if table.header_rows else None
    parts = _parts_of(plan, key)
    if not parts:
        return [
            Problem(
                "total-checked",
                WARNING,
                f"Column {letter} ('{label}') looks like a total but no columns beside it are what it totals; "
                "it was set aside and not stored.",
                sheet=table.sheet,
                row=header_row,
                column=letter,
                value=label,
            )
        ]
    verdicts = _verdicts(figures, position, parts)
    if (verdicts == DIFFERS).any() and _names_a_part(label, key):
        # "All EU" between EU2 and Non-EU totals the columns just before it, "EU countries" before
        # Poland and Romania the columns just after it, not the whole row; a plain "Total" is the
        # whole row's, and a gap in it is a gap.
        before = [p for p in parts if p < position]
        after = [p for p in parts if p > position]
        runs = [before[-length:] for length in range(len(before), 1, -1)]
        runs += [after[:length] for length in range(len(after), 1, -1)]
        for run in runs:
            found = _verdicts(figures, position, run)
            if not (found == DIFFERS).any() and found.isin([AGREES, WITHIN]).any():
                parts, verdicts = run, found
                break
    span = columns_named([table.letters[p] for p in parts])
    problems = [
        Problem(
            "total-checked",
            WARNING,
            f"Column {letter} ('{label}') is the total of {span}: it was set aside so nothing is counted twice, "
            f"and checked against them on each row ({_tally(verdicts)}).",
            sheet=table.sheet,
            row=header_row,
            column=letter,
            value=label,
        )
    ]
    summed = sum(figures[p]["count"].fillna(0) for p in parts)
    hidden = sum(figures[p]["suppressed"].astype(int) for p in parts)
    for row in verdicts.index[verdicts == DIFFERS]:
        problems.append(_mismatch(table, letter, label, span, row, figures, position, summed, hidden))
    return problems


def _names_a_part(label: str, key: dict[str, str]) -> bool:
    """'All EU' or 'EU total' names the part of the row it totals; 'Total' and 'Male total' (over
    the male columns) do not, and a gap in them is a gap."""
    said = {word for value in key.values() for word in headings.words(value)}
    plain = {word for phrase in headings.TOTAL_WORDS for word in phrase.split()}
    return any(word not in said | plain for word in headings.words(label))


def _tally(verdicts: pd.Series) -> str:
    tally = verdicts.value_counts()
    words = {
        AGREES: ("agrees", "agree", ""),
        WITHIN: ("agrees", "agree", " within the rounding or noise the file declares"),
        HIDDEN: ("agrees", "agree", " as far as can be told, some figures being suppressed"),
        UNCHECKED: (
            "could not be checked",
            "could not be checked",
            ": the total or a figure is missing or not a number",
        ),
        DIFFERS: ("does not agree", "do not agree", ""),
    }
    return "; ".join(
        f"{plural(int(tally[v]), 'row')} {one if int(tally[v]) == 1 else many}{tail}"
        for v, (one, many, tail) in words.items()
        if v in tally
    )


def _mismatch(table, letter, label, span, row, figures: _Figures, position, summed, hidden) -> Problem:
    said, added = int(figures[position].at[row, "count"]), int(summed.at[row])
    if hidden.at[row]:
        detail = f"the figures shown in {span} add up to {added:,}, and the suppressed ones cannot make up the rest"
    else:
        detail = f"{span} add up to {added:,} ({abs(said - added):,} apart)"
    if figures.said.says():
        detail += f"; {figures.said.says()}, which does not explain it"
    return Problem(
        "total-mismatch",
        ERROR,
        f"Row {row}: column {letter} ('{label}') says {said:,}, but {detail}. Correct the total or the figures "
        "beside it, or add a column for the people the total includes and the others leave out (for example "
        "'Not known').",
        sheet=table.sheet,
        row=int(row),
        column=letter,
        value=str(said),
    )
