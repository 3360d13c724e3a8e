"""Row checks on the count and period columns: a value that cannot be stored is reported on its row."""

import pandas as pd

from requests_app.ingest import counts, periods
from requests_app.ingest.problems import ERROR, WARNING, ProblemLog


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


def check_periods(
    frame: pd.DataFrame, dims: dict[str, pd.Series], letter_of: dict[str, str], live: pd.Series, problems: ProblemLog
) -> None:
    """Fills the period_start and period_end columns of frame."""
    if "period" in dims:
        spans = periods.parse_periods(dims["period"])
        bad = live & spans["start"].isna() & (dims["period"] != "")
        problems.add_rows(
            bad,
            dims["period"],
            type="type-error",
            severity=ERROR,
            column=letter_of["period"],
            message=lambda v: (
                f"'{v}' is not a period the tracker understands. Use forms like '2024 Q1', "
                "'Apr-24', '2024/25' or a date."
            ),
        )
        frame["period_start"], frame["period_end"] = spans["start"], spans["end"]
    else:
        frame["period_start"] = frame["period_end"] = pd.NaT
