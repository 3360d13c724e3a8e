"""Row checks on the count and period columns: a value that cannot be stored is reported on its row."""

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd

from requests_app.ingest import counts, period_columns, periods
from requests_app.ingest.problems import ERROR, WARNING, Problem, ProblemLog


def check_counts(
    frame: pd.DataFrame,
    raw_counts: pd.Series,
    count_letter: str,
    live: pd.Series,
    problems: ProblemLog,
    parsed: pd.DataFrame | None = None,
) -> None:
    """Fills the count and suppressed columns of frame; parsed is counts.parse_counts(raw_counts)
    when the caller has it already."""
    parsed = counts.parse_counts(raw_counts) if parsed is None else parsed
    problems.add_rows(
        live & parsed["error"].isin(["not-a-number", "not-whole", "blank"]),
        raw_counts,
        type="type-error",
        severity=ERROR,
        column=count_letter,
        message=lambda v: (
            f"'{v}' is not a whole number of people. Write the count as a whole number, "
            "or a suppression marker such as 'c' if it cannot be shared."
        ),
    )
    problems.add_rows(
        live & (parsed["error"] == "negative"),
        raw_counts,
        type="constraint-error",
        severity=ERROR,
        column=count_letter,
        message=lambda v: f"'{v}' is negative; counts cannot be below zero.",
    )
    problems.add_rows(
        live & parsed["suppressed"],
        raw_counts,
        type="suppressed-cell",
        severity=WARNING,
        column=count_letter,
        message=lambda v: (
            f"'{v}' marks a suppressed count: it is kept as suppressed, never as 0. "
            "Send the true number: the council suppresses small numbers before publishing."
        ),
    )

    frame["count"] = parsed["count"]
    frame["suppressed"] = parsed["suppressed"].astype(bool)


def _excel_day(value: str) -> date:
    return periods.EXCEL_EPOCH + timedelta(days=int(float(value)))


def _spelt(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def _us_date(value: str) -> str:
    day = periods.readings(value)[1]
    return (
        f"'{value}' has a month above 12 if read day first, as UK dates are, so this column seems to put the "
        f"month first. If it is {_spelt(day)}, write it as {day:%Y-%m-%d} or {day.day} {day:%b %Y}, so that "
        "each date has only one meaning."
    )


def _ambiguous_date(value: str, example: str) -> str:
    day_first, month_first = periods.readings(value)
    return (
        f"'{value}' could be {_spelt(day_first)} or {_spelt(month_first)}: other dates in this column, such as "
        f"'{example}', can only be month first. Write it as {day_first:%Y-%m-%d} if it is {_spelt(day_first)}, "
        f"or {month_first:%Y-%m-%d} if it is {_spelt(month_first)}, so that it has only one meaning."
    )


def _questions(timing: period_columns.Timing, example_us: str) -> dict[str, Callable[[str], str]]:
    """What to ask about each kind of doubtful period, in the sender's words."""
    heading = timing.heading
    year_word = {periods.ACADEMIC: "academic year", periods.FINANCIAL: "financial year", periods.TAX: "tax year"}
    return {
        "excel-serial": lambda v: (
            f"'{v}' looks like a date stored as an Excel serial number ({_spelt(_excel_day(v))} in Excel's "
            "numbering), which cannot be read safely. Format the cell as a date, or type the date (e.g. "
            f"{_excel_day(v):%Y-%m-%d}), and send the file again."
        ),
        "us-date": _us_date,
        "ambiguous-date": lambda v: _ambiguous_date(v, example_us),
        "split-digit": lambda v: (
            f"'{v}' could be a year written short or a month. Write 2023/24 for a year, or Apr 2023 for a month."
        ),
        "which-year": lambda v: (
            f"'{v}' under the heading '{heading}' could be the {year_word.get(timing.meaning.kind, 'year')} "
            f"starting or the one ending in {v}. Write it with both years, e.g. {v}/{(int(v) + 1) % 100:02d}."
        ),
        "not-calendar": lambda v: (
            f"'{v}' spans two years, but the heading '{heading}' says calendar years. Write the calendar year "
            "(e.g. 2023), or head the column 'Financial year' or 'Academic year'."
        ),
        "six-digit": lambda v: (
            f"'{v}' is a year written the DfE way, but nothing says whether it is an academic year (September to "
            "August) or a financial year (April to March). Add a time_identifier column saying 'Academic year' "
            "or 'Financial year', or head the column 'Academic year' or 'Financial year'."
        ),
        "academic-quarter": lambda v: (
            f"'{v}' is a quarter of an academic year, whose months schools count differently. Send months, "
            "calendar quarters (2024 Q1) or whole academic years."
        ),
        "week-number": lambda v: (
            f"'{v}' numbers a week without saying which days it covers: DfE's weeks are not the ISO weeks "
            "(their list stops at Week 52), so the week cannot be placed safely. Give each week by its first "
            "day under a 'Week commencing' heading (e.g. 05/02/2024), or send months."
        ),
        "reporting-year": lambda v: (
            f"'{v}' is a DfE 'Reporting year', a year of the publisher's own choosing whose months are not "
            "given. Say which year it is: a calendar year (time_identifier 'Calendar year'), an academic year or "
            "a financial year (six digits, e.g. 202324, with 'Academic year' or 'Financial year')."
        ),
        "not-a-day": lambda v: (
            f"'{v}' is a period, but the heading '{heading}' says each count was taken on a day. Give the date "
            "of the count, e.g. 31/03/2024."
        ),
        "outside": lambda v: (
            f"'{v}' does not include the day the heading '{heading}' says the counts were taken on. Correct "
            "the period or the heading."
        ),
    }


def check_periods(
    frame: pd.DataFrame,
    timing: period_columns.Timing | None,
    body: pd.DataFrame,
    live: pd.Series,
    problems: ProblemLog,
    stock: bool,
) -> None:
    """Fills the period_start, period_end and point_in_time columns of frame; a stock source's
    counts are point-in-time counts whatever their periods, or with none."""
    if timing is None:
        frame["period_start"] = frame["period_end"] = pd.NaT
        frame["point_in_time"] = stock
        return
    text = timing.text(body)
    spans = periods.parse_periods(text, timing.meaning)
    issue = spans["issue"]
    bad = live & spans["start"].isna() & (text != "") & (issue == "")
    problems.add_rows(
        bad,
        text,
        type="type-error",
        severity=ERROR,
        column=timing.letter,
        message=lambda v: (
            f"'{v}' is not a period the tracker understands. Use forms like '2024 Q1', 'Apr-24', '2024/25' or a date."
        ),
    )
    found = set(pd.unique(issue[live]))
    example_us = next((v for v in text[issue == "us-date"].head(1)), "") if "us-date" in found else ""
    for kind, question in _questions(timing, example_us).items():
        if kind not in found:
            continue
        problems.add_rows(
            live & (issue == kind),
            text,
            type="ambiguous-period",
            severity=ERROR,
            column=timing.letter,
            message=question,
        )
    assumed = live & (issue == "assumed-financial") if "assumed-financial" in found else live & False
    if assumed.any():
        example = text[assumed].iat[0]
        problems.add(
            Problem(
                "period-meaning",
                WARNING,
                f"Periods such as '{example}' in the column '{timing.heading}' were read as financial years (April "
                "to March), as UK public-sector tables usually mean them. If they are academic years (September "
                "to August), head the column 'Academic year' and send the file again.",
                sheet=problems.sheet,
                column=timing.letter,
                value=example,
            )
        )
    point_in_time = timing.point_in_time or (spans.loc[live, "granularity"] == "mid-year").any()
    if point_in_time and live.any():
        problems.add(
            Problem(
                "period-meaning",
                WARNING,
                "These counts were taken at a point in time (a stock, such as the people supported on a given "
                "day), so they are never added up over time: a quarter or a year shows its latest count.",
                sheet=problems.sheet,
                column=timing.letter,
            )
        )
    frame["period_start"], frame["period_end"] = spans["start"], spans["end"]
    frame["point_in_time"] = bool(point_in_time)
