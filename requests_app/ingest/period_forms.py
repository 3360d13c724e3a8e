"""The written forms of a reporting period, each with the days it spans.

Each pattern runs against text prepared by prepare(): normalised, dashes unified and spaces
around "-" and "/" removed ("Jan - Mar 2023" -> "jan-mar 2023"). The first pattern that matches
decides. What the forms mean under a heading, and which readings are in doubt, is periods.py's.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd
from dateutil.easter import easter

from project.lib.periods import (
    ACADEMIC_YEAR_START,
    FINANCIAL_YEAR_START,
    TAX_YEAR_START,
    month_end,
    months_before,
)

from .codes import normalise

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
MONTH_WORDS = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_YEAR = r"(\d{4}|\d{2})"  # "Apr-23" is Excel's mmm-yy display of a month
NOTHING = (pd.NaT, pd.NaT, "")

# Labels that may sit before (or after) a "2023/24" style year.
_FY_LABEL = r"fy|financial year|fin year|fin\. year|f/y"
_AY_LABEL = r"ay|academic year|acad year|school year"
_SPLIT_YEAR = r"(\d{4}|\d{2})[/-](\d{4}|\d{2})"  # "2023/24", "23-24"
_YEAR_ENDING = (
    r"ye|y/e|year ending|year ended|year end|year to|yr ending|yr to|(?:12|twelve) months (?:ending|ended|to)"
)


def year_of(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # the same pivot as strptime's %y: 00-68 -> 2000s, 69-99 -> 1900s
        year += 2000 if year < 69 else 1900
    return year


def _span(start: date, end: date, granularity: str) -> tuple:
    if not (1900 <= start.year <= 2100 and 1900 <= end.year <= 2100):
        return NOTHING  # "0001" or "9999" in a period column is a placeholder, not a period
    return pd.Timestamp(start), pd.Timestamp(end), granularity


def months_span(first_year: int, first_month: int, last_year: int, last_month: int) -> tuple:
    """A run of whole months, named by its length: 1 -> month, 3 on a quarter -> quarter, 12 -> year."""
    count = (last_year * 12 + last_month) - (first_year * 12 + first_month) + 1
    if count == 1:
        granularity = "month"
    elif count == 3 and first_month in (1, 4, 7, 10):
        granularity = "quarter"
    elif count == 12:
        granularity = "year"
    else:
        return NOTHING  # two or seven months is not a reporting period we store
    return _span(date(first_year, first_month, 1), month_end(date(last_year, last_month, 1)), granularity)


def split_year(first: str, second: str, start_month: int, granularity: str) -> tuple:
    """'2023' and '24' (or '2024') -> the twelve months from start_month of the first year."""
    year = year_of(first)
    following = int(second)
    if following != (year + 1 if len(second) == 4 else (year + 1) % 100):
        return NOTHING  # "2023/25" is a typo we should report, not a guess at which year
    return _span(date(year, start_month, 1), date(year + 1, start_month, 1) - timedelta(days=1), granularity)


def _day(year: int, month: int, day: int) -> tuple:
    try:
        moment = date(year, month, day)
    except ValueError:  # 31/02/2023
        return NOTHING
    return _span(moment, moment, "day")


def month_number(name: str) -> int:
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
    return _day(year_of(m[3]), int(m[2]), int(m[1]))


@_pattern(rf"^(\d{{1,2}})(?:st|nd|rd|th)?[ -]?{MONTH_WORDS}[ -]?{_YEAR}$")
def _written_date(m):  # "1 April 2023", "01-Apr-23", and NHS extracts' "01APR2024"
    return _day(year_of(m[3]), month_number(m[2]), int(m[1]))


@_pattern(r"^(\d{4})[ -]?q(?:uarter|tr)? ?([1-4])$")
def _year_quarter(m):  # "2023 Q1", "2023Q1", "2023-Q1", "2023 quarter 1"
    return months_span(int(m[1]), 3 * int(m[2]) - 2, int(m[1]), 3 * int(m[2]))


@_pattern(r"^q(?:uarter|tr)? ?([1-4])[ -]?(\d{4})$")
def _quarter_year(m):  # "Q1 2023", "Q1-2023", "quarter 1 2023"
    return months_span(int(m[2]), 3 * int(m[1]) - 2, int(m[2]), 3 * int(m[1]))


@_pattern(rf"^{MONTH_WORDS}(?: to |-){MONTH_WORDS}[ -]?{_YEAR}$")
def _month_range(m):  # "Jan-Mar 2023", "Jan to Mar 2023" (within one calendar year)
    first, last = month_number(m[1]), month_number(m[2])
    if last < first:
        return NOTHING  # "Nov-Jan 2023": which year is January in? Ask rather than guess.
    return months_span(year_of(m[3]), first, year_of(m[3]), last)


@_pattern(rf"^{MONTH_WORDS}[ -]?{_YEAR}(?: to |-){MONTH_WORDS}[ -]?{_YEAR}$")
def _month_year_range(m):  # "Apr 2023 - Mar 2024"
    first_year, last_year = year_of(m[2]), year_of(m[4])
    first, last = month_number(m[1]), month_number(m[3])
    if (last_year, last) < (first_year, first):
        return NOTHING
    return months_span(first_year, first, last_year, last)


@_pattern(rf"^(?:{_YEAR_ENDING})[ -]?{MONTH_WORDS}[ -]?{_YEAR}$")
def _year_ending(m):  # "YE Dec 2023", "year ending December 2023": the twelve months to the end of that month
    last_year, last_month = year_of(m[2]), month_number(m[1])
    first = months_before(date(last_year, last_month, 1), 11)
    return months_span(first.year, first.month, last_year, last_month)


@_pattern(rf"^(?:quarter|qtr|three months|3 months) (?:ending|ended|to)[ -]?{MONTH_WORDS}[ -]?{_YEAR}$")
def _quarter_ending(m):  # "Quarter ending June 2024", Home Office's "3 months to March 2024"
    last_year, last_month = year_of(m[2]), month_number(m[1])
    first = months_before(date(last_year, last_month, 1), 2)
    return months_span(first.year, first.month, last_year, last_month)


@_pattern(rf"^{MONTH_WORDS}[ -]?{_YEAR}$")
def _month_year(m):  # "April 2023", "Apr-23", "apr2023"
    return months_span(year_of(m[2]), month_number(m[1]), year_of(m[2]), month_number(m[1]))


@_pattern(rf"^(\d{{4}})[ -]{MONTH_WORDS}$")
def _year_month_name(m):  # "2023 April"
    return months_span(int(m[1]), month_number(m[2]), int(m[1]), month_number(m[2]))


@_pattern(r"^(\d{4})m(\d{2})$")
def _ons_month(m):  # "2023M04", the ONS time-series form
    month = int(m[2])
    return months_span(int(m[1]), month, int(m[1]), month) if 1 <= month <= 12 else NOTHING


@_pattern(r"^(\d{1,2})[/-](\d{4})$")
def _month_slash_year(m):  # "04/2023", "4-2023"
    month = int(m[1])
    return months_span(int(m[2]), month, int(m[2]), month) if 1 <= month <= 12 else NOTHING


def _term(name: str, autumn_year: int) -> tuple:
    """A school term as DfE's school census collects it: the autumn term from 1 August to 31
    December, the spring term from 1 January to Easter Sunday, the summer term from Easter Monday
    to 31 July; "autumn and spring" runs from 1 August to Easter Sunday."""
    spring_year = autumn_year + 1
    sunday = easter(spring_year)
    first, last = {
        "autumn": (date(autumn_year, 8, 1), date(autumn_year, 12, 31)),
        "spring": (date(spring_year, 1, 1), sunday),
        "summer": (sunday + timedelta(days=1), date(spring_year, 7, 31)),
        "autumn and spring": (date(autumn_year, 8, 1), sunday),
    }[name]
    return _span(first, last, "term")


_TERM = r"(autumn and spring|autumn|spring|summer) terms?"


@_pattern(rf"^{_TERM} (?:(?:{_AY_LABEL}) ?)?{_SPLIT_YEAR}$|^(?:(?:{_AY_LABEL}) ?)?{_SPLIT_YEAR} {_TERM}$")
def _term_of_year(m):  # "Autumn term 2023/24", DfE's time_identifier "Spring term" with time_period 202324
    name, first, second = (m[1], m[2], m[3]) if m[1] else (m[6], m[4], m[5])
    if split_year(first, second, ACADEMIC_YEAR_START, "") == NOTHING:
        return NOTHING
    return _term(name, year_of(first))


@_pattern(r"^(autumn|spring|summer) terms? (\d{4})$|^(\d{4}) (autumn|spring|summer) terms?$")
def _term_in_year(m):  # "Autumn term 2023", "Spring term 2024": the calendar year the term falls in
    name, year = (m[1], int(m[2])) if m[1] else (m[4], int(m[3]))
    return _term(name, year if name == "autumn" else year - 1)


@_pattern(rf"^(?:{_AY_LABEL}) ?{_SPLIT_YEAR}$|^{_SPLIT_YEAR} ?(?:{_AY_LABEL})$")
def _academic_year(m):  # "AY 2023/24", "academic year 2023/24": 1 September to 31 August
    first, second = (m[1], m[2]) if m[1] else (m[3], m[4])
    return split_year(first, second, ACADEMIC_YEAR_START, "academic-year")


@_pattern(rf"^(?:tax year|ty) ?{_SPLIT_YEAR}$")
def _tax_year(m):  # "tax year 2023/24": 6 April to 5 April
    if split_year(m[1], m[2], FINANCIAL_YEAR_START, "") == NOTHING:
        return NOTHING
    first = date(year_of(m[1]), *TAX_YEAR_START)
    return _span(first, date(first.year + 1, *TAX_YEAR_START) - timedelta(days=1), "tax-year")


@_pattern(rf"^(?:(?:{_FY_LABEL}) ?)?{_SPLIT_YEAR} ?q([1-4])$|^q([1-4]) ?(?:(?:{_FY_LABEL}) ?)?{_SPLIT_YEAR}$")
def _financial_quarter(m):  # "2023/24 Q1", "FY 2023/24 Q4", "Q2 2023/24": quarters of the financial year
    first, second, number = (m[1], m[2], m[3]) if m[1] else (m[5], m[6], m[4])
    if split_year(first, second, FINANCIAL_YEAR_START, "") == NOTHING:
        return NOTHING
    months = FINANCIAL_YEAR_START - 1 + 3 * (int(number) - 1)  # from January of the first year
    year, month = year_of(first) + months // 12, months % 12 + 1
    return months_span(year, month, year, month + 2)


@_pattern(rf"^(?:{_FY_LABEL}) ?{_SPLIT_YEAR}$|^{_SPLIT_YEAR} ?(?:{_FY_LABEL})$")
def _labelled_financial_year(m):  # "FY2023/24", "financial year 2023-24": 1 April to 31 March
    first, second = (m[1], m[2]) if m[1] else (m[3], m[4])
    return split_year(first, second, FINANCIAL_YEAR_START, "financial-year")


@_pattern(r"^(\d{4})-(\d{2})$")
def _year_hyphen_two(m):  # "2023-04" is April 2023; "2023-24" is the financial year
    year, second = int(m[1]), int(m[2])
    if second == (year + 1) % 100:
        # "2011-12" could be either: parse_periods settles it for the whole column.
        return split_year(m[1], m[2], FINANCIAL_YEAR_START, "financial-year")
    return months_span(year, second, year, second) if 1 <= second <= 12 else NOTHING


@_pattern(r"^(\d{4})/(\d{2}|\d{4})$|^(\d{4})-(\d{4})$")
def _financial_year(m):  # "2023/24", "2023/2024", "2023-2024"
    return (
        split_year(m[1], m[2], FINANCIAL_YEAR_START, "financial-year")
        if m[1]
        else split_year(m[3], m[4], FINANCIAL_YEAR_START, "financial-year")
    )


@_pattern(r"^mid[ -]?(\d{4}) to mid[ -]?(\d{4})$")
def _mid_year_to_mid_year(m):  # "Mid-2016 to Mid-2017": ONS migration flows between two mid-year estimates
    first, last = int(m[1]), int(m[2])
    return months_span(first, 7, last, 6) if last == first + 1 else NOTHING


@_pattern(r"^mid[ -]?(?:year[ -]?)?(\d{4})(?: (?:population )?estimates?)?$")
def _mid_year(m):  # "Mid-2022": ONS mid-year estimates refer to 30 June, a point in time
    moment = date(int(m[1]), 6, 30)
    return _span(moment, moment, "mid-year")


@_pattern(r"^(?:cy|calendar year)? ?(\d{4})$")
def _calendar_year(m):  # "2022"
    return months_span(int(m[1]), 1, int(m[1]), 12)


_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]")
_AROUND_SEPARATORS = re.compile(r" ?([-/]) ?")


def prepare(value) -> str:
    text = _DASHES.sub("-", normalise(value))
    return _AROUND_SEPARATORS.sub(r"\1", text)


def parse_text(text: str) -> tuple:
    if not text:
        return NOTHING
    for pattern, handler in _PATTERNS:
        if match := pattern.match(text):
            return handler(match)
    return NOTHING
