"""The report's totals: flows add up over their periods, a stock counts once, at its latest date."""

from datetime import date

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from requests_app.ingest.result import OBSERVATION_COLUMNS, Result

DAYS = [date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30)]


def observations(rows: list[tuple[date, int, bool, bool]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "period_start": pd.to_datetime([day for day, *_ in rows]),
            "period_end": pd.to_datetime([day for day, *_ in rows]),
            "count": pd.array([None if hidden else n for _, n, hidden, _ in rows], dtype="Int64"),
            "suppressed": [hidden for _, _, hidden, _ in rows],
            "point_in_time": [stock for *_, stock in rows],
        }
    )
    for column in OBSERVATION_COLUMNS:
        if column not in frame:
            frame[column] = pd.Series(pd.NA, index=frame.index, dtype=object)
    return frame[OBSERVATION_COLUMNS]


ROWS = st.lists(st.tuples(st.sampled_from(DAYS), st.integers(0, 500), st.booleans(), st.booleans()), max_size=30)


@settings(deadline=None)
@given(rows=ROWS)
def test_a_stock_is_totalled_at_its_latest_date_and_flows_over_every_period(rows):
    result = Result(True, False, len(rows), observations(rows))
    shown = [(day, n, stock) for day, n, hidden, stock in rows if not hidden]
    by_date = {f"{day:%Y-%m-%d}": sum(n for d, n, s in shown if s and d == day) for day in DAYS}
    by_date = {day: n for day, n in by_date.items() if any(s and f"{d:%Y-%m-%d}" == day for d, _, s in shown)}
    flows = sum(n for _, n, stock in shown if not stock)
    assert result.stock_totals == by_date
    assert result.total == flows + (by_date[max(by_date)] if by_date else 0)
    report = result.report()
    assert (report["total"], report["stock_totals"]) == (result.total, by_date)


def test_four_quarter_end_counts_of_the_same_people_are_never_added_up():
    rows = [(day, 100 + i, False, True) for i, day in enumerate(DAYS)]
    result = Result(True, False, 3, observations(rows))
    assert result.total == 102 and result.stock_totals == {"2024-03-31": 100, "2024-06-30": 101, "2024-09-30": 102}
