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
from datetime import date, timedelta
from typing import NamedTuple

import pandas as pd

from project.lib.periods import (
    ACADEMIC_YEAR_START,
    FINANCIAL_YEAR_START,
    TAX_YEAR_START,
    month_end,
    months_before,
)

from .codes import normalise, per_unique

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
MONTH_WORDS = _MONTH  # a month's name or abbreviation, for other modules' patterns
_YEAR = r"(\d{4}|\d{2})"  # "Apr-23" is Excel's mmm-yy display of a month
_NOTHING = (pd.NaT, pd.NaT, "")

# Labels that may sit before (or after) a "2023/24" style year.
_FY_LABEL = r"fy|financial year|fin year|fin\. year|f/y"
_AY_LABEL = r"ay|academic year|acad year|school year"
_SPLIT_YEAR = r"(\d{4}|\d{2})[/-](\d{4}|\d{2})"  # "2023/24", "23-24"
_YEAR_ENDING = (
    r"ye|y/e|year ending|year ended|year end|year to|yr ending|yr to|(?:12|twelve) months (?:ending|ended|to)"
)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # the same pivot as strptime's %y: 00-68 -> 2000s, 69-99 -> 1900s
        year += 2000 if year < 69 else 1900
    return year


def _span(start: date, end: date, granularity: str) -> tuple:
    if not (1900 <= start.year <= 2100 and 1900 <= end.year <= 2100):
        return _NOTHING  # "0001" or "9999" in a period column is a placeholder, not a period
    return pd.Timestamp(start), pd.Timestamp(end), granularity


def _months_span(first_year: int, first_month: int, last_year: int, last_month: int) -> tuple:
    """A run of whole months, named by its length: 1 -> month, 3 on a quarter -> quarter, 12 -> year."""
    count = (last_year * 12 + last_month) - (first_year * 12 + first_month) + 1
    if count == 1:
        granularity = "month"
    elif count == 3 and first_month in (1, 4, 7, 10):
        granularity = "quarter"
    elif count == 12:
        granularity = "year"
    else:
        return _NOTHING  # two or seven months is not a reporting period we store
    return _span(date(first_year, first_month, 1), month_end(date(last_year, last_month, 1)), granularity)


def _split_year(first: str, second: str, start_month: int, granularity: str) -> tuple:
    """'2023' and '24' (or '2024') -> the twelve months from start_month of the first year."""
    year = _year(first)
    following = int(second)
    if following != (year + 1 if len(second) == 4 else (year + 1) % 100):
        return _NOTHING  # "2023/25" is a typo we should report, not a guess at which year
    return _span(date(year, start_month, 1), date(year + 1, start_month, 1) - timedelta(days=1), granularity)


def _day(year: int, month: int, day: int) -> tuple:
    try:
        moment = date(year, month, day)
    except ValueError:  # 31/02/2023
        return _NOTHING
    return _span(moment, moment, "day")


def _month_number(name: str) -> int:
    return MONTHS[name[:3]]


# Each pattern runs against normalised text with dashes unified and spaces around "-" and "/"
# removed ("Jan - Mar 2023" -> "jan-mar 2023"). The first pattern that matches decides.
_PATTERNS: list[tuple[re.Pattern, object]] = []


def _pattern(regex: str):
    def register(handler):
        _PATTERNS.append((re.compile(regex), handler))
        return handler

    return register


@_pattern(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
def _iso_date(m):  # "2023-04-01", and Excel dates read as text: "2023-04-01 00:00:00"
    return _day(int(m[1]), int(m[2]), int(m[3]))


@_pattern(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")
def _uk_date(m):  # "01/04/2023": UK day-month-year order, never US month-day
    return _day(_year(m[3]), int(m[2]), int(m[1]))


@_pattern(rf"^(\d{{1,2}})(?:st|nd|rd|th)?[ -]?{_MONTH}[ -]?{_YEAR}$")
def _written_date(m):  # "1 April 2023", "01-Apr-23", and NHS extracts' "01APR2024"
    return _day(_year(m[3]), _month_number(m[2]), int(m[1]))


@_pattern(r"^(\d{4})[ -]?q(?:uarter|tr)? ?([1-4])$")
def _year_quarter(m):  # "2023 Q1", "2023Q1", "2023-Q1", "2023 quarter 1"
    return _months_span(int(m[1]), 3 * int(m[2]) - 2, int(m[1]), 3 * int(m[2]))


@_pattern(r"^q(?:uarter|tr)? ?([1-4])[ -]?(\d{4})$")
def _quarter_year(m):  # "Q1 2023", "Q1-2023", "quarter 1 2023"
    return _months_span(int(m[2]), 3 * int(m[1]) - 2, int(m[2]), 3 * int(m[1]))


@_pattern(rf"^{_MONTH}(?: to |-){_MONTH}[ -]?{_YEAR}$")
def _month_range(m):  # "Jan-Mar 2023", "Jan to Mar 2023" (within one calendar year)
    first, last = _month_number(m[1]), _month_number(m[2])
    if last < first:
        return _NOTHING  # "Nov-Jan 2023": which year is January in? Ask rather than guess.
    return _months_span(_year(m[3]), first, _year(m[3]), last)


@_pattern(rf"^{_MONTH}[ -]?{_YEAR}(?: to |-){_MONTH}[ -]?{_YEAR}$")
def _month_year_range(m):  # "Apr 2023 - Mar 2024"
    first_year, last_year = _year(m[2]), _year(m[4])
    first, last = _month_number(m[1]), _month_number(m[3])
    if (last_year, last) < (first_year, first):
        return _NOTHING
    return _months_span(first_year, first, last_year, last)


@_pattern(rf"^(?:{_YEAR_ENDING})[ -]?{_MONTH}[ -]?{_YEAR}$")
def _year_ending(m):  # "YE Dec 2023", "year ending December 2023": the twelve months to the end of that month
    last_year, last_month = _year(m[2]), _month_number(m[1])
    first = months_before(date(last_year, last_month, 1), 11)
    return _months_span(first.year, first.month, last_year, last_month)


@_pattern(rf"^{_MONTH}[ -]?{_YEAR}$")
def _month_year(m):  # "April 2023", "Apr-23", "apr2023"
    return _months_span(_year(m[2]), _month_number(m[1]), _year(m[2]), _month_number(m[1]))


@_pattern(rf"^(\d{{4}})[ -]{_MONTH}$")
def _year_month_name(m):  # "2023 April"
    return _months_span(int(m[1]), _month_number(m[2]), int(m[1]), _month_number(m[2]))


@_pattern(r"^(\d{4})m(\d{2})$")
def _ons_month(m):  # "2023M04", the ONS time-series form
    month = int(m[2])
    return _months_span(int(m[1]), month, int(m[1]), month) if 1 <= month <= 12 else _NOTHING


@_pattern(r"^(\d{1,2})[/-](\d{4})$")
def _month_slash_year(m):  # "04/2023", "4-2023"
    month = int(m[1])
    return _months_span(int(m[2]), month, int(m[2]), month) if 1 <= month <= 12 else _NOTHING


@_pattern(rf"^(?:{_AY_LABEL}) ?{_SPLIT_YEAR}$|^{_SPLIT_YEAR} ?(?:{_AY_LABEL})$")
def _academic_year(m):  # "AY 2023/24", "academic year 2023/24": 1 September to 31 August
    first, second = (m[1], m[2]) if m[1] else (m[3], m[4])
    return _split_year(first, second, ACADEMIC_YEAR_START, "academic-year")


@_pattern(rf"^(?:tax year|ty) ?{_SPLIT_YEAR}$")
def _tax_year(m):  # "tax year 2023/24": 6 April to 5 April
    if _split_year(m[1], m[2], FINANCIAL_YEAR_START, "") == _NOTHING:
        return _NOTHING
    first = date(_year(m[1]), *TAX_YEAR_START)
    return _span(first, date(first.year + 1, *TAX_YEAR_START) - timedelta(days=1), "tax-year")


@_pattern(rf"^(?:(?:{_FY_LABEL}) ?)?{_SPLIT_YEAR} ?q([1-4])$|^q([1-4]) ?(?:(?:{_FY_LABEL}) ?)?{_SPLIT_YEAR}$")
def _financial_quarter(m):  # "2023/24 Q1", "FY 2023/24 Q4", "Q2 2023/24": quarters of the financial year
    first, second, number = (m[1], m[2], m[3]) if m[1] else (m[5], m[6], m[4])
    if _split_year(first, second, FINANCIAL_YEAR_START, "") == _NOTHING:
        return _NOTHING
    months = FINANCIAL_YEAR_START - 1 + 3 * (int(number) - 1)  # from January of the first year
    year, month = _year(first) + months // 12, months % 12 + 1
    return _months_span(year, month, year, month + 2)


@_pattern(rf"^(?:{_FY_LABEL}) ?{_SPLIT_YEAR}$|^{_SPLIT_YEAR} ?(?:{_FY_LABEL})$")
def _labelled_financial_year(m):  # "FY2023/24", "financial year 2023-24": 1 April to 31 March
    first, second = (m[1], m[2]) if m[1] else (m[3], m[4])
    return _split_year(first, second, FINANCIAL_YEAR_START, "financial-year")


@_pattern(r"^(\d{4})-(\d{2})$")
def _year_hyphen_two(m):  # "2023-04" is April 2023; "2023-24" is the financial year
    year, second = int(m[1]), int(m[2])
    if second == (year + 1) % 100:
        # "2011-12" could be either: parse_periods settles it for the whole column.
        return _split_year(m[1], m[2], FINANCIAL_YEAR_START, "financial-year")
    return _months_span(year, second, year, second) if 1 <= second <= 12 else _NOTHING


@_pattern(r"^(\d{4})/(\d{2}|\d{4})$|^(\d{4})-(\d{4})$")
def _financial_year(m):  # "2023/24", "2023/2024", "2023-2024"
    return (
        _split_year(m[1], m[2], FINANCIAL_YEAR_START, "financial-year")
        if m[1]
        else _split_year(m[3], m[4], FINANCIAL_YEAR_START, "financial-year")
    )


@_pattern(r"^mid[ -]?(\d{4}) to mid[ -]?(\d{4})$")
def _mid_year_to_mid_year(m):  # "Mid-2016 to Mid-2017": ONS migration flows between two mid-year estimates
    first, last = int(m[1]), int(m[2])
    return _months_span(first, 7, last, 6) if last == first + 1 else _NOTHING


@_pattern(r"^mid[ -]?(?:year[ -]?)?(\d{4})(?: (?:population )?estimates?)?$")
def _mid_year(m):  # "Mid-2022": ONS mid-year estimates refer to 30 June, a point in time
    moment = date(int(m[1]), 6, 30)
    return _span(moment, moment, "mid-year")


@_pattern(r"^(?:cy|calendar year)? ?(\d{4})$")
def _calendar_year(m):  # "2022"
    return _months_span(int(m[1]), 1, int(m[1]), 12)


_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_AROUND_SEPARATORS = re.compile(r" ?([-/]) ?")
_AMBIGUOUS = re.compile(r"^(\d{4})-(\d{2})$")
_SPLIT_ONLY = re.compile(r"^(\d{4})[/-](\d{2}|\d{4})$|^(\d{4})(\d{2})$")
_SPLIT_QUARTER = re.compile(r"^(?:\d{4})[/-](?:\d{2}|\d{4}) ?q[1-4]$|^q[1-4] ?(?:\d{4})[/-](?:\d{2}|\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})(\d{2})$")
_ONE_DIGIT_SPLIT = re.compile(r"^(\d{4})[/-](\d)$")
_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
_FOUR_DIGITS = re.compile(r"^\d{4}$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](?:\d{4}|\d{2})$")
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
_AS_AT_DAY = re.compile(rf"\b(?:as at|as of|at|on) (\d{{1,2}})(?:st|nd|rd|th)? {_MONTH}\b")
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
        return Meaning(kind, (_month_number(match[2]), int(match[1])))
    if _AT_END.search(text):
        return Meaning(kind, END)
    return Meaning(kind)


def _prepare(value) -> str:
    text = _DASHES.sub("-", normalise(value))
    return _AROUND_SEPARATORS.sub(r"\1", text)


def _parse_text(text: str) -> tuple:
    if not text:
        return _NOTHING
    for pattern, handler in _PATTERNS:
        if match := pattern.match(text):
            return handler(match)
    return _NOTHING


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
    return _NOTHING


def readings(value: str) -> tuple[date | None, date | None]:
    """A numeric date read day first and month first; None where that reading is no date."""
    m = _NUMERIC_DATE.match(_prepare(value))
    if not m:
        return None, None
    year = _year(re.split(r"[/.-]", _prepare(value))[-1])

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
    saying which year), "academic-quarter", "not-a-day" (a span under a snapshot heading),
    "outside" (the heading's day is not in the period); "assumed-financial" is not in doubt
    enough to refuse: a bare split year was read as a financial year.
    """
    values = pd.Series(values)
    texts = [_prepare(value) for value in pd.unique(values)]
    # A column that elsewhere holds plain "YYYY-MM" months ("2011-11") means "2011-12" is December
    # 2011 too. Otherwise "YYYY-YY" is the financial-year form UK tables use far more often.
    months_column = any(_is_plain_month(text) for text in texts)
    us_order, _ = _slash_dates(texts)
    kind, as_at = heading or Meaning()

    def parse(value) -> tuple:
        text = _prepare(value)
        issue = ""
        split = _split(text)
        if split and kind in _YEAR_STARTS:
            span = _split_year(*split, _YEAR_STARTS[kind], kind)
        elif split and kind == TAX:
            span = _parse_text(f"tax year {split[0]}/{split[1]}")
        elif kind in (*_YEAR_STARTS, TAX) and _FOUR_DIGITS.match(text):
            return (*_NOTHING, "which-year")
        elif kind == ACADEMIC and _SPLIT_QUARTER.match(text):
            return (*_NOTHING, "academic-quarter")
        elif kind == CALENDAR and split:
            return (*_NOTHING, "not-calendar")
        elif months_column and (_is_ambiguous(text) or _YEAR_MONTH.match(text)):
            year, month = int(text[:4]), int(text[-2:])
            span = _months_span(year, month, year, month) if 1 <= month <= 12 else _NOTHING
        elif _YEAR_MONTH.match(text):
            if split:
                return (*_NOTHING, "six-digit")
            span = (
                _months_span(int(text[:4]), int(text[4:]), int(text[:4]), int(text[4:]))
                if _is_plain_month(text)
                else _NOTHING
            )
        elif us_order and (m := _NUMERIC_DATE.match(text)) and int(m[1]) <= 12 and int(m[1]) != int(m[2]):
            return (*_NOTHING, "us-date" if int(m[2]) > 12 else "ambiguous-date")
        else:
            span = _parse_text(text)
            if split and span[2] == "financial-year":
                issue = "assumed-financial"
        if span[0] is pd.NaT:
            if _ONE_DIGIT_SPLIT.match(text):
                issue = "split-digit"
            elif _SERIAL.match(text):
                issue = "excel-serial"
            return (*_NOTHING, issue)
        if as_at is not None and span[2] not in ("day", "mid-year"):
            span = _on_day(span, as_at)
            if span[0] is pd.NaT:
                return (*_NOTHING, "outside")
        elif kind == SNAPSHOT and span[2] not in ("day", "mid-year"):
            return (*_NOTHING, "not-a-day")
        return (*span, issue)

    return per_unique(
        values,
        parse,
        {"start": "datetime64[ns]", "end": "datetime64[ns]", "granularity": "str", "issue": "str"},
    )
