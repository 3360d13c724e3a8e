"""Stated totals checked against the rows they total, so a misread table is caught before it is stored.

A total row covers the rows (never totals themselves) that agree with it on every column where it
names a value; where it says "Total", names nothing or is blank, it covers every value of that
column. "Northgate total" covers the Northgate rows, "Europe: Total" the rows "Europe: ...". When
the rows it covers that way do not add up, the rows between it and the total before it (or after
it) are tried, for the layouts that put a "Total" under each block with nothing else to say which.

The sum is allowed to miss the total only by what the file itself explains: the rounding it
declares, the noise a publisher says it added, and what its suppressed cells can hold. Anything
beyond that blocks the file: a stored breakdown that does not add up to its own stated total means
a row was read twice, read wrongly or is missing. See the README ("Totals") for why.
"""

import math
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from requests_app.ingest.declared import Declared, marker_bounds, slack
from requests_app.ingest.problems import DETAIL_LIMIT, ERROR, WARNING, Problem, ProblemLog, row_list
from requests_app.ingest.totals import Labels


@dataclass
class Parts:
    """For each total (by position): the rows it covers, summed."""

    size: np.ndarray  # rows covered
    known: np.ndarray  # sum of their readable counts
    hidden: np.ndarray  # how many of them are suppressed (or unreadable)
    low: np.ndarray  # least those cells can add
    high: np.ndarray  # most those cells can add, where bounded
    unbounded: np.ndarray  # how many of those cells could hold any number

    STATS = ("size", "known", "hidden", "low", "high", "unbounded")

    @classmethod
    def empty(cls, n: int) -> "Parts":
        return cls(*(np.zeros(n) for _ in cls.STATS))

    @classmethod
    def of(cls, table: np.ndarray) -> "Parts":
        return cls(*(table[:, i] for i in range(len(cls.STATS))))

    @property
    def most(self) -> np.ndarray:
        return np.where(self.unbounded > 0, np.inf, self.high)


class _Leaves:
    """The rows that are not totals, as numbers to add up."""

    def __init__(self, leaves: pd.Series, counts: pd.Series, suppressed: pd.Series, raw: pd.Series, said: Declared):
        self.mask = leaves.to_numpy()
        readable = counts.notna() & ~suppressed
        n = len(counts)
        self.known = np.where(self.mask & readable.to_numpy(), counts.fillna(0).to_numpy(dtype="int64"), 0)
        hidden = leaves & ~readable
        self.hidden = hidden.to_numpy().astype(int)
        self.low, self.high, self.unbounded = np.zeros(n), np.zeros(n), np.zeros(n)
        if hidden.any():
            # Per distinct marker: a million rows hold a handful of them.
            markers = raw[hidden].where(suppressed[hidden], "")
            bounds = {m: marker_bounds(m, said) if m else (0, math.inf) for m in markers.unique()}
            at = hidden.to_numpy()
            self.low[at] = markers.map(lambda m: bounds[m][0]).to_numpy(dtype=float)
            high = markers.map(lambda m: bounds[m][1]).to_numpy(dtype=float)
            self.unbounded[at] = np.isinf(high)
            self.high[at] = np.where(np.isinf(high), 0, high)

    def frame(self) -> pd.DataFrame:
        values = (self.mask.astype(int), self.known, self.hidden, self.low, self.high, self.unbounded)
        return pd.DataFrame(dict(zip(Parts.STATS, values, strict=True)))


def _by_keys(
    totals: np.ndarray, leaves: _Leaves, keys: dict[int, pd.Series], labels: Labels, columns: list[int]
) -> Parts:
    """The rows each total covers, agreeing with it on the given columns where it names a value."""
    parts = Parts.empty(len(totals))
    if not len(totals):
        return parts
    codes = {p: pd.factorize(keys[p])[0] for p in columns}
    # Per total and column: "fixed" (names a value), "qualified" (a total naming a value), or any.
    named = {p: ~labels.cells[p].to_numpy()[totals] & (keys[p].to_numpy()[totals] != "") for p in columns}
    qualifier = {
        p: np.where(labels.cells[p].to_numpy()[totals], labels.qualifiers[p].to_numpy()[totals], "") for p in columns
    }
    signature = pd.DataFrame(
        {p: np.where(named[p], "=", np.where(qualifier[p] != "", qualifier[p], "")) for p in columns}
    )
    stats = leaves.frame()[leaves.mask]
    for _, group in signature.groupby(list(signature.columns), sort=False) if columns else [(None, signature)]:
        which = group.index.to_numpy()  # positions in `totals`
        first = group.iloc[0]
        fixed = [p for p in columns if first[p] == "="]
        pool = leaves.mask.copy()
        for p in columns:
            if first[p] not in ("", "="):
                pool = _narrowed(pool, keys[p], first[p])
        chosen = stats[pool[leaves.mask]]
        if fixed:
            summed = chosen.groupby([codes[p][pool] for p in fixed]).sum()
            wanted = [codes[p][totals[which]] for p in fixed]
            asked = pd.MultiIndex.from_arrays(wanted) if len(fixed) > 1 else pd.Index(wanted[0])
            found = summed.reindex(asked).fillna(0)
        else:
            found = pd.DataFrame([chosen.sum()] * len(which))
        for stat in Parts.STATS:
            getattr(parts, stat)[which] = found[stat].to_numpy(dtype=float)
    return parts


def _beside(totals: np.ndarray, leaves: _Leaves, boundaries: np.ndarray, segment: np.ndarray, above: bool) -> Parts:
    """The rows between each total and the total (or start of its block of rows) before it, or after it."""
    n = len(leaves.mask)
    stats = leaves.frame().to_numpy(dtype=float)
    cumulative = np.vstack([np.zeros((1, stats.shape[1])), np.cumsum(stats, axis=0)])  # sums of the rows before i
    positions = np.arange(n)
    starts = np.r_[0, np.flatnonzero(np.diff(segment)) + 1]
    segment_start = starts[np.searchsorted(starts, positions, side="right") - 1]
    segment_end = np.r_[starts[1:], n][np.searchsorted(starts, positions, side="right") - 1]
    marks = np.flatnonzero(boundaries)
    if above:
        previous = marks[np.maximum(np.searchsorted(marks, totals) - 1, 0)]
        previous = np.where(np.searchsorted(marks, totals) > 0, previous, -1)
        lo = np.maximum(previous + 1, segment_start[totals])
        hi = totals
    else:
        following = np.searchsorted(marks, totals, side="right")
        nxt = np.where(following < len(marks), marks[np.minimum(following, len(marks) - 1)], n)
        lo = totals + 1
        hi = np.minimum(nxt, segment_end[totals])
    hi = np.maximum(hi, lo)
    return Parts.of(cumulative[hi] - cumulative[lo])


def _agrees(stated: np.ndarray, parts: Parts, said: Declared) -> np.ndarray:
    room = slack(stated, parts.size, said)
    return (parts.size > 0) & (stated >= parts.known + parts.low - room) & (stated <= parts.known + parts.most + room)


@dataclass
class _Judged:
    totals: np.ndarray  # positions of the totals judged
    stated: np.ndarray
    candidates: list[tuple[str, Parts]]  # the ways of finding each total's rows, in order of preference
    how: np.ndarray  # index of the first candidate that agrees, -1 for none


def _segments(row_numbers: pd.Series | None, n: int) -> np.ndarray:
    if row_numbers is None:
        return np.zeros(n, int)
    # Periods melted from the columns repeat the rows once per period: blocks never span two.
    return np.r_[0, np.cumsum(np.diff(row_numbers.to_numpy()) < 0)]


def _judge(
    totals: np.ndarray,
    leaves_mask: pd.Series,
    boundaries: np.ndarray,
    keys: dict[int, pd.Series],
    mapped: list[int],
    labels: Labels,
    counts: pd.Series,
    suppressed: pd.Series,
    raw: pd.Series,
    said: Declared,
    row_numbers: pd.Series | None,
) -> _Judged:
    leaves = _Leaves(leaves_mask, counts, suppressed, raw, said)
    stated = counts.to_numpy(dtype="float64", na_value=0)[totals]
    every = sorted(keys)
    segment = _segments(row_numbers, len(counts))
    by_keys = _by_keys(totals, leaves, keys, labels, every)
    by_mapped = _by_keys(totals, leaves, keys, labels, mapped) if set(every) - set(mapped) else by_keys
    candidates = [
        ("keys", by_keys),
        ("keys", by_mapped),
        ("above", _beside(totals, leaves, boundaries, segment, True)),
        ("below", _beside(totals, leaves, boundaries, segment, False)),
    ]
    how = np.full(len(totals), -1)
    for i, (_, parts) in enumerate(candidates):
        agree = _agrees(stated, parts, said) & (how < 0)
        how[agree] = i
    return _Judged(totals, stated, candidates, how)


def confirm(
    *,
    keys: dict[int, pd.Series],
    mapped: list[int],
    labels: Labels,
    counts: pd.Series,
    suppressed: pd.Series,
    raw: pd.Series,
    said: Declared,
    row_numbers: pd.Series | None,
) -> pd.Series:
    """Which rows whose label only may be a total ("All schemes", but also "All Saints") are one:
    those whose count is what the rows they would cover add up to. A row whose parts include a cell
    that could hold anything is not confirmed: its agreement would prove nothing."""
    maybe = labels.maybe_rows.to_numpy()
    readable = (counts.notna() & ~suppressed).to_numpy()
    totals = np.flatnonzero(maybe & readable & (counts.fillna(0).to_numpy() > 0))
    confirmed = pd.Series(False, index=counts.index)
    wildcards = labels.with_maybes()
    leaves_mask = ~wildcards.rows
    if not len(totals) or not leaves_mask.any():
        return confirmed
    judged = _judge(
        totals,
        leaves_mask,
        wildcards.rows.to_numpy(),
        keys,
        mapped,
        wildcards,
        counts,
        suppressed,
        raw,
        said,
        row_numbers,
    )
    # Only the rows the label's own row names: a block beside it is evidence for a row that says
    # "Total", not for one that only may be a total.
    for i, (name, parts) in enumerate(judged.candidates):
        sure = (judged.how == i) & (name == "keys") & (parts.unbounded == 0)
        confirmed.iloc[judged.totals[sure]] = True
    return confirmed


def check(
    *,
    columns: dict[int, pd.Series],
    keys: dict[int, pd.Series],
    mapped: list[int],
    labels: Labels,
    arithmetic: pd.Series,
    counts: pd.Series,
    suppressed: pd.Series,
    raw: pd.Series,
    said: Declared,
    count_letter: str,
    problems: ProblemLog,
    within: pd.Series | None = None,
) -> None:
    """Reports every stated total as checked (total-checked) or not adding up (total-mismatch).
    `within` limits the totals judged to the rows of the areas kept (the totals of areas left out
    are neither stored nor judged); a total's parts are all the rows it covers, kept or not.

    columns: the text of every column but the count, by position, as written; keys: the same as
    compared (totals.comparable); mapped: the positions of the requested fields. All Series share a
    RangeIndex in sheet order."""
    scope = np.ones(len(counts), dtype=bool) if within is None else within.to_numpy()
    labelled = labels.rows.to_numpy() & scope
    # Its parts are every row it covers, kept or not: a region's total row beside the council's
    # rows adds up the region's other councils too.
    leaves_mask = pd.Series(~labels.rows.to_numpy() & ~arithmetic.to_numpy(), index=counts.index)
    readable = (counts.notna() & ~suppressed).to_numpy()
    totals = np.flatnonzero(labelled & readable)
    if not leaves_mask.any() or not len(totals):
        return
    row_numbers = problems.row_numbers
    boundaries = labelled | arithmetic.to_numpy()
    judged = _judge(totals, leaves_mask, boundaries, keys, mapped, labels, counts, suppressed, raw, said, row_numbers)
    stated, candidates = judged.stated, judged.candidates

    def add(j: int, kind: str, severity: str, words) -> None:
        position = totals[j]
        row = int(row_numbers.iat[position]) if row_numbers is not None else int(position)
        label = _label_of(columns, labels, position)
        problems.add(
            Problem(kind, severity, words(label), sheet=problems.sheet, row=row, column=count_letter, value=label)
        )

    checked = np.flatnonzero(judged.how >= 0)
    for j in checked[:DETAIL_LIMIT]:
        name, parts = candidates[judged.how[j]]
        add(
            j,
            "total-checked",
            WARNING,
            partial(_checked_words, stated=int(stated[j]), parts=parts, j=j, name=name, said=said),
        )
    problems.tally("total-checked", len(checked) - DETAIL_LIMIT)
    # A disagreement is judged on the rows the total names; with none it cannot be judged.
    by_keys, by_mapped = candidates[0][1], candidates[1][1]
    blame = np.where(by_mapped.size > 0, 1, -1)
    blame = np.where(by_keys.size > 0, 0, blame)
    wrong = (judged.how < 0) & (blame >= 0)
    wrong = np.flatnonzero(wrong)
    for j in wrong[:DETAIL_LIMIT]:
        parts = candidates[blame[j]][1]
        rows = _covered_rows(totals[j], keys, labels, leaves_mask, sorted(keys) if blame[j] == 0 else mapped)
        words = partial(
            _mismatch_words, stated=int(stated[j]), parts=parts, j=j, said=said, rows=rows, row_numbers=row_numbers
        )
        add(j, "total-mismatch", ERROR, words)
    problems.tally("total-mismatch", len(wrong) - DETAIL_LIMIT)


def _label_of(columns: dict[int, pd.Series], labels: Labels, position: int) -> str:
    for p in sorted(columns):
        if labels.cells[p].iat[position]:
            return str(columns[p].iat[position])
    return ""


def _narrowed(pool: np.ndarray, text: pd.Series, qualifier: str) -> np.ndarray:
    """The rows of pool a total's qualifier names ("europe" names "europe" and "europe: ..."); all
    of pool when it names none of them ("all nationalities")."""
    matches = ((text == qualifier) | text.str.startswith(qualifier + ":")).to_numpy()
    return pool & matches if (pool & matches).any() else pool


def _covered_rows(
    position: int, keys: dict[int, pd.Series], labels: Labels, leaves: pd.Series, columns: list[int]
) -> np.ndarray:
    """Positions of the rows one total covers (for its message only: a handful of totals)."""
    covered = leaves.to_numpy().copy()
    for p in columns:
        value = keys[p].iat[position]
        if labels.cells[p].iat[position]:
            if qualifier := labels.qualifiers[p].iat[position]:
                covered = _narrowed(covered, keys[p], qualifier)
        elif value != "":
            covered &= (keys[p] == value).to_numpy()
    return np.flatnonzero(covered)


def _suppressed_words(parts: Parts, j: int, gap: int) -> str:
    hidden = int(parts.hidden[j])
    if not hidden:
        return ""
    cells = "1 suppressed cell" if hidden == 1 else f"{hidden:,} suppressed cells"
    if parts.unbounded[j]:
        return f"the {gap:,} missing can be in the {cells} among them"
    return f"the {cells} among them hold between {int(parts.low[j]):,} and {int(parts.high[j]):,}"


def _checked_words(label: str, stated: int, parts: Parts, j: int, name: str, said: Declared) -> str:
    where = {"keys": "", "above": " directly above it", "below": " directly below it"}[name]
    size, known = int(parts.size[j]), int(parts.known[j])
    text = f"The total '{label}' ({stated:,}) was checked against the {size:,} rows it covers{where}"
    text += f": they add up to {known:,}"
    if known == stated and not parts.hidden[j]:
        return text + ", so it agrees."
    reasons = [r for r in (_suppressed_words(parts, j, stated - known), said.says()) if r]
    return text + ", and " + " and ".join(reasons) + ", so it agrees."


def _mismatch_words(
    label: str, stated: int, parts: Parts, j: int, said: Declared, rows: np.ndarray, row_numbers: pd.Series | None
) -> str:
    size, known = int(parts.size[j]), int(parts.known[j])
    numbers = [int(row_numbers.iat[r]) if row_numbers is not None else int(r) for r in rows[:12]]
    listed = row_list(numbers) + (f" and {len(rows) - 12:,} more" if len(rows) > 12 else "")
    text = f"The total '{label}' says {stated:,}, but the {size:,} rows it covers ({listed}) add up to {known:,}"
    if hidden := _suppressed_words(parts, j, stated - known):
        text += f"; {hidden}"
    room = int(slack(np.array([stated]), np.array([size]), said)[0])
    if room:
        text += f"; {said.says()}, which explains a difference of at most {room:,}"
    return (
        text + ". A row may be missing or counted twice, or the total may be out of date: correct the figures so "
        "the rows add up to the total, or remove the total row, and upload the file again."
    )
