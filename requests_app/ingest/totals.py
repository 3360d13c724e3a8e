"""Rows that sum other rows: found by the label in any of their cells, or by their arithmetic, then
left out of the observations so nothing is counted twice, and reported.

A label is a total when it is a total word or phrase ("Total", "Grand total", "All persons",
"Both sexes", "All usual residents", "Total (all nationalities)", "Northgate total"), never merely
because it starts with "All": "All Saints" is a ward, "All other nationalities" a category. A label
"All ..." outside the vocabulary ("All schemes"), or a longer phrase around a total word ("Total
number of referrals", but also a note such as "Total includes late returns"), only may be a total,
and is one when its count is what the rows it names add up to (reconcile.confirm). The label may
sit in any column, mapped or not: a "Total" in a column of ward names nobody asked for still makes
the row a total.

A row whose label is not a total word is taken as a subtotal only on exact, structural evidence:
either it heads a hierarchy ("Europe" over "Europe: ...") and its count is exactly the sum of the
rows below it there, or it leaves blank a column its neighbours fill, its count equals the sum of
at least two rows directly above or below it, and those rows agree with it on every column it fills.
"""

import re
from dataclasses import dataclass
from functools import cached_property, partial

import numpy as np
import pandas as pd

from requests_app.ingest import codes
from requests_app.ingest.problems import WARNING, ProblemLog

# Whole labels (after lower-casing and turning punctuation into spaces) that mean "all of them".
TOTAL_LABELS = {
    "total",
    "totals",
    "grand total",
    "grand totals",
    "sub total",
    "subtotal",
    "overall",
    "overall total",
    "sum",
    "sum total",
    "all",
    "all total",
    "total all",
    "persons",
    "all persons",
    "both sexes",
    "all sexes",
    "all genders",
    "everyone",
    "everybody",
    "unknown all",
    "year to date",
    "ytd",
}
# "All <what is counted>": the census's "All usual residents", "All categories: Country of birth",
# "All people aged 16 and over", DfE's "All pupils".
_ALL_OF = (
    r"people|persons|ages|aged|sexes|genders|residents|usual residents|households|nationalities|countries|"
    r"languages|main languages|areas|wards|ethnic groups|groups|categories|statuses|types|offences|services|"
    r"reasons|pupils|students|learners|patients|clients|claimants|children|adults|applicants|cases|referrals|"
    r"individuals|families|periods|years|quarters|months|records"
)
_ALL_RE = re.compile(rf"^all (?:{_ALL_OF})\b")
_MAYBE_ALL = re.compile(r"^all (?!others?\b|the\b|but\b|except\b)\w")
_TOTAL_WORD = r"(?:grand |sub ?|overall )?totals?"
# "Total for Northgate", "Total (all nationalities)": a total word first; "Northgate total",
# "Europe: Total": last. Long sentences that merely start with "Total" are not labels.
_TOTAL_FIRST = re.compile(rf"^{_TOTAL_WORD} ")
_TOTAL_LAST = re.compile(rf" {_TOTAL_WORD}$")
_MAX_WORDS = 6
_MAX_SENTENCE = 15
_QUALIFIER_WORDS = 2
_FOOTNOTE = re.compile(r"\[(?:note|x)?\s*\d*\]|\((?:note\s*)?\d+\)|[*\u2020\u2021]+")
_TOTAL_IN_TEXT = re.compile(rf"\b{_TOTAL_WORD}\b")
_QUALIFIER_EDGES = " :-\u2013\u2014,()[]"


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+|_", " ", _FOOTNOTE.sub(" ", text)).split())


TOTAL, MAYBE = "total", "maybe"


def classify(value) -> tuple[str, str]:
    """(TOTAL, MAYBE or "", the part naming what it totals): "Northgate total" -> (TOTAL,
    "northgate"), "Total" -> (TOTAL, ""), "All schemes" and "All Saints" -> (MAYBE, ""), "Polish" -> ("", "")."""
    text = codes.normalise(value)
    words = _words(text)
    length = len(words.split())
    if not words:
        return "", ""
    if words in TOTAL_LABELS or (_ALL_RE.match(words) and length <= _MAX_WORDS + 2):
        return TOTAL, ""
    if _TOTAL_FIRST.match(words) or _TOTAL_LAST.search(words):
        qualifier = _TOTAL_IN_TEXT.sub(" ", _FOOTNOTE.sub(" ", text))
        qualifier = " ".join(re.sub(r"^\s*(?:for|of)\s+", "", qualifier.strip(_QUALIFIER_EDGES)).split())
        qualifier = qualifier.strip(_QUALIFIER_EDGES)
        # "Total (all nationalities)", "Total for Northgate", "Northgate NPT total" name what they
        # total in a few words; a longer phrase ("Total number of referrals received", "Total
        # includes late returns") is as likely a note, and a total only if its rows add up to it.
        if len(qualifier.split()) <= _QUALIFIER_WORDS or _words(qualifier).startswith("all "):
            return TOTAL, qualifier
        return (MAYBE, "") if length <= _MAX_SENTENCE else ("", "")
    if length <= _MAX_WORDS and _MAYBE_ALL.match(words):
        return MAYBE, ""
    return "", ""


def _any(cells: pd.DataFrame) -> pd.Series:
    return cells.any(axis=1) if len(cells.columns) else pd.Series(False, index=cells.index)


@dataclass
class Labels:
    """Which cells of the table say "total", by column position."""

    cells: pd.DataFrame  # bool, one column per body column position
    qualifiers: pd.DataFrame  # str: what a total label names ("northgate"), "" when it names nothing
    maybe: pd.DataFrame  # bool: the label only may be a total ("All schemes")

    @cached_property
    def rows(self) -> pd.Series:
        return _any(self.cells)

    @property
    def maybe_rows(self) -> pd.Series:
        return _any(self.maybe) & ~self.rows

    def with_maybes(self, rows: pd.Series | None = None) -> "Labels":
        """These labels, taking the maybe-totals on the given rows (all of them by default) as totals."""
        taken = self.maybe if rows is None else self.maybe.mul(rows, axis=0)
        return Labels(self.cells | taken, self.qualifiers, self.maybe & ~taken)


def labelled(keys: dict[int, pd.Series]) -> Labels:
    """keys: body position -> comparable text (comparable()) of every column but the count."""
    cells, qualifiers, maybe = {}, {}, {}
    for position, values in keys.items():
        # Classified once per category, then spread over the rows by the category codes.
        found = [classify(category) for category in values.cat.categories]
        at = values.cat.codes.to_numpy()
        kinds = np.array([(TOTAL, MAYBE).index(kind) + 1 if kind else 0 for kind, _ in found] + [0], np.int8)[at]
        cells[position], maybe[position] = kinds == 1, kinds == 2
        named = [qualifier for _, qualifier in found]
        qualifiers[position] = np.array(named + [""], dtype=object)[at] if any(named) else np.full(len(at), "", object)
    index = next(iter(keys.values())).index if keys else pd.RangeIndex(0)
    frame = partial(pd.DataFrame, index=index)
    return Labels(frame(cells, dtype=bool), frame(qualifiers, dtype=object), frame(maybe, dtype=bool))


@dataclass
class SetAside:
    """The rows left out of the observations because they total others."""

    labels: Labels
    arithmetic: pd.Series  # subtotals by arithmetic: HEAD, BLANK or ""

    @cached_property
    def rows(self) -> pd.Series:
        return self.labels.rows | (self.arithmetic != "")


def find(keys: dict[int, pd.Series], parsed: pd.DataFrame | None, labels: Labels) -> SetAside:
    """Subtotals by arithmetic beside the totals by label; keys as comparable() gives them, parsed
    the counts as counts.parse_counts reads them (None when there is no count column)."""
    if parsed is None:
        return SetAside(labels, pd.Series("", index=labels.cells.index, dtype=object))
    return SetAside(labels, subtotals(keys, parsed["count"], parsed["suppressed"], labels.rows))


def comparable(columns: dict[int, pd.Series]) -> dict[int, pd.Series]:
    """The text of each column as totals and their parts are compared, case and spacing ignored.

    Categorical, so grouping and comparing a million rows works on their few distinct values."""
    out = {}
    for position, values in columns.items():
        positions, uniques = pd.factorize(values)
        merged, distinct = pd.factorize(pd.Index([codes.normalise(u) for u in uniques], dtype=object))
        out[position] = pd.Series(
            pd.Categorical.from_codes(merged[positions] if len(uniques) else positions, categories=distinct),
            index=values.index,
        )
    return out


HEAD, BLANK = "head", "blank"


def subtotals(keys: dict[int, pd.Series], counts: pd.Series, suppressed: pd.Series, totals: pd.Series) -> pd.Series:
    """Rows that are subtotals by their arithmetic (see the module's docstring): HEAD for the head
    of a hierarchy, BLANK for a row leaving a column blank, "" on every other row.

    keys are the comparable columns, counts the parsed counts (NA when suppressed or unreadable),
    totals the rows already known to be totals; all share a RangeIndex in sheet order."""
    kind = pd.Series("", index=counts.index, dtype=object)
    if not keys or len(counts) < 3:
        return kind
    known = counts.notna() & ~suppressed
    key_codes = pd.DataFrame({position: pd.factorize(values)[0] for position, values in keys.items()})
    key_codes["_one"] = 0  # something to group by when a row fills no other column
    kind[_parents(keys, key_codes, counts, known, totals)] = HEAD
    # A ward subtotal under a grand subtotal: each pass finds the level whose parts are all rows.
    for _ in range(3):
        more = _blank_subtotals(keys, key_codes, counts, known, totals | (kind != ""))
        if not more.any():
            break
        kind[more] = BLANK
    return kind


def _parents(
    keys: dict[int, pd.Series], key_codes: pd.DataFrame, counts: pd.Series, known: pd.Series, totals: pd.Series
) -> pd.Series:
    """Rows labelled with the head of a hierarchy ("Europe" over "Europe: Ireland" and "Europe:
    Other Europe: EU countries") whose count is exactly the sum of the rows below it in the hierarchy
    that are not heads themselves, the rest of the row agreeing."""
    found = pd.Series(False, index=counts.index)
    for position, values in keys.items():
        distinct = [v for v in values[~totals].unique() if v]
        if len(distinct) > 2_000:
            continue  # not a list of categories
        heads = [v for v in distinct if any(other.startswith(v + ":") for other in distinct)]
        other = [p for p in key_codes.columns if p != position]
        for head in heads:
            rows = ~totals & known & (values == head)
            below = ~totals & values.str.startswith(head + ":").fillna(False) & ~values.isin(heads)
            if not rows.any() or not below.any():
                continue
            parts = key_codes.loc[below, other].assign(
                sum=counts[below].fillna(0).astype("int64"), unknown=~known[below], size=1
            )
            groups = parts.groupby(other).agg(sum=("sum", "sum"), unknown=("unknown", "any"), size=("size", "sum"))
            asked = key_codes.loc[rows, other].assign(row=rows[rows].index, count=counts[rows].astype("int64"))
            joined = asked.join(groups, on=other, how="inner")
            exact = (joined["size"] >= 2) & ~joined["unknown"] & (joined["sum"] == joined["count"])
            found[joined.loc[exact, "row"]] = True
    return found


def _blank_subtotals(
    keys: dict[int, pd.Series], key_codes: pd.DataFrame, counts: pd.Series, known: pd.Series, set_aside: pd.Series
) -> pd.Series:
    """Rows that leave a column blank where other rows fill it, directly above or below a run of at
    least two rows that agree with them on every column they fill, with exactly the run's sum."""
    found = pd.Series(False, index=counts.index)
    rest = ~set_aside
    blank = pd.DataFrame({position: values == "" for position, values in keys.items()})
    blank = blank.loc[:, ~blank[rest].all(axis=0)]  # a column nobody fills says nothing
    candidates = rest & known & (counts.fillna(0) > 0) & blank.any(axis=1)
    if not candidates.any():
        return found
    order = pd.Series(np.cumsum(rest.to_numpy()) - 1, index=counts.index)  # place among the rows left
    patterns = blank[candidates].apply(tuple, axis=1)
    for pattern, rows in patterns.groupby(patterns).groups.items():
        fixed = [p for p, is_blank in zip(blank.columns, pattern, strict=True) if not is_blank] + ["_one"]
        # The run includes the candidate itself, so it holds twice the candidate's count.
        parts = key_codes.loc[rest, fixed].assign(
            sum=counts[rest].fillna(0).astype("int64"),
            unknown=~known[rest],
            first=order[rest],
            last=order[rest],
            size=1,
        )
        runs = parts.groupby(fixed).agg(
            sum=("sum", "sum"),
            unknown=("unknown", "any"),
            first=("first", "min"),
            last=("last", "max"),
            size=("size", "sum"),
        )
        asked = key_codes.loc[rows, fixed].assign(row=rows, at=order[rows], count=counts[rows].astype("int64"))
        joined = asked.join(runs, on=fixed, how="inner")
        exact = (
            (joined["size"] >= 3)
            & (joined["last"] - joined["first"] + 1 == joined["size"])
            & ((joined["first"] == joined["at"]) | (joined["last"] == joined["at"]))
            & ~joined["unknown"]
            & (joined["sum"] == 2 * joined["count"])
        )
        found[joined.loc[exact, "row"]] = True
    return found


def report(set_aside: SetAside, columns: dict[int, pd.Series], letters: list[str], problems: ProblemLog) -> None:
    """One warning per row left out, naming the cell that says it is a total, or its arithmetic."""
    labels, arithmetic = set_aside.labels, set_aside.arithmetic
    rows = labels.rows
    if rows.any():
        where = labels.cells[rows].idxmax(axis=1)
        for position in sorted(set(where)):
            problems.add_rows(
                rows & (where.reindex(rows.index) == position),
                columns[position],
                type="total-row",
                severity=WARNING,
                column=letters[position],
                message=lambda v: f"'{v}' is a total; the row was left out so nothing is counted twice.",
            )
    heads, blanks = arithmetic == HEAD, arithmetic == BLANK
    if heads.any():
        problems.add_rows(
            heads,
            row_labels(columns, heads),
            type="total-row",
            severity=WARNING,
            column="",
            message=lambda v: (
                f"The row '{v}' heads the rows whose labels start with its own, and its count is exactly "
                "their sum, so it was taken as a subtotal and left out."
            ),
        )
    if blanks.any():
        problems.add_rows(
            blanks,
            row_labels(columns, blanks),
            type="total-row",
            severity=WARNING,
            column="",
            message=lambda v: (
                f"The row '{v}' leaves a column blank and its count is exactly the sum of the rows directly "
                "beside it that it describes, so it was taken as a subtotal and left out. If it is not a "
                "subtotal, fill in its blank cells."
            ),
        )


def row_labels(columns: dict[int, pd.Series], rows: pd.Series) -> pd.Series:
    """The filled cells of each flagged row, joined ("Northgate / 2024 Q1"); "" elsewhere."""
    cells = pd.DataFrame({position: values[rows] for position, values in columns.items()})
    joined = cells.apply(lambda row: " / ".join(v for v in row if v), axis=1)
    return joined.reindex(rows.index, fill_value="")
