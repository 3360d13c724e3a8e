"""The council's own totals in a file, checked against the rows they add up.

A file of wards often carries the council's authority row as well (a Nomis table, a police
export with a line for the whole council). That row is not stored, which would count everyone
twice, but it is a check: for each period and category, the kept rows must add up to it. Any
difference blocks the file, because one of the figures is wrong and the tracker cannot tell which.
"""

from __future__ import annotations

import pandas as pd

from requests_app.ingest import codes, levels
from requests_app.ingest.geography import Located, council_name, word
from requests_app.ingest.problems import DETAIL_LIMIT, ERROR, WARNING, Problem, ProblemLog


def reconcile(
    frame: pd.DataFrame,
    located: Located,
    body: pd.DataFrame,
    count: int,
    count_letter: str,
    kept: pd.Series,
    problems: ProblemLog,
    ref: codes.Reference,
) -> None:
    """The council's total rows against the sum of the rows they cover, cell by cell: the rows
    for the same period and categories (every other column of the file) must add up to it."""
    if located.checks is None or not located.checks.any():
        return
    places = located.places
    want = located.level
    if want == codes.LOCAL_AUTHORITY:
        pairs = [(kept, located.checks & (places.levels == lv), lv) for lv in pd.unique(places.levels[located.checks])]
    else:
        pairs = [(located.checks & (places.levels == codes.LOCAL_AUTHORITY), kept, want)]
    keys = [p for p in body.columns if p not in places.used and p != count]
    for totals, parts, part_level in pairs:
        if totals.any() and parts.any():
            _compare(frame, body, keys, totals, parts, part_level, count_letter, places, problems, ref)


def _compare(
    frame: pd.DataFrame,
    body: pd.DataFrame,
    keys: list[int],
    totals: pd.Series,
    parts: pd.Series,
    part_level: str,
    count_letter: str,
    places: levels.Places,
    problems: ProblemLog,
    ref: codes.Reference,
) -> None:
    both = totals | parts
    if keys:
        cell = body.loc[both, keys].astype(str).groupby(keys, sort=False, dropna=False).ngroup()
    else:
        cell = pd.Series(0, index=body.index[both])
    counts, hidden = frame.loc[both, "count"], frame.loc[both, "suppressed"]
    is_part = parts[both]
    summed = counts[is_part].groupby(cell[is_part]).sum()
    unknown = (hidden | counts.isna())[is_part].groupby(cell[is_part]).any()
    stated_rows = cell[~is_part]
    stated = counts[~is_part]
    checkable = ~hidden[~is_part] & stated.notna() & ~stated_rows.map(unknown).fillna(False).astype(bool)
    expected = stated_rows.map(summed).fillna(0).astype("Int64")
    wrong = (checkable & (stated.astype("Int64") != expected)).fillna(False).astype(bool)
    code = places.codes[totals].iat[0]
    name = f"{places.names.get(code) or council_name(ref)} ({code})"
    parts_word = word(part_level, True)
    for position in wrong[wrong].index[:DETAIL_LIMIT]:
        problems.add(
            Problem(
                "area-total",
                ERROR,
                f"The row for {name} says {stated[position]}, but its {parts_word} in this file add up to "
                f"{expected[position]} for the same period and categories. Correct the figures so that they "
                f"agree, or leave the {word(codes.LOCAL_AUTHORITY)} row out.",
                sheet=problems.sheet,
                row=int(problems.row_numbers.at[position]) if problems.row_numbers is not None else int(position),
                column=count_letter,
                value=str(stated[position]),
            )
        )
    problems.counts["area-total"] = problems.counts.get("area-total", 0) + max(int(wrong.sum()) - DETAIL_LIMIT, 0)
    if wrong.any():
        return
    checked, unchecked = int(checkable.sum()), int((~checkable).sum())
    note = f" {unchecked} could not be checked because a count in them is suppressed or missing." if unchecked else ""
    problems.add(
        Problem(
            "area-total",
            WARNING,
            f"The {checked + unchecked} rows for {name} were checked against its {parts_word} in this file"
            f"{' and agree' if checked else ''}; they were used as a check and not stored.{note}",
            sheet=problems.sheet,
            value=code,
        )
    )
