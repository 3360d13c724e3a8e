"""Read reporting periods written the many ways agencies write them.

Every period becomes a start and an end date (both inclusive, at midnight) and a granularity.
A mid-year estimate is a point in time, so its start and end are the same day.

"year" means any twelve consecutive months (a calendar year, "year ending March 2024", or
"Apr 2023 - Mar 2024"); "financial-year" and "academic-year" only when the text or the column's
heading says so. The heading decides what a split year means: "2023/24" under "Academic year" is
September to August, under "Financial year" April to March; with no word for it, it is read as the
financial year UK public-sector tables usually mean, and the reader is told so. A form with two
readings (a DfE six-digit year with nothing saying which year, "2023/4", 03/04/2024 in a column
that elsewhere puts the month first, an Excel serial number) is reported as a question, never
guessed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

import pandas as pd

from project.lib.periods import ACADEMIC_YEAR_START, FINANCIAL_YEAR_START

from .codes import normalise, per_unique
from .period_forms import MONTH_WORDS, NOTHING, month_number, months_span, parse_text, prepare, split_year, year_of

_AMBIGUOUS = re.compile(r"^(\d{4})-(\d{2})$")
_SPLIT_ONLY = re.compile(r"^(\d{4})[/-](\d{2}|\d{4})$|^(\d{4})(\d{2})$")
_SPLIT_QUARTER = re.compile(r"^(?:\d{4})[/-](?:\d{2}|\d{4}) ?q[1-4]$|^q[1-4] ?(?:\d{4})[/-](?:\d{2}|\d{4})$")
_AY_QUARTER = re.compile(r"^ay (?:\d{4})[/-](?:\d{2}|\d{4}) ?q[1-4]$")
_YEAR_MONTH = re.compile(r"^(\d{4})(\d{2})$")
_ONE_DIGIT_SPLIT = re.compile(r"^(\d{4})[/-](\d)$")
_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
_FOUR_DIGITS = re.compile(r"^\d{4}$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](?:\d{4}|\d{2})$")
# DfE time identifiers whose months its standard does not fix: numbered weeks (its list stops at
# Week 52, so they are not ISO weeks, whose years may have 53) and a "reporting year" of the
# publisher's own choosing.
_WEEK_NUMBER = re.compile(r"^(?:week|wk) ?\d{1,2} (?:\d{4}|\d{6})$|^(?:\d{4}|\d{6}) (?:week|wk) ?\d{1,2}$")
_REPORTING_YEAR = re.compile(r"^reporting year (?:\d{4}|\d{6})$")
# Excel counts days from 30 December 1899; five-digit serials are the years 1927 to 2173.
EXCEL_EPOCH = date(1899, 12, 30)

# What a column's heading says its periods are, and the first month of the years it names.
ACADEMIC, FINANCIAL, TAX, CALENDAR, SNAPSHOT = (
    "academic-year",
    "financial-year",
    "tax-year",
    "calendar-year",
    "snapshot",
)
_YEAR_STARTS = {ACADEMIC: ACADEMIC_YEAR_START, FINANCIAL: FINANCIAL_YEAR_START}
_KIND_WORDS = [
    # An extract date is the day a register (patients on a GP list, households waiting) was read.
    (
        re.compile(
            r"\b(?:as at|as of|snapshot|count date|census date|census day|position (?:at|on)|stock at"
            r"|extract(?:ion)? date)\b"
        ),
        SNAPSHOT,
    ),
    (re.compile(r"\b(?:academic|school) years?\b|\bay\b"), ACADEMIC),
    (re.compile(r"\btax years?\b"), TAX),
    (re.compile(r"\b(?:financial|fiscal|fin\.?) years?\b|\bfy\b"), FINANCIAL),
    (re.compile(r"\bcalendar years?\b|\bcy\b"), CALENDAR),
]
_AS_AT_DAY = re.compile(rf"\b(?:as at|as of|at|on) (\d{{1,2}})(?:st|nd|rd|th)? {MONTH_WORDS}\b")
_AT_END = re.compile(r"\b(?:at|as at) (?:the )?end of (?:the |each )?(?:month|quarter|year|period|financial year)\b")
END = "end"  # as_at for counts taken on the last day of each period


class Meaning(NamedTuple):
    """What a heading says about the periods under it (or the counts beside them)."""

    kind: str = ""  # ACADEMIC, FINANCIAL, TAX, CALENDAR, SNAPSHOT or ""
    as_at: tuple[int, int] | str | None = None  # (month, day) each count was taken on, or END


def meaning(heading: str) -> Meaning:
    """'Academic year' -> ACADEMIC; 'Date (as at...)' -> SNAPSHOT; 'Children looked after at 31
    March' -> as at (3, 31); 'People supported at the end of the quarter' -> as at END."""
    text = normalise(heading).replace("_", " ")
    kind = next((kind for pattern, kind in _KIND_WORDS if pattern.search(text)), "")
    if match := _AS_AT_DAY.search(text):
        return Meaning(kind, (month_number(match[2]), int(match[1])))
    if _AT_END.search(text):
        return Meaning(kind, END)
    return Meaning(kind)


def _is_ambiguous(text: str) -> bool:
    """'2000-01' .. '2011-12': both a financial year and a month (YYYY-MM)."""
    m = _AMBIGUOUS.match(text)
    return bool(m) and 1 <= int(m[2]) <= 12 and int(m[2]) == (int(m[1]) + 1) % 100


def _is_plain_month(text: str) -> bool:
    """'2011-11', '2023-04', '202304': YYYY-MM that cannot be read as a financial year."""
    m = _AMBIGUOUS.match(text) or _YEAR_MONTH.match(text)
    return bool(m) and 1 <= int(m[2]) <= 12 and int(m[2]) != (int(m[1]) + 1) % 100


def _split(text: str) -> tuple[str, str] | None:
    """'2023/24', '2023-2024' and DfE's '202324' -> ('2023', '24'); None unless the years follow on."""
    m = _SPLIT_ONLY.match(text)
    if not m:
        return None
    first, second = (m[1], m[2]) if m[1] else (m[3], m[4])
    return (first, second) if int(second) == (int(first) + 1 if len(second) == 4 else (int(first) + 1) % 100) else None


def _on_day(span: tuple, as_at) -> tuple:
    """The day a count was taken on within its period: the period's last day, or the (month, day)
    the heading names."""
    start, end, _ = span
    if as_at == END:
        return end, end, "day"
    for year in range(start.year, end.year + 1):
        try:
            moment = pd.Timestamp(date(year, *as_at))
        except ValueError:  # 29 February
            continue
        if start <= moment <= end:
            return moment, moment, "day"
    return NOTHING


def readings(value: str) -> tuple[date | None, date | None]:
    """A numeric date read day first and month first; None where that reading is no date."""
    m = _NUMERIC_DATE.match(prepare(value))
    if not m:
        return None, None
    year = year_of(re.split(r"[/.-]", prepare(value))[-1])

    def on(day: int, month: int) -> date | None:
        try:
            return date(year, month, day)
        except ValueError:
            return None

    return on(int(m[1]), int(m[2])), on(int(m[2]), int(m[1]))


def _slash_dates(texts: list[str]) -> tuple[bool, str]:
    """Whether a column's numeric dates show month-first (US) order anywhere, and one that does."""
    for text in texts:
        m = _NUMERIC_DATE.match(text)
        if m and int(m[1]) <= 12 < int(m[2]):
            return True, text
    return False, ""


def parse_periods(values: pd.Series, heading: Meaning | None = None) -> pd.DataFrame:
    """Text periods -> start, end (inclusive days, datetime64), granularity and issue.

    Unreadable -> NaT and "". issue names what is in doubt: "excel-serial", "us-date",
    "ambiguous-date", "split-digit" ("2023/4"), "which-year" (a four-digit year under a
    financial or academic year heading), "not-calendar", "six-digit" (DfE's 202324 with nothing
    saying which year), "academic-quarter", "week-number", "reporting-year" (DfE identifiers whose months are not
    fixed), "not-a-day" (a span under a snapshot heading),
    "outside" (the heading's day is not in the period); "assumed-financial" is not in doubt
    enough to refuse: a bare split year was read as a financial year.
    """
    values = pd.Series(values)
    texts = [prepare(value) for value in pd.unique(values)]
    # A column that elsewhere holds plain "YYYY-MM" months ("2011-11") means "2011-12" is December
    # 2011 too. Otherwise "YYYY-YY" is the financial-year form UK tables use far more often.
    months_column = any(_is_plain_month(text) for text in texts)
    us_order, _ = _slash_dates(texts)
    kind, as_at = heading or Meaning()

    def parse(value) -> tuple:
        text = prepare(value)
        issue = ""
        split = _split(text)
        if split and kind in _YEAR_STARTS:
            span = split_year(*split, _YEAR_STARTS[kind], kind)
        elif split and kind == TAX:
            span = parse_text(f"tax year {split[0]}/{split[1]}")
        elif kind in (*_YEAR_STARTS, TAX) and _FOUR_DIGITS.match(text):
            return (*NOTHING, "which-year")
        elif (kind == ACADEMIC and _SPLIT_QUARTER.match(text)) or _AY_QUARTER.match(text):
            return (*NOTHING, "academic-quarter")
        elif _WEEK_NUMBER.match(text):
            return (*NOTHING, "week-number")
        elif _REPORTING_YEAR.match(text):
            return (*NOTHING, "reporting-year")
        elif kind == CALENDAR and split:
            return (*NOTHING, "not-calendar")
        elif months_column and (_is_ambiguous(text) or _YEAR_MONTH.match(text)):
            year, month = int(text[:4]), int(text[-2:])
            span = months_span(year, month, year, month) if 1 <= month <= 12 else NOTHING
        elif _YEAR_MONTH.match(text):
            if split:
                return (*NOTHING, "six-digit")
            span = (
                months_span(int(text[:4]), int(text[4:]), int(text[:4]), int(text[4:]))
                if _is_plain_month(text)
                else NOTHING
            )
        elif us_order and (m := _NUMERIC_DATE.match(text)) and int(m[1]) <= 12 and int(m[1]) != int(m[2]):
            return (*NOTHING, "us-date" if int(m[2]) > 12 else "ambiguous-date")
        else:
            span = parse_text(text)
            if split and span[2] == "financial-year":
                issue = "assumed-financial"
        if span[0] is pd.NaT:
            if _ONE_DIGIT_SPLIT.match(text):
                issue = "split-digit"
            elif _SERIAL.match(text):
                issue = "excel-serial"
            return (*NOTHING, issue)
        if as_at is not None and span[2] not in ("day", "mid-year"):
            span = _on_day(span, as_at)
            if span[0] is pd.NaT:
                return (*NOTHING, "outside")
        elif kind == SNAPSHOT and span[2] not in ("day", "mid-year"):
            return (*NOTHING, "not-a-day")
        return (*span, issue)

    return per_unique(
        values,
        parse,
        {"start": "datetime64[ns]", "end": "datetime64[ns]", "granularity": "str", "issue": "str"},
    )
