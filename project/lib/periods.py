"""Calendar arithmetic for reporting periods and release dates: month ends, months back, calendar
quarters, UK financial years and the labels reports give them.

Pure Python (no Django): the ingest pipeline reads periods with it, the reports bucket and label
them, the coverage dates public releases.
"""

import calendar
import datetime

from dateutil.relativedelta import relativedelta

FINANCIAL_YEAR_START = 4  # April: the UK public sector's year runs 1 April to 31 March
ACADEMIC_YEAR_START = 9  # September
TAX_YEAR_START = (4, 6)  # the UK tax year runs 6 April to 5 April


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` earlier, or that month's last day when it is shorter."""
    return day - relativedelta(months=months)


def quarter(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last days of the calendar quarter holding `day`."""
    first = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return first, month_end(first.replace(month=first.month + 2))


def financial_year(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last days of the financial year holding `day`."""
    year = day.year if day.month >= FINANCIAL_YEAR_START else day.year - 1
    first = datetime.date(year, FINANCIAL_YEAR_START, 1)
    return first, datetime.date(year + 1, FINANCIAL_YEAR_START, 1) - datetime.timedelta(days=1)


def bucket(day: datetime.date, granularity: str) -> tuple[datetime.date, datetime.date, str]:
    """The month, calendar quarter or financial year ("year") holding `day`: first day, last day, label."""
    if granularity == "month":
        first, last = day.replace(day=1), month_end(day)
        return first, last, f"{first:%b %Y}"
    if granularity == "year":
        first, last = financial_year(day)
        return first, last, f"{first.year}/{(first.year + 1) % 100:02d}"
    first, last = quarter(day)
    return first, last, f"{first:%b}–{last:%b %Y}"


def period_bucket(
    start: datetime.date | None, end: datetime.date | None, granularity: str
) -> tuple[datetime.date, str]:
    """The column an observation's period falls in: (sort key, label). A period longer than the
    bucket goes in the coarser bucket it fills exactly, or keeps its own label rather than being
    split by guesswork."""
    if start is None:
        return datetime.date.min, "Period not given"
    end = end or start
    first, last, label = bucket(start, granularity)
    if end <= last:
        return first, label
    for coarser in ("quarter", "year"):
        first, last, label = bucket(start, coarser)
        if (first, last) == (start, end):
            return first, label
    return start, f"{start:%b %Y}–{end:%b %Y}"


def release_dates(months: list[int], today: datetime.date) -> tuple[datetime.date | None, datetime.date | None]:
    """The first days of the latest release month up to `today` and of the next one after it, for a
    source released in the same months every year."""
    if not months:
        return None, None
    past = [datetime.date(today.year - back, m, 1) for back in (0, 1) for m in months]
    following = [datetime.date(today.year + ahead, m, 1) for ahead in (0, 1) for m in months]
    return max(d for d in past if d <= today), min(d for d in following if d > today)
