"""Which columns give each row's period, and what their headings say it means.

Files give a period many ways: one column ("2024 Q1"); a year and a quarter or month side by
side ("2024", "1"); DfE's time_period and time_identifier ("202324", "Academic year"); a snapshot
date ("Date (as at ...)") with the year and quarter it falls in beside it. Using the coarsest of
these would store four quarterly snapshots as one yearly count, so the most detailed complete
period is chosen, the columns that only repeat it are reported as not used, and a count taken on
a day (a stock) is marked so that it is never added up over time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from requests_app.ingest import codes, mapping, period_forms, periods
from requests_app.ingest.problems import WARNING, Problem

# Headings that hold a period or a part of one, after mapping.label_key.
_PERIOD_HEADING = re.compile(
    r"^(?:(?:calendar|financial|fiscal|academic|school|tax|reporting) )?(?:year|quarter|qtr|month)(?: name)?$"
    r"|^(?:fy|ay|cy)$|^(?:time |reporting )?period(?: ending| ended| covered)?$|\bdate\b|^time identifier$"
    r"|^(?:week|month|quarter|year) (?:ending|ended|commencing|beginning)$"
    r"|\b(?:as at|as of|snapshot|count date|census date|census day|position (?:at|on)|extract(?:ion)? date)\b"
)
# Dates that belong to a person, not to the count.
_NOT_A_PERIOD = re.compile(r"birth|death|arrival|dob\b", re.IGNORECASE)
_QUARTER_ONLY = re.compile(r"^(?:q(?:uarter|tr)? ?)?([1-4])$")
_MONTH_ONLY = re.compile(rf"^{period_forms.MONTH_WORDS}$|^(\d{{1,2}})$")
# DfE time identifiers the tracker can turn into whole months, written as the parser reads them.
_DFE_FORMS = {
    "academic year": "AY {split}",
    "financial year": "FY {split}",
    "tax year": "tax year {split}",
    "calendar year": "{year}",
    **{f"calendar year q{n}": f"{{year}} Q{n}" for n in range(1, 5)},
    **{f"financial year q{n}": f"FY {{split}} Q{n}" for n in range(1, 5)},
    **{name: f"{name} {{year}}" for name in period_forms.MONTHS},
    **{f"{name} term": f"{name} term {{split}}" for name in ("autumn", "spring", "summer", "autumn and spring")},
    **{f"academic year q{n}": f"AY {{split}} Q{n}" for n in range(1, 5)},
}
_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
_MONTH_NAMES += ["November", "December"]
_FULL_MONTHS = {name.lower() for name in _MONTH_NAMES}


@dataclass
class Timing:
    """Where each row's period comes from."""

    positions: list[int]  # the columns read, primary first
    heading: str  # the primary column's heading
    meaning: periods.Meaning
    letter: str  # the primary column's letter
    form: str = "one"  # "one", "dfe", "year-quarter" or "year-month"
    point_in_time: bool = False  # counts taken on a day: stocks, never added up over time
    repeats: list[int] = field(default_factory=list)  # period columns that only repeat it

    def text(self, body: pd.DataFrame) -> pd.Series:
        """The period of each row as one text the parser reads, built per distinct pair of values."""
        first = _stripped(body[self.positions[0]])
        if self.form == "one":
            return first
        second = _stripped(body[self.positions[1]])
        pairs = pd.MultiIndex.from_arrays([first, second])
        positions, uniques = pd.factorize(pairs)
        combine = {"dfe": _dfe_text, "year-quarter": _year_quarter_text, "year-month": _year_month_text}[self.form]
        small = [combine(a, b, self.meaning) for a, b in uniques]
        return pd.Series(pd.Categorical(small)[positions], index=body.index)


def _stripped(values: pd.Series) -> pd.Series:
    """Trimmed text as categories, so the parser and the checks after it work per distinct value."""
    positions, uniques = pd.factorize(values.astype(str))
    return pd.Series(pd.Categorical([u.strip() for u in uniques])[positions], index=values.index)


def _split_form(year: str) -> str:
    digits = year.strip()
    if re.fullmatch(r"\d{6}", digits):
        return f"{digits[:4]}/{digits[4:]}"
    return digits


def _dfe_text(period: str, identifier: str, _: periods.Meaning) -> str:
    key = codes.normalise(identifier)
    form = _DFE_FORMS.get(key) or _DFE_FORMS.get(key[:3] if key in _FULL_MONTHS else key)
    if form is None:
        return f"{identifier} {period}"  # a week or a reporting year: the parser says what is in doubt
    return form.format(split=_split_form(period), year=period.strip())


def _year_quarter_text(year: str, quarter: str, meaning: periods.Meaning) -> str:
    number = _QUARTER_ONLY.match(codes.normalise(quarter))
    if number is None:
        return quarter
    if meaning.kind == periods.FINANCIAL:
        return f"FY {_split_form(year)} Q{number[1]}"
    return f"{year} Q{number[1]}"


def _year_month_text(year: str, month: str, meaning: periods.Meaning) -> str:
    text = codes.normalise(month)
    number = int(text) if text.isdigit() else period_forms.MONTHS.get(text[:3], 0)
    if not 1 <= number <= 12:
        return f"{month} {year}"
    spans = periods.parse_periods(pd.Series([year]), meaning).iloc[0]
    if spans["start"] is pd.NaT:
        return f"{month} {year}"
    # "January" in the academic year 2023/24 is January 2024: the month inside the year named.
    start = spans["start"]
    in_year = start.year if number >= start.month else start.year + 1
    return f"{_MONTH_NAMES[number - 1]} {in_year}"


def _kind_of(label: str) -> str:
    key = mapping.label_key(label)
    if periods.meaning(label).kind == periods.SNAPSHOT:
        return "snapshot"
    if key == "time identifier":
        return "identifier"
    if key in ("time period",):
        return "time-period"
    if re.search(r"\bquarter\b|\bqtr\b", key):
        return "quarter"
    if re.search(r"\bmonth\b", key) and "ending" not in key:
        return "month"
    if re.search(r"\byear\b|^(?:fy|ay|cy)$", key) and "ending" not in key:
        return "year"
    return "period"


def _complete(values: pd.Series, meaning: periods.Meaning) -> tuple[bool, float]:
    """Whether every filled value of a column is a period by itself, and the typical days it spans."""
    distinct = pd.Series(pd.unique(pd.Series(pd.unique(values)).astype(str).str.strip()))
    distinct = distinct[distinct != ""]
    if distinct.empty:
        return False, 0.0
    spans = periods.parse_periods(distinct, meaning)
    readable = spans["start"].notna() | spans["issue"].isin(["ambiguous-date", "us-date", "excel-serial"])
    length = (spans["end"] - spans["start"]).dt.days.median()
    return bool(readable.all()), 0.0 if pd.isna(length) else float(length)


def choose(
    labels: list[str],
    letters: list[str],
    body: pd.DataFrame,
    column_map: mapping.Mapping,
    problems: list[Problem],
    *,
    sheet: str,
    header_row: int | None,
    stock: bool = False,
) -> tuple[Timing | None, list[Problem]]:
    """The period columns of a table. column_map's "period" field is moved to the primary column;
    the mapping's complaints about the columns used here (unknown, or no period column) are
    replaced by what was made of them."""
    mapped = [p for p, code in column_map.fields.items() if code == "period"]
    candidates = [
        p
        for p, label in enumerate(labels)
        if p != column_map.count
        and (p in mapped or (_PERIOD_HEADING.search(mapping.label_key(label)) and not _NOT_A_PERIOD.search(label)))
        and (p not in column_map.fields or p in mapped)
    ]
    if not candidates:
        return None, problems
    kinds = {p: _kind_of(labels[p]) for p in candidates}
    by_kind: dict[str, list[int]] = {}
    for p in candidates:
        by_kind.setdefault(kinds[p], []).append(p)
    count_meaning = periods.meaning(labels[column_map.count]) if column_map.count is not None else periods.Meaning()

    timing = None
    if "snapshot" in by_kind:
        primary = by_kind["snapshot"][0]
        timing = Timing([primary], labels[primary], periods.meaning(labels[primary]), letters[primary])
    elif "identifier" in by_kind and ("time-period" in by_kind or "year" in by_kind or "period" in by_kind):
        primary = (by_kind.get("time-period") or by_kind.get("year") or by_kind["period"])[0]
        identifier = by_kind["identifier"][0]
        timing = Timing([primary, identifier], labels[primary], periods.Meaning(), letters[primary], form="dfe")
    else:
        scored = []
        for p in candidates:
            meaning = periods.meaning(labels[p])
            complete, length = _complete(body[p], meaning)
            scored.append((not complete, length, p, meaning))
        years = [p for incomplete, _, p, _ in scored if not incomplete and kinds[p] == "year"]
        for part, form, pattern in (("quarter", "year-quarter", _QUARTER_ONLY), ("month", "year-month", _MONTH_ONLY)):
            for p in by_kind.get(part, []):
                if years and _all_match(body[p], pattern):
                    year = years[0]
                    timing = Timing([year, p], labels[year], periods.meaning(labels[year]), letters[year], form=form)
                    break
            if timing:
                break
        if timing is None:
            _, _, primary, meaning = min(scored)
            timing = Timing([primary], labels[primary], meaning, letters[primary])
    if count_meaning.as_at is not None and timing.meaning.as_at is None:
        timing.meaning = periods.Meaning(timing.meaning.kind, count_meaning.as_at)
    timing.point_in_time = (
        stock
        or timing.meaning.kind == periods.SNAPSHOT
        or timing.meaning.as_at is not None
        or count_meaning.kind == periods.SNAPSHOT
    )
    timing.repeats = [p for p in candidates if p not in timing.positions and kinds[p] != "identifier"]

    for p in mapped:
        del column_map.fields[p]
    column_map.fields[timing.positions[0]] = "period"
    used = {letters[p] for p in timing.positions + timing.repeats}
    kept = [
        p
        for p in problems
        if not (p.type == "unknown-label" and p.column in used)
        and not (p.type == "missing-label" and p.value == "period")
    ]
    for p in timing.repeats:
        kept.append(
            Problem(
                "period-meaning",
                WARNING,
                f"The column '{labels[p]}' was not used as the period: each row's period is taken from "
                f"{' and '.join(repr(labels[q]) for q in timing.positions)}, the most detailed one in the file.",
                sheet=sheet,
                row=header_row,
                column=letters[p],
                value=labels[p],
            )
        )
    column_map.ignored = [p for p in column_map.ignored if p not in timing.positions + timing.repeats]
    return timing, kept


def _all_match(values: pd.Series, pattern: re.Pattern) -> bool:
    distinct = [codes.normalise(v) for v in pd.unique(values)]
    distinct = [v for v in distinct if v]
    return bool(distinct) and all(pattern.match(v) for v in distinct)
