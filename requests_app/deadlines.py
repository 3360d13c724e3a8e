"""Due dates for data requests, counted in working days (England and Wales).

Pure Python on purpose: no Django imports, so the rules can be tested and reused on their own.

A request sent on day S is answered "within n working days" if the reply arrives by the end of the
n-th working day after S; S itself never counts. While the agency's clarification question is open
the clock is stopped, and those working days do not count either.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays

from project.lib.text import plural

_ONE_DAY = timedelta(days=1)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Our own names rather than calendar.month_name, which follows the server's locale.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Pause:
    start: date  # the day clarification was requested (the clock stops at the end of this day)
    end: date | None  # the day the clarification was answered (clock restarts the next day); None = still paused


@dataclass(frozen=True)
class Deadline:
    due: date  # the last day for a reply
    long_overdue: date  # after this day the request is "long overdue" (twice the period)
    paused_working_days: int  # working days that did not count because the clock was paused
    still_paused: bool
    explanation: list[str]  # plain-English lines, shown on the request page


@cache
def _holidays_in(year: int) -> dict[date, str]:
    # England and Wales share one set of bank holidays; "ENG" covers both. Built per year on demand
    # so requests far in the past or future work without a hard-coded range.
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays_in(day.year)


def bank_holidays_between(start: date, end: date) -> list[tuple[date, str]]:
    """Bank holidays from start to end inclusive, as the library names them (weekend ones included)."""
    found = []
    for year in range(start.year, end.year + 1):
        found += [(day, name) for day, name in _holidays_in(year).items() if start <= day <= end]
    return sorted(found)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after start; start itself never counts."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n:
        day += _ONE_DAY
        n -= is_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days d with start < d <= end: the inverse of add_working_days."""
    count, day = 0, start
    while day < end:
        day += _ONE_DAY
        count += is_working_day(day)
    return count


def _merge(pauses: list[Pause], sent_on: date, today: date) -> list[tuple[date, date, bool]]:
    """Pauses as sorted, non-overlapping (start, end, still_open) spans, so no day is paused twice."""
    spans = []
    for pause in pauses:
        if pause.end is not None and pause.end < pause.start:
            raise ValueError(f"pause ends ({pause.end}) before it starts ({pause.start})")
        # An open pause runs to today: the due date shown is the earliest it can still be.
        end = pause.end if pause.end is not None else max(today, pause.start)
        # Days up to sent_on are never counted, so pausing them must not be reported as a delay.
        spans.append((max(pause.start, sent_on), max(end, sent_on), pause.end is None))
    merged: list[tuple[date, date, bool]] = []
    for start, end, is_open in sorted(spans):
        if merged and start <= merged[-1][1]:
            last_start, last_end, last_open = merged[-1]
            merged[-1] = (last_start, max(last_end, end), last_open or is_open)
        else:
            merged.append((start, end, is_open))
    return merged


def compute_deadline(
    *, sent_on: date, working_days: int, pauses: list[Pause], today: date, allowance_note: str = ""
) -> Deadline:
    if working_days < 1:
        raise ValueError("working_days must be at least 1")
    spans = _merge(pauses, sent_on, today)

    def counts(day: date) -> bool:
        return is_working_day(day) and not any(start < day <= end for start, end, _ in spans)

    # Walk day by day: with pauses in play there is no shortcut that stays obviously right.
    day, counted, due = sent_on, 0, None
    while counted < 2 * working_days:
        day += _ONE_DAY
        counted += counts(day)
        if due is None and counted == working_days:
            due = day
    long_overdue = day

    paused = [(start, end, is_open, working_days_between(start, end)) for start, end, is_open in spans]
    explanation = [
        f"Sent on {_long_date(sent_on)}.",
        f"{plural(working_days, 'working day')} allowed." + (f" {allowance_note}" if allowance_note else ""),
        _holiday_line(sent_on, due),
    ]
    for start, end, is_open, days in paused:
        if is_open:
            explanation.append(
                f"The clock has been stopped since {_short_date(start)} while the agency's "
                "question is open; the due date will move when it is answered."
            )
        else:
            explanation.append(
                f"The clock stopped for {plural(days, 'working day')} while the agency's "
                f"question was open ({_span(start, end)})."
            )
    explanation.append(f"Due by the end of {_long_date(due)}. Long overdue after {_long_date(long_overdue)}.")

    return Deadline(
        due=due,
        long_overdue=long_overdue,
        paused_working_days=sum(days for *_, days in paused),
        still_paused=any(is_open for _, _, is_open, _ in paused),
        explanation=explanation,
    )


def status_on(deadline: Deadline, today: date) -> str:
    if today > deadline.long_overdue:
        return "long-overdue"
    if today > deadline.due:
        return "overdue"
    if today == deadline.due:
        return "due-today"
    return "on-time"


def _holiday_line(sent_on: date, due: date) -> str:
    # Weekend holidays (e.g. Boxing Day on a Saturday) cost nothing beyond the weekend, and their
    # weekday substitutes are listed anyway, so naming them would only confuse.
    named = [(day, name) for day, name in bank_holidays_between(sent_on + _ONE_DAY, due) if day.weekday() < 5]
    if not named:
        return "Weekends are not counted. No bank holidays fall in this period."
    listed = ", ".join(f"{name} ({_short_date(day)})" for day, name in named)
    return f"Weekends and {plural(len(named), 'bank holiday')} are not counted: {listed}."


def _short_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _long_date(day: date) -> str:
    return f"{_WEEKDAYS[day.weekday()]} {_short_date(day)}"


def _span(start: date, end: date) -> str:
    if start.year == end.year:
        return f"{start.day} {_MONTHS[start.month - 1]} to {_short_date(end)}"
    return f"{_short_date(start)} to {_short_date(end)}"
