"""Read reporting periods written the many ways agencies write them.

Every period becomes a start and an end date (both inclusive, at midnight) and a granularity.
A mid-year estimate is a point in time, so its start and end are the same day.

"year" means any twelve consecutive months (a calendar year, "year ending March 2024", or
"Apr 2023 - Mar 2024"); "financial-year" and "academic-year" only when the text says so, or for
the bare "2023/24" form, which in UK public-sector tables means the financial year.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd

from project.lib.periods import ACADEMIC_YEAR_START, FINANCIAL_YEAR_START, month_end, months_before

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


@_pattern(rf"^(\d{{1,2}})(?:st|nd|rd|th)?[ -]{_MONTH}[ -]{_YEAR}$")
def _written_date(m):  # "1 April 2023", "01-Apr-23"
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
    """'2011-11', '2023-04': YYYY-MM that cannot be read as a financial year."""
    m = _AMBIGUOUS.match(text)
    return bool(m) and 1 <= int(m[2]) <= 12 and not _is_ambiguous(text)


def parse_periods(values: pd.Series) -> pd.DataFrame:
    """Text periods -> start, end (inclusive days, datetime64) and granularity; unreadable -> NaT and ""."""
    values = pd.Series(values)
    # A column that elsewhere holds plain "YYYY-MM" months ("2011-11") means "2011-12" is December
    # 2011 too. Otherwise "YYYY-YY" is the financial-year form UK tables use far more often.
    months_column = any(_is_plain_month(_prepare(value)) for value in pd.unique(values))

    def parse(value) -> tuple:
        text = _prepare(value)
        if months_column and _is_ambiguous(text):
            year, month = int(text[:4]), int(text[5:])
            return _months_span(year, month, year, month)
        return _parse_text(text)

    return per_unique(values, parse, {"start": "datetime64[ns]", "end": "datetime64[ns]", "granularity": "str"})
